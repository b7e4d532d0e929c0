"""Prometheus metrics of the API (`GET /metrics`) and the request id carried to Rasa.

Requests and their latency per route, and what the web chat's answers were: fallbacks (the assistant did not know
and offered the handoff), handoffs asked for, Rasa errors. With several uvicorn workers, each writes its counts into
PROMETHEUS_MULTIPROC_DIR and `/metrics` adds them up (prometheus-client's multiprocess mode; `make run-prod` sets it).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from channels.rasa import REQUEST_ID
from settings import get_settings

REQUESTS = Counter("digilab_api_requests_total", "HTTP requests answered by the API.", ["method", "route", "status"])
LATENCY = Histogram(
    "digilab_api_request_duration_seconds",
    "Time to answer, per route.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CHAT_MESSAGES = Counter("digilab_chat_messages_total", "Web chat messages passed to the assistant.")
FALLBACKS = Counter(
    "digilab_chat_fallbacks_total",
    "Web chat answers where the assistant did not know and offered " "the handoff to Digilab.",
)
HANDOFFS = Counter("digilab_chat_handoffs_total", "Handoffs to a person asked for in the web chat.")
RASA_ERRORS = Counter(
    "digilab_rasa_errors_total",
    "Web chat messages Rasa did not answer: `timeout` (slower than "
    "RASA_TIMEOUT_SECONDS), `unavailable` (refused, 5xx, unreadable).",
    ["kind"],
)
# An id a client or proxy sends is kept when it looks like one; anything else is replaced.
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

router = APIRouter(tags=["meta"])
# Under uvicorn's own logger, so that its handlers print it: each chat message's id, as Rasa's log prints it too.
log = logging.getLogger("uvicorn.error.chat")


# For Prometheus, not for API clients: left out of the OpenAPI document.
@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    registry = REGISTRY
    if get_settings().prometheus_multiproc_dir:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class Measured:
    """Counts and times every HTTP request, and gives it an id (X-Request-ID, kept when the client sent a sane one)
    that the Rasa client sends on and the response carries back."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            REQUEST_ID.reset(token)
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            elapsed = time.perf_counter() - started
            LATENCY.labels(scope["method"], route).observe(elapsed)
            if route == "/api/v1/chat":
                log.info("request_id=%s %s %s %d %.0f ms", request_id, scope["method"], route, status, elapsed * 1000)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
