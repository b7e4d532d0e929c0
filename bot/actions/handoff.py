"""Hand a question over to the Digilab helpdesk: collect it, store a ticket, say what happens next and when.

Opening hours: those of the 2022 slides (Monday to Friday 8:30–12:30 and 13:00–16:30, Friday until 16:00),
not the 2008 manual's (no lunch break): the slides are the newer document, of the calls Digilab runs now, for the
same phone line. Knowledge records the disagreement (contacts.opening_hours). Public holidays: `holidays`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.replies import intent_of, kb, lang_of, latest_text
from bot.actions.values import beneficiary
from helpdesk.db import session_scope
from helpdesk.models import Ticket
from helpdesk.notify import notify_new_ticket
from helpdesk.tickets import TicketError, create_ticket, valid_email
from rules.office_hours import Closed, WeeklyHours, closed_now
from settings import get_settings

logger = logging.getLogger(__name__)

SLOTS = ("handoff_question", "handoff_organisation", "handoff_email", "handoff_suggestion")
# Messages that are not the question itself.
_NOT_QUESTIONS = {
    "human_handoff",
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "stop",
    "request_language",
    "bot_challenge",
    "ask_capabilities",
    "inform",
}
_DONT_KNOW = ("action_dont_know", "utter_dont_know")
# Opening hours of the 2022 slides (see the module's docstring), in Belgian time.
OPENING_HOURS_FACT = "programme.spp_is_opening_hours"
TIMEZONE = ZoneInfo("Europe/Brussels")
# "Oui", "ja hoor": a confirmation of the offered question; a longer message is a question typed anew.
_CONFIRMATION_WORDS = 3


def previous_question(tracker: Tracker) -> str | None:
    """The question to offer for the ticket: the last one the bot could not answer, else the last one asked."""
    asked: list[list[Any]] = []  # [text, unanswered]; the request for a person itself is no question
    for event in tracker.events:
        if event.get("event") == "user":
            text = event.get("text") or ""
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if text and not text.startswith("/") and intent not in _NOT_QUESTIONS:
                asked.append([text, False])
        elif asked and _is_dont_know(event):
            asked[-1][1] = True
    unanswered = [text for text, missed in asked if missed]
    return unanswered[-1] if unanswered else (asked[-1][0] if asked else None)


def _is_dont_know(event: dict[str, Any]) -> bool:
    if event.get("event") == "action":
        return event.get("name") in _DONT_KNOW
    return event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in _DONT_KNOW


class AskHandoffQuestion(Action):
    """Asks for the question, offering the last unanswered one to confirm in one click or to type anew."""

    def name(self) -> str:
        return "action_ask_handoff_form_handoff_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        suggestion = previous_question(tracker)
        if suggestion:
            dispatcher.utter_message(response="utter_ask_handoff_question_suggested", question=suggestion)
        else:
            dispatcher.utter_message(response="utter_ask_handoff_question")
        return [SlotSet("handoff_suggestion", suggestion)]


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def extract_handoff_question(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_question":
            return {}
        text, offered = latest_text(tracker), tracker.get_slot("handoff_suggestion")
        if offered and intent_of(tracker) == "affirm" and len(text.split()) <= _CONFIRMATION_WORDS:
            return {"handoff_question": offered}
        return {"handoff_question": text}

    async def extract_handoff_organisation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_organisation":
            return {}
        named = beneficiary(tracker)
        return {"handoff_organisation": named.organisation if named else latest_text(tracker)}

    async def extract_handoff_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_email":
            return {}
        return {"handoff_email": latest_text(tracker)}

    def validate_handoff_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"handoff_question": value.strip()[:4000]} if value and value.strip() else {"handoff_question": None}

    def validate_handoff_organisation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = (value or "").strip()
        return {"handoff_organisation": text[:300] if text else None}

    def validate_handoff_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = valid_email(value or "")
        if not email:
            dispatcher.utter_message(
                response="utter_plain", answer=kb().message("ticket_email_invalid", lang_of(tracker))
            )
        return {"handoff_email": email}


class ActionCreateTicket(Action):
    def name(self) -> str:
        return "action_create_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        lang = lang_of(tracker)
        try:
            with session_scope() as session:
                ticket = create_ticket(
                    session,
                    conversation_id=tracker.sender_id,
                    language=lang,
                    question=tracker.get_slot("handoff_question") or "",
                    organisation=tracker.get_slot("handoff_organisation") or "",
                    email=tracker.get_slot("handoff_email") or "",
                )
                ticket_id, email = ticket.id, ticket.email
        except TicketError as error:
            dispatcher.utter_message(response="utter_plain", answer=kb().message(error.code, lang))
            return [SlotSet(s, None) for s in SLOTS]
        await _notify(ticket)
        contact = kb().contact(lang)
        closed = office_closed(datetime.now(TIMEZONE), lang)
        if closed:
            dispatcher.utter_message(
                response="utter_ticket_created_closed",
                ticket=ticket_id,
                email=email,
                contact=contact,
                why=closed_reason(closed, lang),
                reopens=when_open(closed, lang),
            )
        else:
            dispatcher.utter_message(response="utter_ticket_created", ticket=ticket_id, email=email, contact=contact)
        return [SlotSet(s, None) for s in SLOTS]


@lru_cache(maxsize=1)
def opening_hours() -> WeeklyHours:
    return WeeklyHours.parse(kb().fact(OPENING_HOURS_FACT).value or "")


def office_closed(now: datetime, lang: str) -> Closed | None:
    """None when Digilab is at work `now` (Belgian time), else why not and when it will be."""
    days = holidays.Belgium(years=(now.year, now.year + 1), language="nl" if lang == "nl" else "fr")
    return closed_now(now, hours=opening_hours(), holidays=days, holiday_name=days.get(now.date()))


def closed_reason(closed: Closed, lang: str) -> str:
    if closed.holiday:
        return kb().message("office_closed_holiday", lang, name=closed.holiday)
    return kb().message("office_closed_weekend" if closed.weekend else "office_closed_hours", lang)


def when_open(closed: Closed, lang: str) -> str:
    """'lundi 13/05 à 8 h 30', 'maandag 13/05 om 8.30 uur'."""
    moment = closed.reopens
    clock = f"{moment.hour}.{moment.minute:02d} uur" if lang == "nl" else f"{moment.hour} h {moment.minute:02d}"
    return kb().message(
        "office_reopens",
        lang,
        weekday=kb().message(f"office_weekday_{moment.weekday()}", lang),
        date=moment.strftime("%d/%m"),
        time=clock,
    )


async def _notify(ticket: Ticket) -> None:
    """E-mail the helpdesk when SMTP is configured; a mail failure never loses the ticket."""
    try:
        # In a thread: the SMTP exchange blocks for up to its 10 s timeout, and every conversation of the
        # action server waits on this event loop.
        await asyncio.to_thread(notify_new_ticket, ticket, get_settings())
    except Exception:
        logger.exception("ticket %s stored, notification failed", ticket.id)
