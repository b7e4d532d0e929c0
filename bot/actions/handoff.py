"""Hand a question over to the Digilab helpdesk: collect it, store a ticket, say what happens next."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.replies import kb, lang_of, latest_text
from bot.actions.values import beneficiary
from helpdesk.db import session_scope
from helpdesk.models import Ticket
from helpdesk.notify import notify_new_ticket
from helpdesk.tickets import TicketError, create_ticket, valid_email
from settings import get_settings

logger = logging.getLogger(__name__)

SLOTS = ("handoff_question", "handoff_organisation", "handoff_email")
# Messages that are not the question itself.
_NOT_QUESTIONS = {"human_handoff", "greet", "goodbye", "thank", "affirm", "deny", "stop", "request_language",
                  "bot_challenge", "ask_capabilities", "inform"}


def previous_question(tracker: Tracker) -> Optional[str]:
    """The user's last real question before asking for a person (what the bot could not answer)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        text = event.get("text") or ""
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent not in _NOT_QUESTIONS:
            return text
    return None


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def extract_handoff_question(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested is None and not tracker.get_slot("handoff_question"):
            asked = previous_question(tracker)
            return {"handoff_question": asked} if asked else {}
        return {"handoff_question": latest_text(tracker)} if requested == "handoff_question" else {}

    async def extract_handoff_organisation(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "handoff_organisation":
            return {}
        named = beneficiary(tracker)
        return {"handoff_organisation": named.organisation if named else latest_text(tracker)}

    async def extract_handoff_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "handoff_email":
            return {}
        return {"handoff_email": latest_text(tracker)}

    def validate_handoff_question(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return {"handoff_question": value.strip()[:4000]} if value and value.strip() else {"handoff_question": None}

    def validate_handoff_organisation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        text = (value or "").strip()
        return {"handoff_organisation": text[:300] if text else None}

    def validate_handoff_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        email = valid_email(value or "")
        if not email:
            dispatcher.utter_message(response="utter_plain",
                                     answer=kb().message("ticket_email_invalid", lang_of(tracker)))
        return {"handoff_email": email}


class ActionCreateTicket(Action):
    def name(self) -> Text:
        return "action_create_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        try:
            with session_scope() as session:
                ticket = create_ticket(session, conversation_id=tracker.sender_id, language=lang,
                                       question=tracker.get_slot("handoff_question") or "",
                                       organisation=tracker.get_slot("handoff_organisation") or "",
                                       email=tracker.get_slot("handoff_email") or "")
                ticket_id, email = ticket.id, ticket.email
        except TicketError as error:
            dispatcher.utter_message(response="utter_plain", answer=kb().message(error.code, lang))
            return [SlotSet(s, None) for s in SLOTS]
        await _notify(ticket)
        dispatcher.utter_message(response="utter_ticket_created", ticket=ticket_id, email=email,
                                 contact=kb().fact("digilab.contact").text(lang))
        return [SlotSet(s, None) for s in SLOTS]


async def _notify(ticket: Ticket) -> None:
    """E-mail the helpdesk when SMTP is configured; a mail failure never loses the ticket."""
    try:
        # In a thread: the SMTP exchange blocks for up to its 10 s timeout, and every conversation of the
        # action server waits on this event loop.
        await asyncio.to_thread(notify_new_ticket, ticket, get_settings())
    except Exception:  # noqa: BLE001 - the ticket is stored; the mail is a courtesy
        logger.exception("ticket %s stored, notification failed", ticket.id)
