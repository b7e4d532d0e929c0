"""The web chat: questions go to Rasa's REST channel, answers come back split from their source; thumbs are stored."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, List, Literal, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, constr

from api.deps import get_lang
from api.schemas import ErrorOut
from api.settings import Settings, get_settings
from helpdesk.db import session_scope
from helpdesk.feedback import record_feedback
from knowledge.loader import default_knowledge

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parents[1] / "static"
# How domain.yml introduces a source, and the language that says so.
SOURCE_LABELS = {"Source : ": "fr", "Sources : ": "fr", "Bron: ": "nl", "Bronnen: ": "nl"}
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


class ButtonOut(BaseModel):
    title: str
    payload: str


class MessageOut(BaseModel):
    text: str
    source: Optional[str]
    buttons: List[ButtonOut] = []


class ChatOut(BaseModel):
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


class FeedbackOut(BaseModel):
    id: int


class AssistantUnavailable(Exception):
    """Rasa did not answer: down, too slow, or failing."""


def _label_at(text: str, label: str) -> int:
    """Where `label` last opens a paragraph of `text`, or -1."""
    inside = text.rfind("\n\n" + label)
    if inside >= 0:
        return inside + 2
    return 0 if text.startswith(label) else -1


def split_source(text: str) -> Tuple[str, Optional[str], Optional[str]]:
    """The answer, its source and the language of the source label; the last label opening a paragraph wins."""
    at, label = max((_label_at(text, label), label) for label in SOURCE_LABELS)
    if at < 0 or not text[at + len(label):].strip():
        return text, None, None
    return text[:at].rstrip(), text[at + len(label):].strip(), SOURCE_LABELS[label]


def messages_from_rasa(replies: Sequence[Mapping[str, Any]]) -> List[MessageOut]:
    """One message per answer, closed by its source or its buttons.

    Rasa's REST channel cuts every reply at its blank lines, so an answer arrives as paragraphs, its
    source as a paragraph of its own ("Source : …") and buttons sometimes as a message without text.
    """
    messages: List[MessageOut] = []
    paragraphs: List[str] = []
    for reply in replies:
        answer, source, _ = split_source(str(reply.get("text") or reply.get("image") or ""))
        buttons = [ButtonOut(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                   for b in reply.get("buttons") or []]
        if answer.strip():
            paragraphs.append(answer)
        if source is None and not buttons:
            continue
        if paragraphs:
            messages.append(MessageOut(text="\n\n".join(paragraphs), source=source, buttons=buttons))
            paragraphs = []
        elif messages and (source is None or messages[-1].source is None):
            messages[-1].source = source or messages[-1].source
            messages[-1].buttons.extend(buttons)
        else:
            messages.append(MessageOut(text="", source=source, buttons=buttons))
    if paragraphs:
        messages.append(MessageOut(text="\n\n".join(paragraphs), source=None))
    return messages


def language_of_sources(replies: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """The language of the last source label in the replies, when the tracker cannot tell."""
    langs = [split_source(str(r.get("text") or ""))[2] for r in replies]
    return next((lang for lang in reversed(langs) if lang), None)


async def ask_rasa(settings: Settings, *, sender: str, message: str) -> Tuple[List[Mapping[str, Any]], Optional[str]]:
    """Rasa's replies to one message, and the conversation's `language` slot afterwards (None if unknown)."""
    async with httpx.AsyncClient(base_url=settings.rasa_url.rstrip("/"), timeout=settings.rasa_timeout_seconds) as http:
        try:
            response = await http.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(f"{settings.rasa_url}: {exc!r}") from exc
        if not isinstance(replies, list):
            raise AssistantUnavailable(f"{settings.rasa_url}: not a list of messages")
        try:
            tracker = await http.get(f"/conversations/{quote(sender, safe='')}/tracker",
                                     params={"include_events": "NONE"})
            tracker.raise_for_status()
            lang = (tracker.json().get("slots") or {}).get("language")
        except (httpx.HTTPError, ValueError, AttributeError):
            lang = None
    return replies, lang if lang in ("fr", "nl") else None


def unavailable(lang: str) -> JSONResponse:
    kb = default_knowledge()
    return JSONResponse(status_code=503, content={
        "code": "assistant_unavailable",
        "message": kb.message("assistant_unavailable", lang, contact=kb.fact("digilab.contact").text(lang))})


@router.post("/chat", response_model=ChatOut, responses={503: {"model": ErrorOut}})
async def chat(body: ChatIn, lang: str = Depends(get_lang), settings: Settings = Depends(get_settings)):
    try:
        replies, language = await ask_rasa(settings, sender=body.sender, message=body.message)
    except AssistantUnavailable as exc:
        log.warning("assistant unavailable: %s", exc)
        return unavailable(lang)
    return ChatOut(messages=messages_from_rasa(replies), language=language or language_of_sources(replies))


@router.post("/feedback", response_model=FeedbackOut, status_code=201)
def feedback(body: FeedbackIn, lang: str = Depends(get_lang)) -> FeedbackOut:
    with session_scope() as session:
        item = record_feedback(session, conversation_id=body.sender, question=body.question, answer=body.answer,
                               rating=int(body.rating), language=lang)
        return FeedbackOut(id=item.id)


@page.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)
