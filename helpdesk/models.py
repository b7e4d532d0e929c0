"""Tables of the helpdesk, on a declarative base of their own (helpdesk/db.py creates them).

There are no migrations: `create_all` adds a new table to an existing database but never a column
to an existing table, so what a table gains later comes as a table of its own (TicketAnswer).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Ticket(Base):
    """A question the assistant handed over to a person."""

    __tablename__ = "helpdesk_tickets"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    conversation_id = Column(String(128), nullable=False, index=True)
    language = Column(String(2), nullable=False, default="fr")
    question = Column(Text, nullable=False)
    organisation = Column(String(300), nullable=False)
    email = Column(String(320), nullable=False)
    status = Column(String(16), nullable=False, default="open", index=True)  # open | closed
    answer = Column(Text, nullable=True)
    answered_at = Column(DateTime(timezone=True), nullable=True)
    # Loaded with the ticket: pages read it after their session has closed.
    answers = relationship("TicketAnswer", order_by="TicketAnswer.id", lazy="selectin", passive_deletes=True)

    @property
    def answer_sent(self) -> bool:
        """The latest answer was e-mailed to the asker (else the CPAS may still be waiting)."""
        return bool(self.answers and self.answers[-1].emailed)

    @property
    def answered_by(self) -> str | None:
        """Who gave the latest answer: a staff e-mail, or HELPDESK_TOKEN; None before any answer."""
        return self.answers[-1].answered_by if self.answers else None


class TicketAnswer(Base):
    """Who answered a ticket, and when: one row per answer."""

    __tablename__ = "helpdesk_ticket_answers"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("helpdesk_tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    answered_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    answered_by = Column(String(320), nullable=False)  # the staff account's e-mail, or HELPDESK_TOKEN
    # Whether the answer reached the asker by e-mail; null in databases made before it was recorded.
    emailed = Column(Boolean, nullable=True)


class Feedback(Base):
    """A thumbs up or down on one answer, with the question it answered."""

    __tablename__ = "answer_feedback"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    conversation_id = Column(String(128), nullable=False, index=True)
    language = Column(String(2), nullable=False, default="fr")
    question = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)
    rating = Column(Integer, nullable=False)  # +1 or -1
    # A thumbs down says what was wrong: wrong | not_my_question | too_long | other (null for a thumbs up).
    reason = Column(String(32), nullable=True)


# What a role may do: an agent answers tickets and reviews questions; an admin also manages staff and exports.
AGENT, ADMIN = "agent", "admin"
ROLES = (AGENT, ADMIN)


class StaffAccount(Base):
    """A helpdesk agent who signs in to the back office; the password is kept as an scrypt hash."""

    __tablename__ = "helpdesk_staff"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    email = Column(String(320), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    # Nullable: added to databases made before roles (helpdesk/db.py), where every account was an agent.
    role = Column(String(16), nullable=True, default=AGENT)


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random key, this row what it opens; logout deletes the row."""

    __tablename__ = "helpdesk_sessions"

    # SHA-256 of the cookie's key: a copy of this table opens no session.
    id = Column(String(64), primary_key=True)
    subject = Column(String(320), nullable=False, index=True)  # a staff e-mail, or "token"
    csrf = Column(String(64), nullable=False)
    # Token sessions: HMAC of HELPDESK_TOKEN under the cookie's key, so that a changed token ends them.
    credential = Column(String(64), nullable=True)
    created_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


class ReviewLabel(Base):
    """A question of the review queue (a fallback, a thumbs down, a low-confidence answer) and what staff made of it."""

    __tablename__ = "helpdesk_review_labels"

    id = Column(Integer, primary_key=True)
    # The message it is about ("sender@epoch"): the queue shows each once, and no more once labelled.
    item_key = Column(String(200), nullable=False, unique=True)
    kinds = Column(String(64), nullable=False)  # fallback, thumbs_down, low_confidence (comma-separated)
    conversation_id = Column(String(128), nullable=False, index=True)
    language = Column(String(2), nullable=False)
    question = Column(Text, nullable=False)  # masked
    reply = Column(Text, nullable=False, default="")  # masked
    label = Column(String(16), nullable=False)  # see helpdesk/review.py LABELS
    fact_id = Column(String(128), nullable=True)  # the knowledge item that answers it
    source_doc = Column(String(32), nullable=True)  # for a fact to add: the document…
    source_ref = Column(String(200), nullable=True)  # …and its article, section or slide
    labelled_by = Column(String(320), nullable=False)
    labelled_at = Column(DateTime(timezone=True), default=_now, nullable=False)
