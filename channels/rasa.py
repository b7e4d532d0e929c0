"""The assistant behind Rasa's REST channel, as every channel sees it: send a message, regroup the answers.

Rasa's REST channel cuts every text reply at its blank lines, so an answer arrives as paragraphs,
its source as a paragraph of its own ("Source : …") and buttons sometimes as a message without text.
`answers_from_rasa` puts each answer back together, closed by its source or its buttons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from knowledge.models import LANGUAGES

# How domain.yml introduces a source, and the language that says so.
SOURCE_LABELS = {"Source : ": "fr", "Sources : ": "fr", "Bron: ": "nl", "Bronnen: ": "nl"}


# The id of the request being served (the API sets it): sent to Rasa as X-Request-ID, so both logs name it.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class AssistantUnavailable(Exception):
    """Rasa did not answer: down, too slow, or failing."""

    @property
    def timed_out(self) -> bool:
        return isinstance(self.__cause__, httpx.TimeoutException)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Answer:
    """One answer of the assistant: its text, its source (with the label that introduced it), its quick replies."""

    text: str
    source: str | None = None
    label: str | None = None
    buttons: list[Button] = field(default_factory=list)

    @property
    def asks(self) -> bool:
        """The assistant asks something (a form prompt, a clarifying question) and cites nothing: nothing to rate."""
        return not self.source and ("?" in self.text or "?" in "".join(b.title for b in self.buttons))

    def with_source(self) -> str:
        """The text with its source line, as a channel that shows plain text prints it."""
        if not self.source:
            return self.text
        return f"{self.text}\n\n{self.label}{self.source}" if self.text else f"{self.label}{self.source}"


def _label_at(text: str, label: str) -> int:
    """Where `label` last opens a paragraph of `text`, or -1."""
    inside = text.rfind("\n\n" + label)
    if inside >= 0:
        return inside + 2
    return 0 if text.startswith(label) else -1


def split_source(text: str) -> tuple[str, str | None, str | None]:
    """The answer, its source and the label that introduced it; the last label opening a paragraph wins."""
    at, label = max((_label_at(text, label), label) for label in SOURCE_LABELS)
    if at < 0 or not text[at + len(label) :].strip():
        return text, None, None
    return text[:at].rstrip(), text[at + len(label) :].strip(), label


def answers_from_rasa(replies: Sequence[Mapping[str, Any]]) -> list[Answer]:
    """One answer per sourced reply or reply with buttons; custom payloads are dropped, an image is its link."""
    answers: list[Answer] = []
    paragraphs: list[str] = []
    for reply in replies:
        if not isinstance(reply, Mapping):
            continue  # Rasa's REST channel sends objects; anything else carries nothing to show
        text, source, label = split_source(str(reply.get("text") or reply.get("image") or ""))
        given = reply.get("buttons")
        buttons = [
            Button(str(b.get("title") or ""), str(b.get("payload") or ""))
            for b in (given if isinstance(given, list) else [])
            if isinstance(b, Mapping) and b.get("title") and b.get("payload")
        ]
        if text.strip():
            paragraphs.append(text)
        if source is None and not buttons:
            continue
        if paragraphs:
            answers.append(Answer("\n\n".join(paragraphs), source, label, buttons))
            paragraphs = []
        elif answers and (source is None or answers[-1].source is None):
            last = answers[-1]
            if source is not None:
                last.source, last.label = source, label
            last.buttons.extend(buttons)
        else:
            answers.append(Answer("", source, label, buttons))
    if paragraphs:
        answers.append(Answer("\n\n".join(paragraphs)))
    return answers


def language_of_sources(answers: Sequence[Answer]) -> str | None:
    """The language of the last source label, when the conversation's slot cannot tell."""
    return next((SOURCE_LABELS[a.label] for a in reversed(answers) if a.label), None)


class RasaClient:
    """One conversation per sender on Rasa's REST channel, plus the conversation's language from its HTTP API."""

    def __init__(self, base_url: str, *, timeout: float, token: str | None = None):
        # Rasa's HTTP API takes its --auth-token as a query parameter.
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, params={"token": token} if token else None
        )

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, *, sender: str, message: str) -> list[Mapping[str, Any]]:
        try:
            request_id = REQUEST_ID.get()
            response = await self._http.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
                headers={"X-Request-ID": request_id} if request_id else None,
            )
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(f"{self._http.base_url}: {exc!r}") from exc
        if not isinstance(replies, list):
            raise AssistantUnavailable(f"{self._http.base_url}: not a list of messages")
        return replies

    async def language(self, sender: str) -> str | None:
        """The conversation's `language` slot; None when Rasa's HTTP API does not tell."""
        try:
            response = await self._http.get(
                f"/conversations/{quote(sender, safe='')}/tracker", params={"include_events": "NONE"}
            )
            response.raise_for_status()
            lang = (response.json().get("slots") or {}).get("language")
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        return lang if lang in LANGUAGES else None

    async def aclose(self) -> None:
        await self._http.aclose()
