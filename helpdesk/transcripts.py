"""Conversations as staff read them: found by day, language, intent or words, and read whole, personal data masked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from helpdesk.analytics import EVENTS, Conversation, event_json, has_events, local_day, question_key, tracker_engine
from helpdesk.masking import mask_personal_data, mask_reply

USER, BOT = "user", "bot"


@dataclass(frozen=True)
class Line:
    """One message of a transcript: who spoke, when, what (masked), and the intent the model read in it."""

    at: float
    speaker: str  # USER or BOT
    text: str
    intent: str | None = None
    confidence: float | None = None


def transcript(url: str, sender_id: str) -> list[Line]:
    """Every message of a sender's conversations, in order; session starts are kept as an empty line apart."""
    if not has_events(url):
        return []
    query = (
        select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.intent_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id)
        .where(EVENTS.c.type_name.in_((USER, BOT)))
        .order_by(EVENTS.c.id)
    )
    with tracker_engine(url).connect() as connection:
        return [_line(row) for row in connection.execute(query)]


def _line(row) -> Line:
    event = event_json(row.data)
    said = str(event.get("text") or "")
    if row.type_name == BOT:
        # The assistant's replies keep the public contacts they give (Digilab's e-mail and phone).
        return Line(row.timestamp or 0.0, BOT, mask_reply(said))
    text = mask_personal_data(said)
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return Line(row.timestamp or 0.0, USER, text, row.intent_name, intent.get("confidence"))


def search(
    conversations: Sequence[Conversation],
    *,
    since: date,
    until: date,
    language: str | None = None,
    intent: str | None = None,
    contains: str = "",
    fact_texts: Sequence[str] = (),
) -> list[Conversation]:
    """The conversations started between `since` and `until` (local days) that match every filter, newest first;
    `fact_texts`: the FR and NL wording of a fact one of the assistant's replies must have given."""
    wanted = question_key(contains)
    marks = [_mark(text) for text in fact_texts]
    found = [
        c
        for c in conversations
        if since <= local_day(c.started) <= until
        and (language is None or any(t.language == language for t in c.turns))
        and (intent is None or any(t.intent == intent for t in c.turns))
        and (not wanted or any(wanted in question_key(t.text) for t in c.turns))
        and (not marks or any(m in question_key(t.reply) for t in c.turns for m in marks))
    ]
    return sorted(found, key=lambda c: c.started, reverse=True)


# Enough of a fact's wording to know a reply gave it (replies add a source, sometimes a second fact).
_MARK_WORDS = 12


def _mark(text: str) -> str:
    return " ".join(question_key(mask_personal_data(text)).split()[:_MARK_WORDS])
