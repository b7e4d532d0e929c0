"""The helpdesk's JSON API behind HELPDESK_TOKEN: tickets, answers, deflection statistics, the fallback export."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, constr, validator

from api.deps import get_lang
from api.routes.helpdesk.access import HelpdeskRoute, require_token
from api.schemas import ErrorOut, Out
from helpdesk import review
from helpdesk.analytics import Breakdown, Stats, fallbacks_yaml, helpdesk_stats
from helpdesk.db import session_scope
from helpdesk.models import Ticket
from helpdesk.notify import notify_answer
from helpdesk.tickets import TOKEN_HOLDER, TicketError, answer_ticket, list_tickets, record_delivery
from knowledge.loader import default_knowledge
from knowledge.models import Lang
from settings import Settings, get_settings

log = logging.getLogger(__name__)
MAX_ANSWER = 20000
DEFAULT_DAYS, MAX_DAYS = 30, 366
# Ticket ids are database integers: a larger one is no ticket (SQLite refused it with an OverflowError, a 500).
MAX_ID = 2**31 - 1

router = APIRouter(
    prefix="/api/v1/helpdesk",
    tags=["helpdesk"],
    route_class=HelpdeskRoute,
    dependencies=[Depends(require_token)],
    responses={401: {"model": ErrorOut}},
)


class TicketOut(Out):
    id: int
    created_at: datetime
    conversation_id: str
    language: str
    question: str
    organisation: str
    email: str
    status: str
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    answer_sent: bool

    class Config:
        orm_mode = True

    @validator("created_at", "answered_at")
    def utc(cls, value: datetime | None) -> datetime | None:
        # SQLite returns naive datetimes; every ticket time is written in UTC.
        return value.replace(tzinfo=timezone.utc) if value and value.tzinfo is None else value


class AnswerIn(BaseModel):
    answer: constr(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER)  # type: ignore[valid-type]
    # Not by default: without e-mail, the CPAS has not received the answer yet.
    close: bool = False

    class Config:
        extra = "forbid"


class AnswerOut(TicketOut):
    emailed: bool


class DayOut(Out):
    date: date
    conversations: int
    handoffs: int
    deflection_rate: float | None


class IntentCount(Out):
    intent: str
    count: int


class OutcomesOut(Out):
    """Conversations per outcome (helpdesk/analytics.py says how each is counted)."""

    answered: int
    fell_back: int
    handed_off: int
    thumbs_down: int
    abandoned: int
    no_answer: int


class DayBreakdownOut(Out):
    date: date
    fr: OutcomesOut
    nl: OutcomesOut


class BreakdownOut(OutcomesOut):
    answered_rate: float | None
    per_language: dict[str, OutcomesOut]
    per_day: list[DayBreakdownOut]

    @classmethod
    def of(cls, breakdown: Breakdown) -> BreakdownOut:
        return cls(
            **breakdown.total,
            answered_rate=breakdown.answered_rate,
            per_language={lang: OutcomesOut(**counts) for lang, counts in breakdown.per_language.items()},
            per_day=[
                DayBreakdownOut(date=day, **{lang: OutcomesOut(**c) for lang, c in counts.items()})
                for day, counts in breakdown.per_day
            ],
        )


class StatsOut(Out):
    """The one serializer of the statistics (the pages draw the same `Stats`)."""

    since: date
    until: date
    conversations: int
    handoffs: int
    deflection_rate: float | None
    fallbacks: int
    per_day: list[DayOut]
    top_intents: dict[str, list[IntentCount]]
    feedback: dict[str, int]
    breakdown: BreakdownOut

    @classmethod
    def of(cls, stats: Stats) -> StatsOut:
        return cls(
            since=stats.since,
            until=stats.until,
            conversations=stats.conversations,
            handoffs=stats.handoffs,
            deflection_rate=stats.deflection_rate,
            fallbacks=len(stats.fallbacks),
            per_day=[
                DayOut(
                    date=d.day, conversations=d.conversations, handoffs=d.handoffs, deflection_rate=d.deflection_rate
                )
                for d in stats.per_day
            ],
            top_intents={
                lang: [IntentCount(intent=i, count=n) for i, n in rows] for lang, rows in stats.top_intents.items()
            },
            feedback=stats.feedback,
            breakdown=BreakdownOut.of(stats.breakdown),
        )


class RefusalOut(Out):
    code: str
    message: str


@router.get(
    "/tickets",
    response_model=list[TicketOut],
    responses={401: {"model": RefusalOut}},
    summary="Tickets handed to Digilab",
    description="The questions the assistant handed over to a person, newest first; `status=open` or "
    "`status=closed` to filter. Needs `Authorization: Bearer $HELPDESK_TOKEN`.",
)
def tickets(
    status: str | None = Query(None, pattern="^(open|closed)$"), settings: Settings = Depends(get_settings)
) -> list[TicketOut]:
    with session_scope(settings.database_url) as session:
        return [TicketOut.from_orm(t) for t in list_tickets(session, status=status)]


@router.post(
    "/tickets/{ticket_id}/answer",
    response_model=AnswerOut,
    responses={401: {"model": RefusalOut}, 404: {"model": RefusalOut}},
    summary="Answer a ticket",
    description="Stores the agent's answer (and closes the ticket when `close` is true); e-mails the "
    "asker when SMTP is set, which `emailed` tells.",
)
def answer(
    body: AnswerIn,
    ticket_id: int = PathParam(..., ge=1, le=MAX_ID),
    lang: str = Depends(get_lang),
    settings: Settings = Depends(get_settings),
):
    try:
        with session_scope(settings.database_url) as session:
            ticket = answer_ticket(session, ticket_id, answer=body.answer, answered_by=TOKEN_HOLDER, close=body.close)
    except TicketError as error:
        return JSONResponse(
            status_code=404 if error.code == "ticket_not_found" else 422,
            content={"code": error.code, "message": default_knowledge().message(error.code, lang)},
        )
    return AnswerOut(**TicketOut.from_orm(ticket).dict(), emailed=deliver_answer(ticket, settings))


@router.get(
    "/stats",
    response_model=StatsOut,
    responses={401: {"model": RefusalOut}},
    summary="Deflection and feedback statistics",
    description="Over the last `days` days: conversations, handoffs to a person, the deflection rate per "
    "day, the questions that hit the fallback, the most asked intents, the thumbs up and down, "
    "and `breakdown`: each conversation's one outcome (answered with a source, fell back, "
    "handed off, thumbs down, abandoned before a ticket, no answer), in all, per language and "
    "per day and language.",
)
def stats(days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS), settings: Settings = Depends(get_settings)) -> StatsOut:
    return StatsOut.of(load_stats(settings, days))


class ReviewItemOut(Out):
    key: str = Field(..., description="The item's key, for labelling it on /helpdesk/review.")
    conversation: str = Field(..., description="The conversation's id (its transcript: /helpdesk/conversations/{id}).")
    at: datetime = Field(..., description="When the question was asked.")
    language: Lang
    question: str = Field(..., description="The question, personal data masked.")
    reply: str = Field(..., description="What the assistant replied (the documents' public contacts kept).")
    kinds: list[str] = Field(..., description="Why it is in the queue: `fallback`, `thumbs_down`, `low_confidence`.")
    feedback_reason: str | None = Field(None, description="The reason given with a thumbs down, if any.")


@router.get(
    "/review",
    response_model=list[ReviewItemOut],
    responses={401: {"model": RefusalOut}},
    summary="The review queue",
    description="Every fallback, thumbs down and low-confidence answer of the last `days` days not yet labelled, "
    "newest first, each once: what /helpdesk/review shows, for tools.",
)
def review_queue(
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS), settings: Settings = Depends(get_settings)
) -> list[ReviewItemOut]:
    items = review.pending(settings, days=days)
    return [
        ReviewItemOut(
            key=i.key,
            conversation=i.conversation_id,
            at=datetime.fromtimestamp(i.at, timezone.utc),
            language=i.language,
            question=i.question,
            reply=i.reply,
            kinds=sorted(i.kinds),
            feedback_reason=i.feedback_reason,
        )
        for i in items
    ]


@router.get(
    "/fallbacks.yml",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {}}}},
    summary="Unanswered questions as training data",
    description="The questions of the last `days` days that hit the fallback, as a Rasa NLU YAML file to "
    "review and add to the training data.",
)
def fallbacks_export(
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS), settings: Settings = Depends(get_settings)
) -> Response:
    return yaml_download(load_stats(settings, days))


def load_stats(settings: Settings, days: int) -> Stats:
    with session_scope(settings.database_url) as session:
        return helpdesk_stats(tracker_store_url=settings.tracker_store_url, helpdesk_session=session, days=days)


def yaml_download(stats: Stats) -> Response:
    return Response(
        fallbacks_yaml(stats.fallbacks, exported_on=stats.until),
        media_type="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="fallbacks.yml"'},
    )


def deliver_answer(ticket: Ticket, settings: Settings) -> bool:
    """E-mail the answer when SMTP is set and record whether it went; a mail failure never loses the answer."""
    try:
        emailed = notify_answer(ticket, settings)
    except Exception:
        log.exception("answer to ticket %s stored, e-mail failed", ticket.id)
        emailed = False
    with session_scope(settings.database_url) as session:
        record_delivery(session, ticket.id, emailed=emailed)
    return emailed
