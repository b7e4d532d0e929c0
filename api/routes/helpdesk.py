"""The helpdesk back office: a JSON API behind HELPDESK_TOKEN and server-rendered pages behind a session cookie."""
from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, constr, validator
from sqlalchemy import select

from api.deps import get_lang
from api.schemas import ErrorOut, Out
from api.security import FailureLimit, limiter, storage_uri
from helpdesk import auth
from helpdesk.analytics import TIMEZONE, Stats, fallbacks_yaml, helpdesk_stats
from helpdesk.db import session_scope
from helpdesk.models import StaffAccount, Ticket
from helpdesk.notify import notify_answer
from helpdesk.tickets import TOKEN_HOLDER, TicketError, answer_ticket, list_tickets
from knowledge.loader import default_knowledge
from settings import Settings, get_settings

log = logging.getLogger(__name__)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
COOKIE = "digilab_helpdesk"
MAX_FORM_BYTES = 64 * 1024
MAX_ANSWER = 20000
DEFAULT_DAYS, MAX_DAYS = 30, 366


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


class HelpdeskRoute(APIRoute):
    """Turns a refusal raised by a dependency into a 401 with its reason (API) or the login form (pages)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthorized as refused:
                lang = "nl" if request.query_params.get("lang") == "nl" else "fr"
                return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"}, content={
                    "code": refused.code, "message": default_knowledge().message(refused.code, lang)})
            except LoginRequired as refused:
                return RedirectResponse(_url("/helpdesk/login", lang=refused.lang), status_code=303)

        return guarded


def _url(path: str, *, lang: str, **params: object) -> str:
    query = {**({"lang": "nl"} if lang == "nl" else {}), **{k: v for k, v in params.items() if v is not None}}
    return f"{path}?{urlencode(query)}" if query else path


bearer = HTTPBearer(auto_error=False, description="HELPDESK_TOKEN")


def require_token(credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
                  settings: Settings = Depends(get_settings)) -> None:
    if not settings.helpdesk_token:
        raise NotAuthorized("helpdesk_token_unset")
    if credentials is None or not credentials.credentials:
        raise NotAuthorized("helpdesk_auth_missing")
    if not auth.token_matches(credentials.credentials, settings.helpdesk_token):
        raise NotAuthorized("helpdesk_token_invalid")


# ---- JSON API -------------------------------------------------------------------------------------------------

# Ticket ids are database integers: a larger one is no ticket (SQLite refused it with an OverflowError, a 500).
MAX_ID = 2**31 - 1

api = APIRouter(prefix="/api/v1/helpdesk", tags=["helpdesk"], route_class=HelpdeskRoute,
                dependencies=[Depends(require_token)], responses={401: {"model": ErrorOut}})


class TicketOut(Out):
    id: int
    created_at: datetime
    conversation_id: str
    language: str
    question: str
    organisation: str
    email: str
    status: str
    answer: Optional[str]
    answered_at: Optional[datetime]
    answered_by: Optional[str]

    class Config:
        orm_mode = True

    @validator("created_at", "answered_at")
    def utc(cls, value: Optional[datetime]) -> Optional[datetime]:
        # SQLite returns naive datetimes; every ticket time is written in UTC.
        return value.replace(tzinfo=timezone.utc) if value and value.tzinfo is None else value


class AnswerIn(BaseModel):
    answer: constr(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER)  # type: ignore[valid-type]
    close: bool = True

    class Config:
        extra = "forbid"


class AnswerOut(TicketOut):
    emailed: bool


class DayOut(Out):
    date: date
    conversations: int
    handoffs: int
    deflection_rate: Optional[float]


class IntentCount(Out):
    intent: str
    count: int


class StatsOut(Out):
    since: date
    until: date
    conversations: int
    handoffs: int
    deflection_rate: Optional[float]
    fallbacks: int
    per_day: List[DayOut]
    top_intents: Dict[str, List[IntentCount]]
    feedback: Dict[str, int]


class RefusalOut(Out):
    code: str
    message: str


@api.get("/tickets", response_model=List[TicketOut], responses={401: {"model": RefusalOut}},
         summary="Tickets handed to Digilab",
         description="The questions the assistant handed over to a person, newest first; `status=open` or "
                     "`status=closed` to filter. Needs `Authorization: Bearer $HELPDESK_TOKEN`.")
def tickets(status: Optional[str] = Query(None, pattern="^(open|closed)$"),
            settings: Settings = Depends(get_settings)) -> List[TicketOut]:
    with session_scope(settings.database_url) as session:
        return [TicketOut.from_orm(t) for t in list_tickets(session, status=status)]


@api.post("/tickets/{ticket_id}/answer", response_model=AnswerOut,
          responses={401: {"model": RefusalOut}, 404: {"model": RefusalOut}},
          summary="Answer a ticket",
          description="Stores the agent's answer (and closes the ticket unless `close` is false); e-mails the asker "
                      "when SMTP is set, which `emailed` tells.")
def answer(body: AnswerIn, ticket_id: int = PathParam(..., ge=1, le=MAX_ID), lang: str = Depends(get_lang),
           settings: Settings = Depends(get_settings)):
    try:
        with session_scope(settings.database_url) as session:
            ticket = answer_ticket(session, ticket_id, answer=body.answer, answered_by=TOKEN_HOLDER,
                                   close=body.close)
    except TicketError as error:
        return JSONResponse(status_code=404 if error.code == "ticket_not_found" else 422, content={
            "code": error.code, "message": default_knowledge().message(error.code, lang)})
    return AnswerOut(**TicketOut.from_orm(ticket).dict(), emailed=_mail_answer(ticket, settings))


@api.get("/stats", response_model=StatsOut, responses={401: {"model": RefusalOut}},
         summary="Deflection and feedback statistics",
         description="Over the last `days` days: conversations, handoffs to a person, the deflection rate per day, "
                     "the questions that hit the fallback, the most asked intents, the thumbs up and down.")
def stats(days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS), settings: Settings = Depends(get_settings)) -> dict:
    return _stats(settings, days).as_json()


@api.get("/fallbacks.yml", response_class=Response, responses={200: {"content": {"application/yaml": {}}}},
         summary="Unanswered questions as training data",
         description="The questions of the last `days` days that hit the fallback, as a Rasa NLU YAML file to "
                     "review and add to the training data.")
def fallbacks_export(days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
                     settings: Settings = Depends(get_settings)) -> Response:
    return _yaml_download(_stats(settings, days))


def _stats(settings: Settings, days: int) -> Stats:
    with session_scope(settings.database_url) as session:
        return helpdesk_stats(tracker_store_url=settings.tracker_store_url, helpdesk_session=session, days=days)


def _yaml_download(stats: Stats) -> Response:
    return Response(fallbacks_yaml(stats.fallbacks, exported_on=stats.until), media_type="application/yaml",
                    headers={"Content-Disposition": 'attachment; filename="fallbacks.yml"'})


def _mail_answer(ticket: Ticket, settings: Settings) -> bool:
    """E-mail the answer when SMTP is set; a mail failure never loses the stored answer."""
    try:
        return notify_answer(ticket, settings)
    except Exception:  # noqa: BLE001 - the page tells the agent to write by hand
        log.exception("answer to ticket %s stored, e-mail failed", ticket.id)
        return False


# ---- pages ----------------------------------------------------------------------------------------------------

pages = APIRouter(prefix="/helpdesk", route_class=HelpdeskRoute, include_in_schema=False)


@dataclass(frozen=True)
class StaffSession:
    who: str  # an e-mail, or "token"
    csrf: str


def page_lang(lang: str = Query("fr")) -> str:
    return "nl" if lang == "nl" else "fr"


def current_session(request: Request, lang: str = Depends(page_lang),
                    settings: Settings = Depends(get_settings)) -> StaffSession:
    cookie = request.cookies.get(COOKIE) or ""
    secret = auth.session_secret(settings)
    payload = auth.read_session(cookie, secret=secret)
    if payload is None or not _still_allowed(payload, settings):
        raise LoginRequired(lang)
    return StaffSession(who=payload["sub"], csrf=auth.csrf_token(cookie, secret=secret))


def _still_allowed(payload: dict, settings: Settings) -> bool:
    """A changed token or a removed account ends the sessions opened with it."""
    if payload.get("sub") == "token":
        return bool(settings.helpdesk_token) and payload.get("tfp") == auth.token_fingerprint(settings.helpdesk_token)
    with session_scope(settings.database_url) as session:
        return auth.find_staff(session, str(payload.get("sub"))) is not None


async def form_fields(request: Request) -> Dict[str, str]:
    """The fields of an urlencoded form (python-multipart, which FastAPI's Form needs, is not installed)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        body = b""
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _render(request: Request, name: str, *, lang: str, status_code: int = 200, staff: Optional[StaffSession] = None,
            here: Optional[str] = None, **context: object) -> HTMLResponse:
    """A page in `lang`; `here` is the page the language link reloads when the request was a form post."""
    kb = default_knowledge()
    return TEMPLATES.TemplateResponse(request, f"helpdesk/{name}", status_code=status_code, context={
        "lang": lang, "t": lambda code, **params: kb.message(code, lang, **params), "url": _url,
        "switch_url": _switch_url(request, lang=lang, here=here), "staff": staff, "when": _when,
        "percent": _percent, **context})


def _switch_url(request: Request, *, lang: str, here: Optional[str]) -> str:
    page = request.url.replace(path=here, query="") if here else request.url
    page = page.include_query_params(lang="nl") if lang == "fr" else page.remove_query_params("lang")
    return f"{page.path}?{page.query}" if page.query else page.path


def _when(moment: object) -> str:
    """'03/05/2024 14:02' in Belgian time, from a datetime (naive means UTC) or epoch seconds."""
    if moment is None:
        return ""
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


def _percent(rate: Optional[float]) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"


@pages.get("", response_class=HTMLResponse)
def home(lang: str = Depends(page_lang), staff: StaffSession = Depends(current_session)) -> Response:
    return RedirectResponse(_url("/helpdesk/tickets", lang=lang), status_code=303)


@pages.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: str = Depends(page_lang),
               settings: Settings = Depends(get_settings)) -> Response:
    return _render(request, "login.html", lang=lang, closed=_no_way_in(settings))


@pages.post("/login", response_class=HTMLResponse)
@limiter.limit(lambda: get_settings().login_rate_limit)
def login(request: Request, lang: str = Depends(page_lang), form: Dict[str, str] = Depends(form_fields),
          settings: Settings = Depends(get_settings)) -> Response:
    account = form.get("email", "").strip() or "token"
    failures = login_failures(settings)
    failures.check(account)
    subject = _check_login(form, settings)
    if subject is None:
        failures.failed(account)
        return _render(request, "login.html", lang=lang, status_code=401, failed=True, here="/helpdesk/login",
                       closed=_no_way_in(settings), email=form.get("email", ""))
    extra = {"tfp": auth.token_fingerprint(settings.helpdesk_token)} if subject == "token" else {}
    cookie = auth.sign_session(subject=subject, secret=auth.session_secret(settings), extra=extra)
    response = RedirectResponse(_url("/helpdesk/tickets", lang=lang), status_code=303)
    response.set_cookie(COOKIE, cookie, max_age=auth.SESSION_SECONDS, path="/helpdesk", httponly=True,
                        samesite="strict", secure=settings.secure_cookies or request.url.scheme == "https")
    return response


@lru_cache(maxsize=4)
def _failure_limit(rate: str, uri: str) -> FailureLimit:
    return FailureLimit(rate, uri)


def login_failures(settings: Settings) -> FailureLimit:
    """Failed logins counted per account, shared by the API's workers when Redis is set."""
    return _failure_limit(settings.login_failure_limit, storage_uri(settings))


def _check_login(form: Dict[str, str], settings: Settings) -> Optional[str]:
    """'token' or the staff e-mail the form proves, else None."""
    if form.get("token"):
        return "token" if auth.token_matches(form["token"].strip(), settings.helpdesk_token) else None
    with session_scope(settings.database_url) as session:
        account = auth.authenticate(session, email=form.get("email", ""), password=form.get("password", ""))
        return account.email if account else None


def _no_way_in(settings: Settings) -> bool:
    if settings.helpdesk_token:
        return False
    with session_scope(settings.database_url) as session:
        return session.execute(select(StaffAccount.id).limit(1)).first() is None


@pages.post("/logout")
def logout(lang: str = Depends(page_lang), form: Dict[str, str] = Depends(form_fields),
           staff: StaffSession = Depends(current_session)) -> Response:
    response = RedirectResponse(_url("/helpdesk/login", lang=lang), status_code=303)
    if hmac.compare_digest(form.get("csrf", ""), staff.csrf):
        response.delete_cookie(COOKIE, path="/helpdesk")
    return response


@pages.get("/tickets", response_class=HTMLResponse)
def tickets_page(request: Request, status: str = Query("open", pattern="^(open|closed|all)$"),
                 lang: str = Depends(page_lang), staff: StaffSession = Depends(current_session),
                 settings: Settings = Depends(get_settings)) -> Response:
    with session_scope(settings.database_url) as session:
        rows = list_tickets(session, status=None if status == "all" else status)
    return _render(request, "tickets.html", lang=lang, staff=staff, nav="tickets", status=status, tickets=rows)


@pages.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(request: Request, ticket_id: int = PathParam(..., ge=1, le=MAX_ID), saved: Optional[str] = Query(None, pattern="^(mailed|stored)$"),
                lang: str = Depends(page_lang), staff: StaffSession = Depends(current_session),
                settings: Settings = Depends(get_settings)) -> Response:
    with session_scope(settings.database_url) as session:
        ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return _render(request, "ticket.html", lang=lang, staff=staff, nav="tickets", status_code=404,
                       ticket=None, error="ticket_not_found")
    return _render(request, "ticket.html", lang=lang, staff=staff, nav="tickets", ticket=ticket, saved=saved)


@pages.post("/tickets/{ticket_id}/answer", response_class=HTMLResponse)
def answer_page(request: Request, ticket_id: int = PathParam(..., ge=1, le=MAX_ID), lang: str = Depends(page_lang),
                form: Dict[str, str] = Depends(form_fields), staff: StaffSession = Depends(current_session),
                settings: Settings = Depends(get_settings)) -> Response:
    text = form.get("answer", "")[:MAX_ANSWER]
    error, status_code = None, 200
    if not hmac.compare_digest(form.get("csrf", ""), staff.csrf):
        error, status_code = "hd_form_expired", 403
    else:
        try:
            with session_scope(settings.database_url) as session:
                ticket = answer_ticket(session, ticket_id, answer=text, answered_by=_answerer(staff),
                                       close=form.get("close") == "1")
            saved = "mailed" if _mail_answer(ticket, settings) else "stored"
            return RedirectResponse(_url(f"/helpdesk/tickets/{ticket_id}", lang=lang, saved=saved), status_code=303)
        except TicketError as refused:
            error, status_code = refused.code, 404 if refused.code == "ticket_not_found" else 422
    with session_scope(settings.database_url) as session:
        ticket = session.get(Ticket, ticket_id)
    return _render(request, "ticket.html", lang=lang, staff=staff, nav="tickets", status_code=status_code,
                   here=f"/helpdesk/tickets/{ticket_id}", ticket=ticket, error=error, draft=text)


def _answerer(staff: StaffSession) -> str:
    return TOKEN_HOLDER if staff.who == "token" else staff.who


@pages.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS), lang: str = Depends(page_lang),
               staff: StaffSession = Depends(current_session), settings: Settings = Depends(get_settings)) -> Response:
    return _render(request, "stats.html", lang=lang, staff=staff, nav="stats", days=days,
                   stats=_stats(settings, days))


@pages.get("/fallbacks", response_class=HTMLResponse)
def fallbacks_page(request: Request, days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
                   lang: str = Depends(page_lang), staff: StaffSession = Depends(current_session),
                   settings: Settings = Depends(get_settings)) -> Response:
    return _render(request, "fallbacks.html", lang=lang, staff=staff, nav="fallbacks", days=days,
                   stats=_stats(settings, days))


@pages.get("/fallbacks.yml")
def fallbacks_page_export(days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
                          staff: StaffSession = Depends(current_session),
                          settings: Settings = Depends(get_settings)) -> Response:
    return _yaml_download(_stats(settings, days))


router = APIRouter()
router.include_router(api)
router.include_router(pages)
