"""Handing a question to a person: the question is kept, the e-mail checked, the ticket stored."""
import asyncio
import threading

import pytest
from rasa_sdk import Tracker

from bot.actions import handoff
from bot.actions.handoff import ActionCreateTicket, ValidateHandoffForm, previous_question
from helpdesk.db import session_scope
from helpdesk.tickets import list_tickets
from settings import get_settings
from tests.bot.conftest import run, tracker

ASKED = {"handoff_question": "Peut-on payer un abonnement internet ?", "handoff_organisation": "CPAS de Liège",
         "handoff_email": "marie@cpasliege.be"}


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/helpdesk.db"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_the_question_the_bot_could_not_answer_is_kept():
    t = Tracker.from_dict({"sender_id": "s", "slots": {}, "latest_message": {"text": "je veux parler à quelqu'un"},
                           "events": [_user("bonjour", "greet"), _user("peut-on financer un voyage à Rome ?", "nlu_fallback"),
                                      _user("je veux parler à quelqu'un", "human_handoff")],
                           "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None})
    assert previous_question(t) == "peut-on financer un voyage à Rome ?"


def test_an_invalid_email_is_refused_in_dutch(domain):
    from rasa_sdk.executor import CollectingDispatcher
    dispatcher = CollectingDispatcher()
    result = ValidateHandoffForm().validate_handoff_email("jan at ocmw", dispatcher,
                                                          tracker("jan at ocmw", slots={"language": "nl"}), domain)
    assert result == {"handoff_email": None}
    assert "e-mailadres lijkt niet geldig" in dispatcher.messages[0]["answer"]


def test_the_email_is_asked_only_when_requested(domain):
    t = tracker("a@b.be", slots={"requested_slot": "handoff_organisation"})
    assert asyncio.run(ValidateHandoffForm().extract_handoff_email(None, t, domain)) == {}


def test_a_ticket_is_stored_and_its_number_given(domain, database):
    events, replies = run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    with session_scope(database) as session:
        [ticket] = list_tickets(session)
    assert ticket.question == ASKED["handoff_question"] and ticket.email == "marie@cpasliege.be"
    assert f"ticket n° {ticket.id}" in replies[0] and "marie@cpasliege.be" in replies[0]
    assert all(e["value"] is None for e in events)


def test_the_email_is_sent_off_the_event_loop(domain, database, monkeypatch):
    threads = []
    monkeypatch.setattr(handoff, "notify_new_ticket",
                        lambda ticket, settings: threads.append(threading.current_thread()))
    run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def test_a_failed_email_is_logged_and_the_ticket_still_given(domain, database, monkeypatch, caplog):
    def refuse(ticket, settings):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(handoff, "notify_new_ticket", refuse)
    _, replies = run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    assert "ticket n°" in replies[0]
    assert "notification failed" in caplog.text and "SMTP server unreachable" in caplog.text
