"""Who may use the helpdesk: the bearer token of the API, and the pages' sessions (rows that logout deletes) with
their role and CSRF token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from api.routes.helpdesk.rendering import render, url
from api.security import FailureLimit, limiter, storage_uri
from helpdesk import auth
from helpdesk.db import session_scope
from helpdesk.models import ADMIN, StaffAccount
from knowledge.loader import default_knowledge
from settings import Settings, get_settings

COOKIE = "digilab_helpdesk"
MAX_FORM_BYTES = 64 * 1024


# ---- refusals -------------------------------------------------------------------------------------------------


class NotAuthorized(Exception):
    """The API was called without the right bearer token; `code` keys the reason in messages.yml."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


class LoginRequired(Exception):
    """A page was asked for without a valid session."""

    def __init__(self, lang: str):
        self.lang = lang
        super().__init__(lang)


class Forbidden(Exception):
    """Signed in, but the role does not allow it (an agent on an admin page)."""

    def __init__(self, lang: str, staff: Staff):
        self.lang, self.staff = lang, staff
        super().__init__(lang)


class HelpdeskRoute(APIRoute):
    """Turns a refusal raised by a dependency into a 401 with its reason (API), the login form or a 403 (pages)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthorized as refused:
                lang = "nl" if request.query_params.get("lang") == "nl" else "fr"
                return JSONResponse(
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                    content={"code": refused.code, "message": default_knowledge().message(refused.code, lang)},
                )
            except LoginRequired as refused:
                return RedirectResponse(url("/helpdesk/login", lang=refused.lang), status_code=303)
            except Forbidden as refused:
                return render(
                    request, "helpdesk/forbidden.html", lang=refused.lang, staff=refused.staff, status_code=403
                )

        return guarded


# ---- the API: one bearer token, an admin ------------------------------------------------------------------------

bearer = HTTPBearer(auto_error=False, description="HELPDESK_TOKEN")


def require_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer), settings: Settings = Depends(get_settings)
) -> str:
    """The API's caller holds HELPDESK_TOKEN, which carries the admin role."""
    if not settings.helpdesk_token:
        raise NotAuthorized("helpdesk_token_unset")
    if credentials is None or not credentials.credentials:
        raise NotAuthorized("helpdesk_auth_missing")
    if not auth.token_matches(credentials.credentials, settings.helpdesk_token):
        raise NotAuthorized("helpdesk_token_invalid")
    return ADMIN


# ---- the pages: a session row per signed-in browser ---------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    """Who is signed in on this request: an e-mail or 'token', the role, the session's CSRF token."""

    who: str
    role: str
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def posted(self, form: dict[str, str]) -> bool:
        """The form carries this session's CSRF token: it was posted from our own page."""
        return hmac.compare_digest(form.get("csrf", ""), self.csrf)


def page_lang(lang: str = Query("fr")) -> str:
    return "nl" if lang == "nl" else "fr"


def current_staff(
    request: Request, lang: str = Depends(page_lang), settings: Settings = Depends(get_settings)
) -> Staff:
    with session_scope(settings.database_url) as session:
        row = auth.find_session(session, request.cookies.get(COOKIE), token=settings.helpdesk_token)
        role = auth.role_of(session, row.subject) if row else None
        if row is None or role is None:
            raise LoginRequired(lang)
        return Staff(who=row.subject, role=role, csrf=row.csrf)


def current_admin(lang: str = Depends(page_lang), staff: Staff = Depends(current_staff)) -> Staff:
    if not staff.is_admin:
        raise Forbidden(lang, staff)
    return staff


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of an urlencoded form (python-multipart, which FastAPI's Form needs, is not installed)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        body = b""
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


router = APIRouter(prefix="/helpdesk", route_class=HelpdeskRoute, include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, lang: str = Depends(page_lang), settings: Settings = Depends(get_settings)
) -> Response:
    return render(request, "helpdesk/login.html", lang=lang, closed=_no_way_in(settings))


@router.post("/login", response_class=HTMLResponse)
@limiter.limit(lambda: get_settings().login_rate_limit)
def login(
    request: Request,
    lang: str = Depends(page_lang),
    form: dict[str, str] = Depends(form_fields),
    settings: Settings = Depends(get_settings),
) -> Response:
    account = form.get("email", "").strip() or auth.TOKEN_SUBJECT
    failures = login_failures(settings)
    failures.check(account)
    subject = _check_login(form, settings)
    if subject is None:
        failures.failed(account)
        return render(
            request,
            "helpdesk/login.html",
            lang=lang,
            status_code=401,
            failed=True,
            here="/helpdesk/login",
            closed=_no_way_in(settings),
            email=form.get("email", ""),
        )
    with session_scope(settings.database_url) as session:
        key, _ = auth.open_session(session, subject=subject, token=settings.helpdesk_token)
    response = RedirectResponse(url("/helpdesk/tickets", lang=lang), status_code=303)
    response.set_cookie(
        COOKIE,
        key,
        max_age=auth.SESSION_SECONDS,
        path="/helpdesk",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies or request.url.scheme == "https",
    )
    return response


@lru_cache(maxsize=4)
def _failure_limit(rate: str, uri: str) -> FailureLimit:
    return FailureLimit(rate, uri)


def login_failures(settings: Settings) -> FailureLimit:
    """Failed logins counted per account, shared by the API's workers when Redis is set."""
    return _failure_limit(settings.login_failure_limit, storage_uri(settings))


def _check_login(form: dict[str, str], settings: Settings) -> str | None:
    """'token' or the staff e-mail the form proves, else None."""
    if form.get("token"):
        return auth.TOKEN_SUBJECT if auth.token_matches(form["token"].strip(), settings.helpdesk_token) else None
    with session_scope(settings.database_url) as session:
        account = auth.authenticate(session, email=form.get("email", ""), password=form.get("password", ""))
        return account.email if account else None


def _no_way_in(settings: Settings) -> bool:
    if settings.helpdesk_token:
        return False
    with session_scope(settings.database_url) as session:
        return session.execute(select(StaffAccount.id).limit(1)).first() is None


@router.post("/logout")
def logout(
    request: Request,
    lang: str = Depends(page_lang),
    form: dict[str, str] = Depends(form_fields),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    response = RedirectResponse(url("/helpdesk/login", lang=lang), status_code=303)
    if staff.posted(form):
        with session_scope(settings.database_url) as session:
            auth.close_session(session, request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/helpdesk")
    return response
