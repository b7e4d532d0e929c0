"""The end-to-end answer benchmark guards the answers: the test half through the real servers, per language."""

import statistics
import tempfile
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from knowledge.loader import default_knowledge
from tests.e2e.servers import assistant
from tests.eval.checks import HALVES, LANGS, load_cases
from tests.eval.run import accuracy, run_cases

ROOT = Path(__file__).resolve().parents[2]
# A ratchet, not the goal: the share of test-half cases answered right, per language (measured FR 0.93 = 107/115,
# NL 0.96 = 110/115 on 2026-12-01, eleventh session), may not fall more than three cases below the last measured
# figure (README, "Answers"). The goal of issue 8 is 0.95; raise these as the answers improve.
FLOOR = {"fr": 0.90, "nl": 0.93}


@pytest.mark.e2e
def test_the_test_half_is_answered_right_in_both_languages():
    with tempfile.TemporaryDirectory() as tmp, assistant(Path(tmp), {"TRACKER_STORE_URL": "memory"}) as urls:
        results = run_cases(urls["rasa"], load_cases("test"))
    measured = {lang: accuracy(results, lang) for lang in LANGS}
    assert all(measured[lang] >= FLOOR[lang] for lang in LANGS), measured


def test_both_halves_hold_enough_cases_of_every_kind():
    cases = [c for half in HALVES for c in load_cases(half)]
    assert len(cases) >= 400
    assert sum(len(c.turns) > 1 for c in cases) / len(cases) >= 0.30
    assert sum(c.out_of_scope for c in cases) / len(cases) >= 0.10
    assert {c.lang for c in cases} == set(LANGS) and len({c.id for c in cases}) == len(cases)


def _training_questions():
    texts = []
    for lang in LANGS:
        data = yaml.safe_load((ROOT / "bot" / "data" / "nlu" / f"{lang}.yml").read_text(encoding="utf-8"))
        texts += [
            line.lstrip("- ").strip() for item in data["nlu"] for line in (item.get("examples") or "").splitlines()
        ]
    texts += [q for qs in default_knowledge().questions.values() for q in [*qs.fr, *qs.nl]]
    # The reject class learns from these too (bot/retrieval.py): a near-copy among them is memory as well.
    unanswerable = yaml.safe_load((ROOT / "bot" / "data" / "unanswerable.yml").read_text(encoding="utf-8"))
    texts += [q for lang in LANGS for q in unanswerable[lang]]
    return [t.lower() for t in texts if t]


def test_the_test_half_measures_understanding_not_memory():
    """Fewer than 25 % of its questions have a near-copy (token set ratio >= 90) among the training questions."""
    train = _training_questions()
    for lang in LANGS:
        questions = [c.turns[-1].lower() for c in load_cases("test") if c.lang == lang]
        near = sum(process.extractOne(q, train, scorer=fuzz.token_set_ratio)[1] >= 90 for q in questions)
        assert near / len(questions) < 0.25, (
            lang,
            near,
            len(questions),
            statistics.median([len(q) for q in questions]),
        )
