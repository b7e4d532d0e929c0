"""The web chat: questions go to Rasa's REST channel, answers come back split from their source; thumbs are stored."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, Field, constr, validator
from slowapi.util import get_remote_address

from api.deps import get_lang
from api.metrics import CHAT_MESSAGES, FALLBACKS, HANDOFFS, RASA_ERRORS
from api.schemas import ADVANCE_PERCENT, EXAMPLE_ADVANCE, EXAMPLE_GRANT_FR, ErrorOut, Out
from api.security import limiter
from channels.citations import source_links
from channels.rasa import (
    REQUEST_ID,
    SOURCE_LABELS,
    Answer,
    AssistantUnavailable,
    RasaClient,
    answers_from_rasa,
    language_of_sources,
)
from helpdesk.db import session_scope
from helpdesk.feedback import REASONS, record_feedback
from knowledge.loader import default_knowledge
from knowledge.models import Lang
from rules.money import format_eur
from settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parents[1] / "static"
# The page loads nothing but its own files: no CDN, no inline script.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}

router = APIRouter(prefix="/api/v1", tags=["chat"], responses={422: {"model": ErrorOut}})
page = APIRouter(include_in_schema=False)


SENDER = (
    "Ignored, kept for older pages: the conversation is the one in the `digilab_chat` cookie, which the "
    "server issues and signs (a client cannot write into another conversation)."
)
# The web chat's conversation: issued and signed by the server, never chosen by the client (issue 10: a post with
# sender "telegram-<id>" wrote into that Telegram user's conversation).
COOKIE = "digilab_chat"
_PROCESS_SECRET = secrets.token_urlsafe(32)
# The button the assistant offers when it does not know (domain.yml), and what pressing it sends.
HANDOFF_PAYLOAD = "/human_handoff"
# An answer as the assistant gives it, for the docs' examples: the rules' figure, not a typed one.
EXAMPLE_ANSWER = f"Avance de {ADVANCE_PERCENT} : {format_eur(EXAMPLE_ADVANCE.advance, 'fr')}."


def _signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.web_chat_secret or _PROCESS_SECRET, salt="web-chat-conversation")


def conversation_of(request: Request, settings: Settings) -> tuple[str, bool]:
    """The conversation this browser was given, or a new one (True when new)."""
    try:
        sender = _signer(settings).loads(request.cookies.get(COOKIE, ""))
        if isinstance(sender, str) and sender.startswith("web-"):
            return sender, False
    except BadSignature:
        pass
    return f"web-{secrets.token_hex(12)}", True


def conversation_key(request: Request) -> str:
    """Rate-limit key of a conversation: its signed cookie, or the address for a browser that has none yet."""
    return "conversation:" + (request.cookies.get(COOKIE) or get_remote_address(request))


def keep(response: Response, sender: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        _signer(settings).dumps(sender),
        httponly=True,
        samesite="strict",
        path="/api/v1",
        secure=settings.secure_cookies,
        max_age=30 * 24 * 3600,
    )


class ChatIn(BaseModel):
    sender: constr(strip_whitespace=True, max_length=128) | None = Field(  # type: ignore[valid-type]
        None, description=SENDER, example="web-3f9c2a"
    )
    message: constr(strip_whitespace=True, min_length=1, max_length=2000) = Field(  # type: ignore[valid-type]
        ...,
        description="What the user typed, or the payload of a button they pressed.",
        example=f"Quelle avance pour une subvention de {EXAMPLE_GRANT_FR} ?",
    )

    class Config:
        extra = "forbid"


class ButtonOut(Out):
    title: str = Field(..., description="The button's label, in the conversation's language.", example="Quel cluster ?")
    payload: str = Field(..., description="What to send as `message` when it is pressed.", example="/ask_cluster")


class SourcePart(Out):
    text: str = Field(..., description="A run of the source line.", example="Art. 6 §1")
    href: str | None = Field(
        None,
        description="Where that run opens: the document, or its passage.",
        example="/sources/decree_2023?lang=fr#art-6-1",
    )


class MessageOut(Out):
    text: str = Field(..., description="The answer, without its source line.", example=EXAMPLE_ANSWER)
    source: str | None = Field(
        None,
        description="The document and article or section the answer comes from.",
        example="Arrêté royal du 8 décembre 2023 (…), Art. 6 §1",
    )
    source_parts: list[SourcePart] = Field(
        [],
        description="`source` cut into runs, each document and article "
        "with the link that opens it; joined, the runs are "
        "`source`.",
    )
    buttons: list[ButtonOut] = Field([], description="Quick replies offered under the answer.")
    asks: bool = Field(
        False,
        description="True when the assistant asks something (a form prompt, a clarifying "
        "question) rather than answers: the page shows no thumbs under it.",
    )


class ChatOut(Out):
    messages: list[MessageOut] = Field(..., description="The assistant's answers to this message, in order.")
    # The conversation's language after this turn (Rasa's `language` slot), so the page can follow it.
    language: Lang | None = Field(
        None, description="The conversation's language after this " "turn; the page follows it.", example="fr"
    )
    conversation: str = Field(
        ...,
        description="The conversation's id, issued by the server (signed cookie).",
        example="web-3f9c2a0b1d2e3f4a5b6c7d8e",
    )


class ConversationOut(Out):
    conversation: str = Field(
        ..., description="The conversation's id (also in the signed cookie).", example="web-3f9c2a0b1d2e3f4a5b6c7d8e"
    )


class FeedbackIn(BaseModel):
    sender: constr(strip_whitespace=True, max_length=128) | None = Field(  # type: ignore[valid-type]
        None, description=SENDER, example="web-3f9c2a"
    )
    question: constr(strip_whitespace=True, min_length=1, max_length=4000) = Field(  # type: ignore[valid-type]
        ..., description="The question the rated answer replied to.", example=f"Quelle avance pour {EXAMPLE_GRANT_FR} ?"
    )
    answer: constr(strip_whitespace=True, min_length=1, max_length=8000) = Field(  # type: ignore[valid-type]
        ..., description="The rated answer, with its source line.", example=EXAMPLE_ANSWER
    )
    rating: Literal[1, -1] = Field(..., description="1: thumbs up, -1: thumbs down.", example=-1)
    reason: Literal[REASONS] | None = Field(  # type: ignore[valid-type]
        None,
        description="What was wrong, for a thumbs down: `wrong` (wrong answer), `not_my_question`, "
        "`too_long`, `other`.",
        example="not_my_question",
    )

    class Config:
        extra = "forbid"

    @validator("reason")
    def reason_only_with_thumbs_down(cls, reason, values):
        if reason is not None and values.get("rating") != -1:
            raise ValueError("a reason goes with a thumbs down only")
        return reason


class FeedbackOut(Out):
    id: int = Field(..., description="The stored feedback's id.", example=17)


def unavailable(lang: str) -> JSONResponse:
    kb = default_knowledge()
    return JSONResponse(
        status_code=503,
        content={
            "code": "assistant_unavailable",
            "message": kb.message("assistant_unavailable", lang, contact=kb.contact(lang)),
        },
    )


@router.post(
    "/chat",
    response_model=ChatOut,
    responses={503: {"model": ErrorOut}, 429: {"model": ErrorOut}},
    summary="Ask the assistant",
    description="Sends one message of a conversation to the assistant (Rasa) and returns its answers, each "
    "split from its source line, with the source's links and the quick replies. A **503** with a "
    "friendly FR/NL message when the assistant is down or too slow.",
)
@limiter.limit(lambda: get_settings().chat_rate_limit)
@limiter.limit(lambda: get_settings().conversation_rate_limit, key_func=conversation_key)
async def chat(
    request: Request,
    response: Response,
    body: ChatIn,
    lang: str = Depends(get_lang),
    settings: Settings = Depends(get_settings),
):
    sender, new = conversation_of(request, settings)
    CHAT_MESSAGES.inc()
    if body.message.startswith(HANDOFF_PAYLOAD):
        HANDOFFS.inc()
    async with RasaClient(
        settings.rasa_url, timeout=settings.rasa_timeout_seconds, token=settings.rasa_token
    ) as assistant:
        try:
            answers = answers_from_rasa(await assistant.send(sender=sender, message=body.message))
        except AssistantUnavailable as exc:
            RASA_ERRORS.labels("timeout" if exc.timed_out else "unavailable").inc()
            log.warning("assistant unavailable (request_id=%s): %s", REQUEST_ID.get(), exc)
            refused = unavailable(lang)
            keep(refused, sender, settings)
            return refused
        language = await assistant.language(sender) or language_of_sources(answers)
    if any(b.payload.startswith(HANDOFF_PAYLOAD) for a in answers for b in a.buttons):
        FALLBACKS.inc()
    if new:
        keep(response, sender, settings)
    return ChatOut(
        messages=[message_out(a, lang=language or lang) for a in answers], language=language, conversation=sender
    )


@router.post(
    "/chat/restart",
    response_model=ConversationOut,
    summary="Start a new conversation",
    description="Gives this browser a new conversation (a new signed `digilab_chat` cookie); the "
    "previous one stays in the tracker store.",
)
def restart(response: Response, settings: Settings = Depends(get_settings)) -> ConversationOut:
    sender = f"web-{secrets.token_hex(12)}"
    keep(response, sender, settings)
    return ConversationOut(conversation=sender)


def message_out(answer: Answer, *, lang: str) -> MessageOut:
    """One answer for the page; its source line in runs, each document and article linked to its passage."""
    source_lang = SOURCE_LABELS.get(answer.label or "", lang)
    parts = (
        [SourcePart(text=text, href=href) for text, href in source_links(answer.source, lang=source_lang)]
        if answer.source
        else []
    )
    return MessageOut(
        text=answer.text,
        source=answer.source,
        source_parts=parts,
        asks=answer.asks,
        buttons=[ButtonOut(title=b.title, payload=b.payload) for b in answer.buttons],
    )


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses={429: {"model": ErrorOut}},
    summary="Rate an answer",
    description="Stores a thumbs up or down on one answer, with its question and, for a thumbs down, what "
    "was wrong; the helpdesk's feedback page lists them.",
)
@limiter.limit(lambda: get_settings().feedback_rate_limit)
@limiter.limit(lambda: get_settings().conversation_rate_limit, key_func=conversation_key)
def feedback(
    request: Request,
    response: Response,
    body: FeedbackIn,
    lang: str = Depends(get_lang),
    settings: Settings = Depends(get_settings),
) -> FeedbackOut:
    sender, new = conversation_of(request, settings)
    if new:
        keep(response, sender, settings)
    with session_scope() as session:
        item = record_feedback(
            session,
            conversation_id=sender,
            question=body.question,
            answer=body.answer,
            rating=int(body.rating),
            language=lang,
            reason=body.reason,
        )
        return FeedbackOut(id=item.id)


@page.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)
