"""What every request meets before a route: a body-size limit, abuse limits, security headers.

The limits are settings (README, "Environment"). Counting is done by the maintained `limits` library (through
slowapi for the per-IP route limits), in memory, or on Redis when REDIS_URL is set so that every API worker
shares the counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from settings import Settings, get_settings


def storage_uri(settings: Settings) -> str:
    return settings.redis_url or "memory://"


# Per client IP, on the routes that take text from anyone (chat, feedback, login).
# Redis unreachable: the limits count in each worker's memory until it is back, rather than refuse every message.
limiter = Limiter(
    key_func=get_remote_address,
    storage_uri=storage_uri(get_settings()),
    headers_enabled=False,
    strategy="moving-window",
    in_memory_fallback_enabled=True,
)


class Refused(Exception):
    """Too many attempts: the caller may try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class FailureLimit:
    """Failed logins per account, in growing tiers (e.g. "5/15minutes;10/hour;20/day"): past a tier's count the
    account is refused until that tier's window has moved on, whatever the IP and right password or not. Each tier
    waits longer than the one before, so guessing slows down the more it fails, and scrypt's memory is not spent."""

    def __init__(self, rate: str, uri: str):
        self.items = parse_many(rate)
        # Kept here: the strategy holds only a weak reference to its storage.
        self.storage = storage_from_string(uri)
        self.window = MovingWindowRateLimiter(self.storage)

    def check(self, account: str) -> None:
        waits = [
            self.window.get_window_stats(item, "login-failures", account.lower())[0] - time.time()
            for item in self.items
            if not self.window.test(item, "login-failures", account.lower())
        ]
        if waits:
            raise Refused(retry_after=max(1, int(max(waits))))

    def failed(self, account: str) -> None:
        for item in self.items:
            self.window.hit(item, "login-failures", account.lower())


class BodyLimit:
    """413 for a request body larger than `max_bytes`, read no further: by Content-Length when it is given,
    else while the body streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int, refusal: Callable[..., bytes]):
        # refusal(status, lang, limit=…): the API's one error format (api/errors.py).
        self.app, self.max_bytes, self.refusal = app, max_bytes, refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        lang = "nl" if b"lang=nl" in (scope.get("query_string") or b"") else "fr"
        body = self.refusal(413, lang, limit=self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


# The helpdesk's pages use inline styles (no scripts); the chat page sets its own stricter policy.
HELPDESK_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
EVERY_RESPONSE: dict[bytes, bytes] = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
}


class SecurityHeaders:
    """Headers on every response; the helpdesk's (personal data) also get a CSP and are never cached."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra: dict[bytes, bytes] = dict(EVERY_RESPONSE)
        if scope["path"].startswith("/helpdesk"):
            extra.update({b"content-security-policy": HELPDESK_CSP.encode(), b"cache-control": b"no-store"})

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *[(k, v) for k, v in extra.items() if k not in present]],
                }
            await send(message)

        await self.app(scope, receive, with_headers)
