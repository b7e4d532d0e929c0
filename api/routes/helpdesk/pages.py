"""The back-office pages behind a session: tickets and their answers, statistics, unanswered questions."""

from __future__ import annotations

from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.routes.helpdesk.access import HelpdeskRoute, Staff, current_admin, current_staff, form_fields, page_lang
from api.routes.helpdesk.json_api import (
    DEFAULT_DAYS,
    MAX_ANSWER,
    MAX_DAYS,
    MAX_ID,
    deliver_answer,
    load_stats,
    yaml_download,
)
from api.routes.helpdesk.rendering import render, url, waiting
from helpdesk import auth, review
from helpdesk.analytics import TIMEZONE, filter_groups, group_questions, load_conversations, page_of, window
from helpdesk.db import session_scope
from helpdesk.feedback import thumbs_down
from helpdesk.masking import mask_personal_data, mask_reply
from helpdesk.models import AGENT, ROLES, Ticket
from helpdesk.tickets import TOKEN_HOLDER, TicketError, answer_ticket, likely_duplicates, list_tickets, waiting_seconds
from helpdesk.transcripts import search, transcript
from knowledge.loader import default_knowledge
from settings import Settings, get_settings

QUESTIONS_PER_PAGE = 25

router = APIRouter(prefix="/helpdesk", route_class=HelpdeskRoute, include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def home(lang: str = Depends(page_lang), staff: Staff = Depends(current_staff)) -> Response:
    return RedirectResponse(url("/helpdesk/tickets", lang=lang), status_code=303)


@router.get("/tickets", response_class=HTMLResponse)
def tickets_page(
    request: Request,
    status: str = Query("open", pattern="^(open|closed|all)$"),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    with session_scope(settings.database_url) as session:
        rows = list_tickets(session, status=None if status == "all" else status)
    now = datetime.now(timezone.utc)
    return render(
        request,
        "helpdesk/tickets.html",
        lang=lang,
        staff=staff,
        nav="tickets",
        status=status,
        tickets=rows,
        duplicates=likely_duplicates(rows),
        waiting={t.id: waiting(waiting_seconds(t, now=now), lang) for t in rows},
    )


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(
    request: Request,
    ticket_id: int = PathParam(..., ge=1, le=MAX_ID),
    saved: str | None = Query(None, pattern="^(mailed|stored)$"),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    with session_scope(settings.database_url) as session:
        ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return render(
            request,
            "helpdesk/ticket.html",
            lang=lang,
            staff=staff,
            nav="tickets",
            status_code=404,
            ticket=None,
            error="ticket_not_found",
        )
    return render(request, "helpdesk/ticket.html", lang=lang, staff=staff, nav="tickets", ticket=ticket, saved=saved)


@router.post("/tickets/{ticket_id}/answer", response_class=HTMLResponse)
def answer_page(
    request: Request,
    ticket_id: int = PathParam(..., ge=1, le=MAX_ID),
    lang: str = Depends(page_lang),
    form: dict[str, str] = Depends(form_fields),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    text = form.get("answer", "")[:MAX_ANSWER]
    error, status_code = None, 200
    if not staff.posted(form):
        error, status_code = "hd_form_expired", 403
    else:
        try:
            with session_scope(settings.database_url) as session:
                ticket = answer_ticket(
                    session, ticket_id, answer=text, answered_by=_answerer(staff), close=form.get("close") == "1"
                )
            saved = "mailed" if deliver_answer(ticket, settings) else "stored"
            return RedirectResponse(url(f"/helpdesk/tickets/{ticket_id}", lang=lang, saved=saved), status_code=303)
        except TicketError as refused:
            error, status_code = refused.code, 404 if refused.code == "ticket_not_found" else 422
    with session_scope(settings.database_url) as session:
        ticket = session.get(Ticket, ticket_id)
    return render(
        request,
        "helpdesk/ticket.html",
        lang=lang,
        staff=staff,
        nav="tickets",
        status_code=status_code,
        here=f"/helpdesk/tickets/{ticket_id}",
        ticket=ticket,
        error=error,
        draft=text,
    )


def _answerer(staff: Staff) -> str:
    return TOKEN_HOLDER if staff.who == "token" else staff.who


@router.get("/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    return render(
        request, "helpdesk/stats.html", lang=lang, staff=staff, nav="stats", days=days, stats=load_stats(settings, days)
    )


@router.get("/fallbacks", response_class=HTMLResponse)
def fallbacks_page(
    request: Request,
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
    language: str = Query("", pattern="^(|fr|nl)$"),
    q: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=MAX_ID),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    stats = load_stats(settings, days)
    groups = filter_groups(group_questions(stats.fallbacks), language=language or None, contains=q)
    return render(
        request,
        "helpdesk/fallbacks.html",
        lang=lang,
        staff=staff,
        nav="fallbacks",
        days=days,
        stats=stats,
        language=language,
        q=q,
        groups=page_of(groups, number=page, size=QUESTIONS_PER_PAGE),
    )


@router.get("/fallbacks.yml")
def fallbacks_page_export(
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
    staff: Staff = Depends(current_admin),
    settings: Settings = Depends(get_settings),
) -> Response:
    return yaml_download(load_stats(settings, days))


@router.get("/feedback", response_class=HTMLResponse)
def feedback_page(
    request: Request,
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    since, until, start = window(days=days, now=datetime.now(timezone.utc))
    with session_scope(settings.database_url) as session:
        rows = [
            {
                "at": f.created_at,
                "language": f.language,
                "reason": f.reason,
                "conversation": f.conversation_id,
                "question": mask_personal_data(f.question),
                "answer": mask_reply(f.answer),
            }
            for f in thumbs_down(session, since=datetime.fromtimestamp(start, timezone.utc))
        ]
    return render(
        request,
        "helpdesk/feedback.html",
        lang=lang,
        staff=staff,
        nav="stats",
        days=days,
        since=since,
        until=until,
        rows=rows,
    )


@router.get("/conversations", response_class=HTMLResponse)
def conversations_page(
    request: Request,
    since: date | None = Query(None),
    until: date | None = Query(None),
    language: str = Query("", pattern="^(|fr|nl)$"),
    intent: str = Query("", max_length=64, pattern=r"^[a-z_]*$"),
    q: str = Query("", max_length=200),
    fact: str = Query("", max_length=128),
    page: int = Query(1, ge=1, le=MAX_ID),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    default_since, today, _ = window(days=DEFAULT_DAYS, now=datetime.now(timezone.utc))
    until = min(until or today, today)
    since = min(since or default_since, until)
    start = datetime(since.year, since.month, since.day, tzinfo=TIMEZONE).timestamp()
    with session_scope(settings.database_url) as session:
        found = load_conversations(tracker_store_url=settings.tracker_store_url, helpdesk_session=session, since=start)
    item = _knowledge_item(fact)
    found = search(
        found,
        since=since,
        until=until,
        language=language or None,
        intent=intent or None,
        contains=q,
        fact_texts=(item.fr, item.nl) if item else (),
    )
    return render(
        request,
        "helpdesk/conversations.html",
        lang=lang,
        staff=staff,
        nav="conversations",
        since=since,
        until=until,
        language=language,
        intent=intent,
        q=q,
        fact=fact,
        unknown_fact=bool(fact and not item),
        intents=searchable_intents(),
        choices=knowledge_choices(lang),
        found=page_of(found if not (fact and not item) else [], number=page, size=QUESTIONS_PER_PAGE),
    )


def searchable_intents() -> list:
    """The intents staff can search conversations by: those messages.yml names in FR/NL words."""
    return sorted(
        code.removeprefix("hd_intent_") for code in default_knowledge().messages if code.startswith("hd_intent_")
    )


def _knowledge_item(item_id: str):
    """The fact, cost item or recorded disagreement of that id, or None."""
    try:
        return default_knowledge().item(item_id.strip()) if item_id.strip() else None
    except KeyError:
        return None


@router.get("/conversations/{sender_id}", response_class=HTMLResponse)
def transcript_page(
    request: Request,
    sender_id: str = PathParam(..., max_length=128),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    lines = transcript(settings.tracker_store_url, sender_id)
    return render(
        request,
        "helpdesk/transcript.html",
        lang=lang,
        staff=staff,
        nav="conversations",
        status_code=200 if lines else 404,
        sender_id=sender_id,
        lines=lines,
    )


# ---- review queue -----------------------------------------------------------------------------------------------

REVIEW_PER_PAGE = 20


def knowledge_choices(lang: str) -> list:
    """(id, wording, source) of every knowledge item staff can label a question with, in the page's language."""
    kb = default_knowledge()
    items = [*kb.facts.values(), *kb.costs, *kb.recorded_issues()]
    return [
        (item.id, item.text(lang), kb.cite(*(getattr(item, "sources", None) or (item.source,)), lang=lang))
        for item in sorted(items, key=lambda i: i.id)
    ]


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    days: int = Query(DEFAULT_DAYS, ge=1, le=MAX_DAYS),
    page: int = Query(1, ge=1, le=MAX_ID),
    done: str | None = Query(None, pattern="^(labelled)$"),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    return _render_review(request, settings=settings, days=days, page=page, lang=lang, staff=staff, done=done)


def _render_review(
    request: Request,
    *,
    settings: Settings,
    days: int,
    page: int,
    lang: str,
    staff: Staff,
    status_code: int = 200,
    **context: object,
) -> Response:
    items = review.pending(settings, days=days)
    with session_scope(settings.database_url) as session:
        covered = review.coverage(default_knowledge(), review.all_labels(session))
    return render(
        request,
        "helpdesk/review.html",
        lang=lang,
        staff=staff,
        nav="review",
        status_code=status_code,
        here="/helpdesk/review",
        days=days,
        items=page_of(items, number=page, size=REVIEW_PER_PAGE),
        choices=knowledge_choices(lang),
        sources=default_knowledge().sources,
        never_asked=[c for c in covered if not c.labelled],
        coverage=covered,
        **context,
    )


@router.post("/review/label", response_class=HTMLResponse)
def label_page(
    request: Request,
    lang: str = Depends(page_lang),
    form: dict[str, str] = Depends(form_fields),
    staff: Staff = Depends(current_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    days = int(form["days"]) if form.get("days", "").isdigit() and 1 <= int(form["days"]) <= MAX_DAYS else DEFAULT_DAYS
    if not staff.posted(form):
        return _render_review(
            request,
            settings=settings,
            days=days,
            page=1,
            lang=lang,
            staff=staff,
            status_code=403,
            error="hd_form_expired",
        )
    item = next((i for i in review.pending(settings, days=days) if i.key == form.get("key")), None)
    if item is None:
        return _render_review(
            request,
            settings=settings,
            days=days,
            page=1,
            lang=lang,
            staff=staff,
            status_code=404,
            error="hd_review_item_gone",
        )
    try:
        with session_scope(settings.database_url) as session:
            review.label(
                session,
                item,
                label=form.get("label", ""),
                by=_answerer(staff),
                kb=default_knowledge(),
                fact_id=form.get("fact", ""),
                source_doc=form.get("doc", ""),
                source_ref=form.get("ref", ""),
            )
    except review.ReviewError as refused:
        return _render_review(
            request,
            settings=settings,
            days=days,
            page=1,
            lang=lang,
            staff=staff,
            status_code=422,
            error=refused.code,
            failed_key=item.key,
        )
    return RedirectResponse(url("/helpdesk/review", lang=lang, days=days, done="labelled"), status_code=303)


@router.get("/review/helpdesk.yml")
def reviewed_export(staff: Staff = Depends(current_admin), settings: Settings = Depends(get_settings)) -> Response:
    with session_scope(settings.database_url) as session:
        text = review.reviewed_yaml(review.all_labels(session), exported_on=date.today())
    return Response(
        text, media_type="application/yaml", headers={"Content-Disposition": 'attachment; filename="helpdesk.yml"'}
    )


@router.get("/review/labels.csv")
def labels_export(staff: Staff = Depends(current_admin), settings: Settings = Depends(get_settings)) -> Response:
    with session_scope(settings.database_url) as session:
        return _csv(review.labels_csv(review.all_labels(session)), "review-labels.csv")


@router.get("/tickets.csv")
def tickets_export(staff: Staff = Depends(current_admin), settings: Settings = Depends(get_settings)) -> Response:
    with session_scope(settings.database_url) as session:
        return _csv(review.tickets_csv(list_tickets(session)), "tickets.csv")


def _csv(text: str, name: str) -> Response:
    # A byte-order mark: Excel then reads the accents of a UTF-8 file right.
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---- staff accounts (admin) -------------------------------------------------------------------------------------


@router.get("/staff", response_class=HTMLResponse)
def staff_page(
    request: Request,
    done: str | None = Query(None, pattern="^(added|removed|changed)$"),
    lang: str = Depends(page_lang),
    staff: Staff = Depends(current_admin),
    settings: Settings = Depends(get_settings),
) -> Response:
    return _render_staff(request, settings=settings, lang=lang, staff=staff, done=done)


def _render_staff(
    request: Request, *, settings: Settings, lang: str, staff: Staff, status_code: int = 200, **context: object
) -> Response:
    with session_scope(settings.database_url) as session:
        accounts = [(a.email, a.role or AGENT) for a in auth.list_staff(session)]
    return render(
        request,
        "helpdesk/staff.html",
        lang=lang,
        staff=staff,
        nav="staff",
        status_code=status_code,
        here="/helpdesk/staff",
        accounts=accounts,
        roles=ROLES,
        minimum=auth.MIN_PASSWORD,
        **context,
    )


@router.post("/staff", response_class=HTMLResponse)
def staff_change(
    request: Request,
    lang: str = Depends(page_lang),
    form: dict[str, str] = Depends(form_fields),
    staff: Staff = Depends(current_admin),
    settings: Settings = Depends(get_settings),
) -> Response:
    if not staff.posted(form):
        return _render_staff(
            request, settings=settings, lang=lang, staff=staff, status_code=403, error="hd_form_expired"
        )
    action, email = form.get("action"), form.get("email", "")
    try:
        with session_scope(settings.database_url) as session:
            if action == "add":
                auth.add_staff(session, email=email, password=form.get("password", ""), role=form.get("role", AGENT))
            elif action == "remove" and auth.remove_staff(session, email=email):
                pass
            elif action == "role" and auth.set_role(session, email=email, role=form.get("role", "")):
                pass
            else:
                raise auth.StaffError("hd_staff_unknown")
    except auth.StaffError as refused:
        return _render_staff(request, settings=settings, lang=lang, staff=staff, status_code=422, error=refused.code)
    done = {"add": "added", "remove": "removed", "role": "changed"}[action]
    return RedirectResponse(url("/helpdesk/staff", lang=lang, done=done), status_code=303)
