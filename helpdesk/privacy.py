"""Personal data kept no longer than needed: the retention purge, and the erasure of one person's data.

Command line:  python -m helpdesk.privacy purge                          (the retention periods of settings.py)
               python -m helpdesk.privacy erase --email ADDRESS
               python -m helpdesk.privacy erase --conversation SENDER

Tickets and feedback live in DATABASE_URL, conversations in Rasa's tracker store (TRACKER_STORE_URL,
table `events`, one row per event of a sender).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from helpdesk.analytics import EVENTS, has_events, tracker_engine
from helpdesk.db import session_scope
from helpdesk.models import Feedback, ReviewLabel, Ticket, TicketAnswer
from settings import Settings


@dataclass
class Purged:
    """What the retention periods removed."""

    tickets: int = 0
    feedback_texts: int = 0
    events: int = 0
    review_labels: int = 0


@dataclass
class Erased:
    """What was removed for one person."""

    tickets: list[int] = field(default_factory=list)
    feedback: int = 0
    conversations: list[str] = field(default_factory=list)
    events: int = 0
    review_labels: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.tickets or self.feedback or self.events or self.review_labels)


# ---- retention ------------------------------------------------------------------------------------------------


def purge(settings: Settings, *, now: datetime | None = None) -> Purged:
    """Delete the tickets and tracker events older than their retention period, and blank old feedback texts."""
    now = now or datetime.now(timezone.utc)
    purged = Purged()
    with session_scope(settings.database_url) as session:
        purged.tickets = _purge_tickets(session, before=now - timedelta(days=settings.ticket_retention_days))
        purged.feedback_texts = _blank_feedback(session, before=now - timedelta(days=settings.feedback_retention_days))
        purged.review_labels = _unlink_labels(
            session, before=now - timedelta(days=settings.conversation_retention_days)
        )
    before = (now - timedelta(days=settings.conversation_retention_days)).timestamp()
    purged.events = _delete_events(settings.tracker_store_url, EVENTS.c.timestamp < before)
    return purged


def _unlink_labels(session: Session, *, before: datetime) -> int:
    # What staff made of an old question stays (its masked wording is a training example); the conversation it was
    # asked in goes with that conversation's events: no sender id, in the key either ("sender@epoch").
    old = (ReviewLabel.labelled_at < before) & (ReviewLabel.conversation_id != "")
    rows = session.execute(select(ReviewLabel).where(old)).scalars().all()
    for row in rows:
        row.conversation_id, row.item_key = "", f"purged-{row.id}"
    return len(rows)


def _purge_tickets(session: Session, *, before: datetime) -> int:
    # A ticket's clock starts again with each answer: the asker may still reply to it.
    return len(_delete_tickets(session, func.coalesce(Ticket.answered_at, Ticket.created_at) < before))


def _blank_feedback(session: Session, *, before: datetime) -> int:
    # The rating stays for the statistics; the texts and the conversation they point to go.
    old = (Feedback.created_at < before) & or_(
        Feedback.question != "", Feedback.answer != "", Feedback.conversation_id != ""
    )
    result = session.execute(
        update(Feedback)
        .where(old)
        .values(question="", answer="", conversation_id="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# ---- erasure --------------------------------------------------------------------------------------------------


def erase_email(settings: Settings, address: str) -> Erased:
    """Remove every conversation of `address` (its tickets, and wherever it was typed): tickets, feedback, events."""
    address = address.strip().lower()
    with session_scope(settings.database_url) as session:
        in_tickets = or_(
            func.lower(Ticket.email) == address, func.lower(Ticket.question).contains(address, autoescape=True)
        )
        in_feedback = or_(
            func.lower(Feedback.question).contains(address, autoescape=True),
            func.lower(Feedback.answer).contains(address, autoescape=True),
        )
        senders = set(session.execute(select(Ticket.conversation_id).where(in_tickets)).scalars())
        senders |= set(session.execute(select(Feedback.conversation_id).where(in_feedback)).scalars())
        # Typed in a conversation (the handoff asks for it): Rasa keeps each event as JSON text.
        senders |= _senders_mentioning(settings.tracker_store_url, address)
        return _erase_senders(session, settings.tracker_store_url, senders)


def erase_conversation(settings: Settings, sender_id: str) -> Erased:
    """Remove one conversation (a Rasa sender id) everywhere: its tickets, its feedback, its tracker events."""
    with session_scope(settings.database_url) as session:
        return _erase_senders(session, settings.tracker_store_url, {sender_id})


def _erase_senders(session: Session, tracker_store_url: str, senders: set[str]) -> Erased:
    senders = {s for s in senders if s}  # purged feedback has no conversation left
    erased = Erased(conversations=sorted(senders))
    if not senders:
        return erased
    erased.tickets = _delete_tickets(session, Ticket.conversation_id.in_(senders))
    erased.feedback = session.execute(
        delete(Feedback).where(Feedback.conversation_id.in_(senders)).execution_options(synchronize_session=False)
    ).rowcount
    erased.events = _delete_events(tracker_store_url, EVENTS.c.sender_id.in_(senders))
    erased.review_labels = session.execute(
        delete(ReviewLabel).where(ReviewLabel.conversation_id.in_(senders)).execution_options(synchronize_session=False)
    ).rowcount
    if erased.nothing:
        erased.conversations = []  # an unknown sender id: nothing was there
    return erased


def _senders_mentioning(tracker_store_url: str, text: str) -> set[str]:
    if not has_events(tracker_store_url):
        return set()
    query = select(EVENTS.c.sender_id).distinct().where(func.lower(EVENTS.c.data).contains(text, autoescape=True))
    with tracker_engine(tracker_store_url).connect() as connection:
        return set(connection.execute(query).scalars())


# ---- deleting -------------------------------------------------------------------------------------------------


def _delete_tickets(session: Session, condition) -> list[int]:
    """Delete the tickets that match and the record of who answered them; their numbers."""
    ids = sorted(session.execute(select(Ticket.id).where(condition)).scalars())
    # By hand: SQLite enforces no foreign key, so ON DELETE CASCADE would not run there.
    session.execute(
        delete(TicketAnswer)
        .where(TicketAnswer.ticket_id.in_(select(Ticket.id).where(condition)))
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(Ticket).where(condition).execution_options(synchronize_session=False))
    return ids


def _delete_events(tracker_store_url: str, condition) -> int:
    """Delete the tracker-store events that match; 0 where Rasa keeps none (memory, or no table yet)."""
    if not has_events(tracker_store_url):
        return 0
    with tracker_engine(tracker_store_url).begin() as connection:
        return connection.execute(delete(EVENTS).where(condition)).rowcount


# ---- command line ---------------------------------------------------------------------------------------------


def purge_report(purged: Purged, settings: Settings) -> str:
    return "\n".join(
        [
            f"tickets older than {settings.ticket_retention_days} days: {purged.tickets} removed",
            f"feedback texts older than {settings.feedback_retention_days} days: {purged.feedback_texts} blanked",
            f"conversation events older than {settings.conversation_retention_days} days: {purged.events} removed",
            f"review labels older than {settings.conversation_retention_days} days: {purged.review_labels} unlinked "
            "from their conversation",
        ]
    )


def erase_report(erased: Erased, who: str) -> str:
    if erased.nothing:
        return f"nothing found for {who}"
    return "\n".join(
        [
            f"removed for {who}:",
            f"  tickets: {len(erased.tickets)}" + _listed(f"n° {i}" for i in erased.tickets),
            f"  feedback: {erased.feedback}",
            f"  review labels: {erased.review_labels}",
            f"  conversations: {len(erased.conversations)}"
            + _listed(erased.conversations)
            + f", {erased.events} tracker events",
        ]
    )


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return f" ({', '.join(items)})" if items else ""


def main(argv: list | None = None) -> int:
    """Apply the retention periods, or erase one person's data, in DATABASE_URL and TRACKER_STORE_URL."""
    parser = argparse.ArgumentParser(prog="python -m helpdesk.privacy", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("purge", help="delete what is older than its retention period (settings.py)")
    erase = commands.add_parser("erase", help="remove one person's tickets, feedback and conversations")
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="an e-mail address: its tickets and every conversation that mentions it")
    who.add_argument("--conversation", help="a conversation id (Rasa sender id, e.g. telegram-123456)")
    args = parser.parse_args(argv)
    settings = Settings()  # a command reads the environment it is run in
    if args.command == "purge":
        print(purge_report(purge(settings), settings))
        return 0
    erased = erase_email(settings, args.email) if args.email else erase_conversation(settings, args.conversation)
    print(erase_report(erased, (args.email or args.conversation).strip()))
    return 1 if erased.nothing else 0


if __name__ == "__main__":
    sys.exit(main())
