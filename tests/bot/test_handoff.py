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

ASKED = {
    "handoff_question": "Peut-on payer un abonnement internet ?",
    "handoff_organisation": "CPAS de Liège",
    "handoff_email": "marie@cpasliege.be",
}


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
    t = Tracker.from_dict(
        {
            "sender_id": "s",
            "slots": {},
            "latest_message": {"text": "je veux parler à quelqu'un"},
            "events": [
                _user("bonjour", "greet"),
                _user("peut-on financer un voyage à Rome ?", "nlu_fallback"),
                _user("je veux parler à quelqu'un", "human_handoff"),
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )
    assert previous_question(t) == "peut-on financer un voyage à Rome ?"


def test_an_invalid_email_is_refused_in_dutch(domain):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = ValidateHandoffForm().validate_handoff_email(
        "jan at ocmw", dispatcher, tracker("jan at ocmw", slots={"language": "nl"}), domain
    )
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
    monkeypatch.setattr(
        handoff, "notify_new_ticket", lambda ticket, settings: threads.append(threading.current_thread())
    )
    run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def test_a_failed_email_is_logged_and_the_ticket_still_given(domain, database, monkeypatch, caplog):
    def refuse(ticket, settings):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(handoff, "notify_new_ticket", refuse)
    _, replies = run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    assert "ticket n°" in replies[0]
    assert "notification failed" in caplog.text and "SMTP server unreachable" in caplog.text


def _conversation(*events, slots=None, latest="", intent="inform"):
    return Tracker.from_dict(
        {
            "sender_id": "s",
            "slots": {"language": "fr", **(slots or {})},
            "latest_message": {"text": latest, "intent": {"name": intent}},
            "events": list(events),
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )


def test_the_last_question_left_unanswered_is_offered_not_the_last_message():
    t = _conversation(
        _user("peut-on financer un voyage à Rome ?", "ask_costs"),
        {"event": "action", "name": "action_dont_know"},
        _user("et l'avance, c'est combien ?", "ask_advance"),
        {"event": "bot", "text": "30 %", "metadata": {"utter_action": "utter_fact"}},
        _user("/human_handoff", "human_handoff"),
    )
    assert previous_question(t) == "peut-on financer un voyage à Rome ?"


def test_the_question_is_asked_pre_filled_and_editable(domain):
    from tests.bot.conftest import run

    t = _conversation(
        _user("wat is het leefloon?", "out_of_scope"),
        _user("/human_handoff", "human_handoff"),
        slots={"language": "nl"},
    )
    events, [reply] = run(handoff.AskHandoffQuestion(), t, domain)
    assert "„wat is het leefloon?”" in reply and "typ uw vraag anders" in reply
    assert events == [
        {"event": "slot", "timestamp": None, "name": "handoff_suggestion", "value": "wat is het leefloon?"}
    ]
    _, [plain] = run(handoff.AskHandoffQuestion(), _conversation(_user("/human_handoff", "human_handoff")), domain)
    assert plain.startswith("Quelle est votre question ?")


@pytest.mark.parametrize(
    "latest, intent, kept",
    [
        ("/affirm", "affirm", "peut-on financer un voyage à Rome ?"),  # the button
        ("oui", "affirm", "peut-on financer un voyage à Rome ?"),
        (
            "Peut-on financer un minibus pour les seniors ?",
            "ask_costs",
            "Peut-on financer un minibus pour les seniors ?",
        ),
        (
            "oui mais en fait c'est pour un minibus électrique",
            "affirm",
            "oui mais en fait c'est pour un minibus électrique",
        ),
    ],
)
def test_the_offered_question_is_confirmed_or_replaced(domain, latest, intent, kept):
    t = _conversation(
        slots={"requested_slot": "handoff_question", "handoff_suggestion": "peut-on financer un voyage à Rome ?"},
        latest=latest,
        intent=intent,
    )
    assert asyncio.run(ValidateHandoffForm().extract_handoff_question(None, t, domain)) == {"handoff_question": kept}


def test_nothing_is_filled_silently_when_the_form_starts(domain):
    t = _conversation(_user("peut-on financer un voyage à Rome ?", "ask_costs"), slots={"requested_slot": None})
    assert asyncio.run(ValidateHandoffForm().extract_handoff_question(None, t, domain)) == {}


def test_outside_office_hours_the_ticket_says_when_a_person_will_answer(domain, database, monkeypatch):
    from datetime import datetime as real_datetime

    class Saturday(real_datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime(2024, 5, 11, 11, 0, tzinfo=tz)

    monkeypatch.setattr(handoff, "datetime", Saturday)
    _, replies = run(ActionCreateTicket(), tracker("marie@cpasliege.be", slots=ASKED), domain)
    assert "Digilab est fermé en ce moment (week-end)" in replies[0]
    assert "à partir du lundi 13/05 à 8 h 30" in replies[0]


@pytest.mark.parametrize(
    "moment, lang, said",
    [
        ((2024, 5, 9, 10, 0), "nl", ("feestdag: O. L. H. Hemelvaart", "vrijdag 10/05 om 8.30 uur")),
        ((2024, 5, 10, 16, 15), "fr", ("en dehors des heures de bureau", "lundi 13/05 à 8 h 30")),
        ((2024, 5, 8, 12, 40), "fr", ("en dehors des heures de bureau", "mercredi 08/05 à 13 h 00")),
    ],
)
def test_holidays_come_from_the_holidays_package_and_hours_from_the_2022_slides(moment, lang, said):
    from datetime import datetime

    closed = handoff.office_closed(datetime(*moment, tzinfo=handoff.TIMEZONE), lang)
    assert (handoff.closed_reason(closed, lang), handoff.when_open(closed, lang)) == said


def test_during_office_hours_nobody_is_said_to_be_away():
    from datetime import datetime

    assert handoff.office_closed(datetime(2024, 5, 8, 10, 0, tzinfo=handoff.TIMEZONE), "fr") is None
