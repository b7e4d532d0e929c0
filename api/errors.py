"""Every refused request gets one format, {code, message, detail}, with the message in the asker's language:
422 for bad values, and the same for every other 4xx (404, 405, 413, 429, unreadable bodies…)."""

from __future__ import annotations

import html
import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.security import Refused
from knowledge.loader import default_knowledge
from rules.discrepancies import explain
from rules.errors import RuleError

# Statuses with a message of their own in knowledge/messages.yml (http_<status>); others say http_4xx.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _lang(request: Request) -> str:
    return "nl" if request.query_params.get("lang") == "nl" else "fr"


def error_content(status: int, lang: str, **params: object) -> dict:
    kb = default_knowledge()
    key = f"http_{status}" if status in HTTP_CODES else "http_4xx"
    return {
        "code": HTTP_CODES.get(status, f"http_{status}"),
        "message": kb.message(key, lang, status=status, **params),
        "detail": [],
    }


def error_body(status: int, lang: str, **params: object) -> bytes:
    return json.dumps(error_content(status, lang, **params)).encode()


def too_many(request: Request, lang: str, seconds: int) -> Response:
    """429 with when to retry: JSON for the API, a short page for a person at a form (the helpdesk login)."""
    content = error_content(429, lang, retry_after=seconds)
    headers = {"Retry-After": str(seconds)}
    if "text/html" in request.headers.get("accept", ""):
        page = (
            f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>429</title>'
            f'<p role="alert">{html.escape(content["message"])}</p></html>'
        )
        return HTMLResponse(page, status_code=429, headers=headers)
    return JSONResponse(status_code=429, headers=headers, content=content)


def install(app: FastAPI) -> None:
    @app.exception_handler(RuleError)
    async def rule_error(request: Request, exc: RuleError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={
                "code": exc.code,
                "message": explain(default_knowledge(), exc, _lang(request)),
                "detail": [{"field": exc.params.get("field"), "value": str(exc.params.get("value"))}],
            },
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return JSONResponse(
            status_code=422,
            content={
                "code": "request_invalid",
                "message": default_knowledge().message("request_invalid", _lang(request), detail=detail),
                "detail": errors,
            },
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
            content=error_content(exc.status_code, _lang(request)),
        )

    @app.exception_handler(RateLimitExceeded)
    async def rate_limited(request: Request, exc: RateLimitExceeded) -> JSONResponse:
        # The window of the limit that was reached: waiting that long always helps.
        return too_many(request, _lang(request), int(exc.limit.limit.get_expiry()) if exc.limit else 60)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return too_many(request, _lang(request), exc.retry_after)
