"""The action server's and the Rasa server's logs show no e-mail address, phone or national number."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rasa_server import _configure_logging
from helpdesk.masking import PersonalDataFilter

ROOT = Path(__file__).resolve().parents[2]


def test_the_action_server_log_masks_what_an_asker_typed():
    # As rasa_sdk does: its handlers first, then it imports the actions.
    script = (
        "import logging; logging.basicConfig(format='%(message)s'); import bot.actions; "
        "logging.getLogger('bot.actions.handoff').warning('ticket for %s', 'marie@cpasliege.be')"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ticket for [e-mail]" in result.stderr and "marie@cpasliege.be" not in result.stderr


@pytest.fixture
def handlers_kept_as_they_were():
    """Takes the filter off the handlers it was put on here: pytest's handlers would mask for the other tests."""
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    before = {id(h): list(h.filters) for lg in loggers for h in lg.handlers}
    yield
    for handler in (h for lg in loggers for h in lg.handlers):
        handler.filters = [
            f for f in handler.filters if not isinstance(f, PersonalDataFilter) or f in before.get(id(handler), [])
        ]


def test_the_rasa_server_masks_the_handlers_its_logging_set_up_made(capsys, handlers_kept_as_they_were):
    made = logging.StreamHandler(sys.stderr)

    def rasa_configure(log_level, *args, **kwargs):
        logging.getLogger().addHandler(made)

    try:
        _configure_logging(rasa_configure)(logging.INFO, None, warn_only_once=True)
        logging.getLogger("rasa.core.processor").warning("Received user message 'mon NISS 85.07.30-033.28'")
    finally:
        logging.getLogger().removeHandler(made)
    assert "Received user message 'mon NISS [NISS/INSZ]'" in capsys.readouterr().err
