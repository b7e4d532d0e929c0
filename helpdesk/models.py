"""Tables of the helpdesk, on a declarative base of their own (helpdesk/db.py creates them)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, Text
from sqlalchemy.orm import declarative_base

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


class StaffAccount(Base):
    """A helpdesk agent who signs in to the back office; the password is kept as an scrypt hash."""

    __tablename__ = "helpdesk_staff"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), default=_now, nullable=False)
    email = Column(String(320), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
