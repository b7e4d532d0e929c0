"""The FastAPI app: rules API now, web chat and helpdesk beside it."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.routes import chat, helpdesk, rules
from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Fail at start-up, not on the first question, if a knowledge file is broken.
    default_knowledge()
    yield


def create_app() -> FastAPI:
    # uvicorn has set up its log handlers before it imports the app: e-mails and numbers stay out of them.
    mask_logs()
    app = FastAPI(title="Digilab assistant API", version="1.0", lifespan=lifespan,
                  description="Rules of the e-inclusion for Belgium subsidies, with their sources (FR/NL).")
    errors.install(app)
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
