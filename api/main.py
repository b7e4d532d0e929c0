"""The FastAPI app: rules API now, web chat and helpdesk beside it."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import docs, errors, metrics
from api.routes import chat, helpdesk, rules, sources
from api.schemas import EXAMPLE_GRANT, ErrorOut, written_forms
from api.security import BodyLimit, SecurityHeaders, limiter
from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge
from settings import get_settings

DESCRIPTION = """Rules of the *e-inclusion for Belgium* subsidies (SPP Intégration sociale / POD Maatschappelijke
Integratie, Digilab), each answer with its source, in French or Dutch.

* Add `?lang=nl` for Dutch messages and sources (`fr` by default).
* Money is a JSON number rounded to the cent. Amounts and populations are read as people write them
  (`{belgian}`, `€ {spaces}`, `42 000`, `42k`).
* Bad input is a **422** with a stable `code` and a `message` in the asked language, never a 500.
* The source documents themselves are at `/sources/{{doc}}` (`slides_2022`, `decree_2023`, `project_page`,
  `manual_2008`, `press_dossier`), one anchor per article or section.
"""
TAGS = [
    {
        "name": "rules",
        "description": "Computations of the subsidy rules: cluster, advance, what is left to claim, "
        "the granted projects of 2023.",
    },
    {"name": "chat", "description": "The web chat's questions (forwarded to the assistant) and its thumbs."},
    {
        "name": "helpdesk",
        "description": "Back office: tickets handed to Digilab, statistics, fallback questions. "
        "`Authorization: Bearer $HELPDESK_TOKEN` required.",
    },
    {"name": "meta", "description": "Health of the API."},
]


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Fail at start-up, not on the first question, if a knowledge file is broken.
    default_knowledge()
    yield


def create_app() -> FastAPI:
    # uvicorn has set up its log handlers before it imports the app: e-mails and numbers stay out of them.
    mask_logs()
    # Any operation may refuse an unreadable body (400) or one over MAX_BODY_BYTES (413), in the one error format.
    refusals = {400: {"model": ErrorOut}, 413: {"model": ErrorOut}}
    app = FastAPI(
        title="Digilab assistant API",
        version="1.0",
        lifespan=lifespan,
        description=DESCRIPTION.format(**written_forms(EXAMPLE_GRANT)),
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        responses=refusals,
    )
    # Swagger UI 4 (the swagger-ui-bundle package) reads OpenAPI 3.0, not the 3.1 FastAPI writes by default.
    app.openapi_version = "3.0.3"
    errors.install(app)
    docs.install(app)
    app.state.limiter = limiter
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_body_bytes, refusal=errors.error_body)
    app.add_middleware(metrics.Measured)
    app.include_router(metrics.router)
    app.include_router(rules.router)
    app.include_router(helpdesk.router)
    app.include_router(chat.router)
    app.include_router(chat.page)
    app.include_router(sources.router)
    app.mount("/static", StaticFiles(directory=chat.STATIC), name="static")

    @app.get(
        "/health",
        tags=["meta"],
        summary="Is the API up?",
        description='`{"status": "ok"}` while the API answers; it does not ask the assistant.',
    )
    def health() -> dict:
        return {"status": "ok"}

    return app


app = create_app()
