"""The web chat: questions go to Rasa's REST channel, answers come back split from their source; thumbs are stored."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import List, Literal, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, constr

from api.deps import get_lang
from api.schemas import ErrorOut, Out
from api.security import limiter
from channels.rasa import AssistantUnavailable, RasaClient, answers_from_rasa, language_of_sources
from helpdesk.db import session_scope
from helpdesk.feedback import record_feedback
from knowledge.loader import default_knowledge
from settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parents[1] / "static"
# The page loads nothing but its own files: no CDN, no inline script.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                           "form-action 'self'; frame-ancestors 'none'",
                "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

router = APIRouter(prefix="/api/v1", tags=["chat"], responses={422: {"model": ErrorOut}})
page = APIRouter(include_in_schema=False)


class ChatIn(BaseModel):
    sender: constr(strip_whitespace=True, min_length=1, max_length=128)  # type: ignore[valid-type]
    message: constr(strip_whitespace=True, min_length=1, max_length=2000)  # type: ignore[valid-type]

    class Config:
        extra = "forbid"


class ButtonOut(Out):
    title: str
    payload: str


class MessageOut(Out):
    text: str
    source: Optional[str]
    buttons: List[ButtonOut] = []


class ChatOut(Out):
    messages: List[MessageOut]
    # The conversation's language after this turn (Rasa's `language` slot), so the page can follow it.
    language: Optional[Literal["fr", "nl"]]


class FeedbackIn(BaseModel):
    sender: constr(strip_whitespace=True, min_length=1, max_length=128)  # type: ignore[valid-type]
    question: constr(strip_whitespace=True, min_length=1, max_length=4000)  # type: ignore[valid-type]
    answer: constr(strip_whitespace=True, min_length=1, max_length=8000)  # type: ignore[valid-type]
    rating: Literal[1, -1]

    class Config:
        extra = "forbid"


class FeedbackOut(Out):
    id: int


def unavailable(lang: str) -> JSONResponse:
    kb = default_knowledge()
    return JSONResponse(status_code=503, content={
        "code": "assistant_unavailable",
        "message": kb.message("assistant_unavailable", lang, contact=kb.fact("digilab.contact").text(lang))})


@router.post("/chat", response_model=ChatOut, responses={503: {"model": ErrorOut}, 429: {"model": ErrorOut}})
@limiter.limit(lambda: get_settings().chat_rate_limit)
async def chat(request: Request, body: ChatIn, lang: str = Depends(get_lang),
               settings: Settings = Depends(get_settings)):
    async with RasaClient(settings.rasa_url, timeout=settings.rasa_timeout_seconds,
                          token=settings.rasa_token) as assistant:
        try:
            answers = answers_from_rasa(await assistant.send(sender=body.sender, message=body.message))
        except AssistantUnavailable as exc:
            log.warning("assistant unavailable: %s", exc)
            return unavailable(lang)
        language = await assistant.language(body.sender) or language_of_sources(answers)
    messages = [MessageOut(text=a.text, source=a.source, buttons=[ButtonOut(title=b.title, payload=b.payload)
                                                                  for b in a.buttons]) for a in answers]
    return ChatOut(messages=messages, language=language)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={429: {"model": ErrorOut}})
@limiter.limit(lambda: get_settings().feedback_rate_limit)
def feedback(request: Request, body: FeedbackIn, lang: str = Depends(get_lang)) -> FeedbackOut:
    with session_scope() as session:
        item = record_feedback(session, conversation_id=body.sender, question=body.question, answer=body.answer,
                               rating=int(body.rating), language=lang)
        return FeedbackOut(id=item.id)


@page.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)
