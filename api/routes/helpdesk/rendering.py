"""How the back-office pages are drawn: one template call in the page's language, addresses, times, percentages."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from helpdesk.analytics import TIMEZONE
from knowledge.loader import default_knowledge

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[2] / "templates"))


def url(path: str, *, lang: str, **params: object) -> str:
    """A helpdesk address in `lang` with the given query parameters (None ones left out)."""
    query = {**({"lang": "nl"} if lang == "nl" else {}), **{k: v for k, v in params.items() if v is not None}}
    return f"{path}?{urlencode(query)}" if query else path


def render(
    request: Request,
    name: str,
    *,
    lang: str,
    status_code: int = 200,
    staff: object = None,
    here: str | None = None,
    **context: object,
) -> HTMLResponse:
    """A page in `lang`; `here` is the page the language link reloads when the request was a form post."""
    kb = default_knowledge()
    return TEMPLATES.TemplateResponse(
        request,
        name,
        status_code=status_code,
        context={
            "lang": lang,
            "t": lambda code, **params: kb.message(code, lang, **params),
            "url": url,
            "switch_url": _switch_url(request, lang=lang, here=here),
            "staff": staff,
            "when": when,
            "percent": percent,
            "intent_name": lambda intent: intent_name(intent, lang),
            **context,
        },
    )


def intent_name(intent: str, lang: str) -> str:
    """An intent in the staff's words ('Avance', 'Voorschot'); its code when messages.yml does not name it."""
    kb = default_knowledge()
    code = f"hd_intent_{intent}"
    return kb.message(code, lang) if code in kb.messages else intent


def _switch_url(request: Request, *, lang: str, here: str | None) -> str:
    page = request.url.replace(path=here, query="") if here else request.url
    page = page.include_query_params(lang="nl") if lang == "fr" else page.remove_query_params("lang")
    return f"{page.path}?{page.query}" if page.query else page.path


def when(moment: object) -> str:
    """'03/05/2024 14:02' in Belgian time, from a datetime (naive means UTC) or epoch seconds."""
    if moment is None:
        return ""
    if isinstance(moment, int | float):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"


def waiting(seconds: float, lang: str) -> str:
    """'3 j 4 h', '5 h 12 min', '8 min' ('3 d 4 u' in Dutch)."""
    minutes = int(seconds // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    day, hour = ("d", "u") if lang == "nl" else ("j", "h")
    if days:
        return f"{days} {day} {hours} {hour}"
    return f"{hours} {hour} {minutes} min" if hours else f"{minutes} min"
