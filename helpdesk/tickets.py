"""Create, list and answer handoff tickets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.models import Ticket, TicketAnswer

# One address, as the HTML standard defines a valid e-mail address (dot-atom local part, LDH labels), with a
# letter TLD: "a,b@x.be" or "a@x.be; b@y.be" would reach several mailboxes through SMTP.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"(?=.{{1,64}}@){_ATOM}(?:\.{_ATOM})*@(?=.{{1,255}}$)(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
MAX_QUESTION = 4000
# Who answered when signed in with the shared token: there is no account to name.
TOKEN_HOLDER = "HELPDESK_TOKEN"


class TicketError(ValueError):
    """A ticket field is missing or malformed; `code` keys a message in knowledge/messages.yml."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def valid_email(text: str) -> str | None:
    """The e-mail address in `text`, or None."""
    candidate = (text or "").strip().strip("<>").strip()
    return candidate if EMAIL.fullmatch(candidate) else None


def create_ticket(
    session: Session, *, conversation_id: str, question: str, organisation: str, email: str, language: str = "fr"
) -> Ticket:
    question, organisation = (question or "").strip(), (organisation or "").strip()
    if not question:
        raise TicketError("ticket_question_missing")
    if not organisation:
        raise TicketError("ticket_organisation_missing")
    if not valid_email(email):
        raise TicketError("ticket_email_invalid")
    ticket = Ticket(
        conversation_id=conversation_id,
        question=question[:MAX_QUESTION],
        organisation=organisation[:300],
        email=email.strip(),
        language="nl" if language == "nl" else "fr",
    )
    session.add(ticket)
    session.flush()
    return ticket


def list_tickets(session: Session, *, status: str | None = None) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if status:
        query = query.where(Ticket.status == status)
    return list(session.execute(query).scalars())


def answer_ticket(session: Session, ticket_id: int, *, answer: str, answered_by: str, close: bool = False) -> Ticket:
    """Store the answer and who gave it (a staff e-mail, or TOKEN_HOLDER); close the ticket only when told to."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketError("ticket_not_found")
    if not (answer or "").strip():
        raise TicketError("ticket_answer_missing")
    ticket.answer = answer.strip()
    ticket.answered_at = datetime.now(timezone.utc)
    ticket.answers.append(TicketAnswer(answered_at=ticket.answered_at, answered_by=answered_by[:320]))
    if close:
        ticket.status = "closed"
    session.flush()
    return ticket


def record_delivery(session: Session, ticket_id: int, *, emailed: bool) -> None:
    """Whether the ticket's latest answer reached the asker by e-mail."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is not None and ticket.answers:
        ticket.answers[-1].emailed = emailed


def waiting_seconds(ticket: Ticket, *, now: datetime) -> float:
    """How long the asker has waited: until the answer was e-mailed, else until now."""
    created = _utc(ticket.created_at)
    if ticket.answer_sent and ticket.answered_at:
        return max(0.0, (_utc(ticket.answered_at) - created).total_seconds())
    return max(0.0, (now - created).total_seconds())


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every ticket time is written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# Two questions this alike (difflib's ratio on their words) are probably the same one asked twice.
DUPLICATE_RATIO = 0.85


def likely_duplicates(tickets: Sequence[Ticket]) -> dict[int, list[int]]:
    """For each ticket, the other tickets asking nearly the same question."""
    words = {t.id: " ".join(re.findall(r"\w+", t.question.casefold())) for t in tickets}
    found: dict[int, list[int]] = {t.id: [] for t in tickets}
    for i, first in enumerate(tickets):
        for second in tickets[i + 1 :]:
            a, b = words[first.id], words[second.id]
            matcher = SequenceMatcher(None, a, b)
            # The quick upper bounds first: most pairs are told apart without the full comparison.
            if (
                a
                and b
                and matcher.real_quick_ratio() >= DUPLICATE_RATIO
                and matcher.quick_ratio() >= DUPLICATE_RATIO
                and matcher.ratio() >= DUPLICATE_RATIO
            ):
                found[first.id].append(second.id)
                found[second.id].append(first.id)
    return found
