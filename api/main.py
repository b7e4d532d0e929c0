"""The FastAPI app: rules API now, web chat and helpdesk beside it."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.routes import chat, helpdesk, rules
from api.schemas import ErrorOut
from api.security import BodyLimit, SecurityHeaders, limiter
from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge
from settings import get_settings


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
    app = FastAPI(title="Digilab assistant API", version="1.0", lifespan=lifespan, responses=refusals,
                  description="Rules of the e-inclusion for Belgium subsidies, with their sources (FR/NL).")
    errors.install(app)
    app.state.limiter = limiter
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_body_bytes, refusal=errors.error_body)
    app.include_router(rules.router)
    app.include_router(helpdesk.router)
    app.include_router(chat.router)
    app.include_router(chat.page)
    app.mount("/static", StaticFiles(directory=chat.STATIC), name="static")

    @app.get("/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok"}

    return app


app = create_app()
