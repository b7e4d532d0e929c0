"""Create, list and answer handoff tickets."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import List, Optional

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


def valid_email(text: str) -> Optional[str]:
    """The e-mail address in `text`, or None."""
    candidate = (text or "").strip().strip("<>").strip()
    return candidate if EMAIL.fullmatch(candidate) else None


def create_ticket(session: Session, *, conversation_id: str, question: str, organisation: str, email: str,
                  language: str = "fr") -> Ticket:
    question, organisation = (question or "").strip(), (organisation or "").strip()
    if not question:
        raise TicketError("ticket_question_missing")
    if not organisation:
        raise TicketError("ticket_organisation_missing")
    if not valid_email(email):
        raise TicketError("ticket_email_invalid")
    ticket = Ticket(conversation_id=conversation_id, question=question[:MAX_QUESTION], organisation=organisation[:300],
                    email=email.strip(), language="nl" if language == "nl" else "fr")
    session.add(ticket)
    session.flush()
    return ticket


def list_tickets(session: Session, *, status: Optional[str] = None) -> List[Ticket]:
    query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if status:
        query = query.where(Ticket.status == status)
    return list(session.execute(query).scalars())


def answer_ticket(session: Session, ticket_id: int, *, answer: str, answered_by: str, close: bool = True) -> Ticket:
    """Store the answer and who gave it (a staff e-mail, or TOKEN_HOLDER); close the ticket unless told not to."""
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
