"""Thumbs up or down on answers, kept with the question."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpdesk.models import Feedback

REASONS = ("wrong", "not_my_question", "too_long", "other")


def record_feedback(
    session: Session,
    *,
    conversation_id: str,
    question: str,
    answer: str,
    rating: int,
    language: str = "fr",
    reason: str | None = None,
) -> Feedback:
    """A thumbs up, or a thumbs down with what was wrong (one of REASONS, or not said)."""
    if rating not in (1, -1):
        raise ValueError("rating must be 1 or -1")
    if reason is not None and (rating != -1 or reason not in REASONS):
        raise ValueError(f"reason must be one of {', '.join(REASONS)}, and only with a thumbs down")
    item = Feedback(
        conversation_id=conversation_id,
        question=question[:4000],
        answer=answer[:8000],
        rating=rating,
        language="nl" if language == "nl" else "fr",
        reason=reason,
    )
    session.add(item)
    session.flush()
    return item


def feedback_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Feedback.rating, func.count()).group_by(Feedback.rating)).all()
    counts = {rating: n for rating, n in rows}
    return {"up": counts.get(1, 0), "down": counts.get(-1, 0)}


def thumbs_down(session: Session, *, since: datetime) -> list[Feedback]:
    """The thumbs down given since `since`, newest first, with the question and answer they were given on."""
    query = (
        select(Feedback)
        .where(Feedback.rating == -1)
        .where(Feedback.created_at >= since)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    return list(session.execute(query).scalars())
