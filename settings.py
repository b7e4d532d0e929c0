"""Every environment variable the code reads: its default and what it is for.

The bottom of the house: every layer may import it, and it imports nothing of ours. The README's
environment table names each field (tests/test_readme.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Optional

from pydantic import BaseSettings, Field

# `make run`'s ports; the default URLs below point at them.
RASA_PORT, ACTION_PORT, API_PORT = 5005, 5055, 8000
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Read from the environment (names are the fields in capitals); embedded defaults, real servers in production."""

    # Databases and stores
    database_url: str = Field("sqlite:///./digilab.db", description=(
        "Helpdesk tables: tickets, feedback, staff (any SQLAlchemy URL, e.g. postgresql://…)."))
    tracker_store_url: str = Field("sqlite:///trackers.db", description=(
        "Rasa's tracker store (`memory` for none); the helpdesk statistics read the conversations there."))
    redis_url: Optional[str] = Field(None, description=(
        "Rasa's lock store, e.g. redis://127.0.0.1:6379/0; unset: in memory."))

    # The assistant's servers
    rasa_url: str = Field(f"http://127.0.0.1:{RASA_PORT}", description=(
        "Where the API and the Telegram bridge send messages (Rasa's REST channel)."))
    rasa_timeout_seconds: float = Field(30.0, description=(
        "How long they wait for Rasa before saying the assistant is unavailable."))
    action_server_url: str = Field(f"http://127.0.0.1:{ACTION_PORT}/webhook", description=(
        "Where Rasa calls the custom actions (written into its endpoints.yml)."))
    rasa_port: int = Field(RASA_PORT, description="Port of the Rasa server started by `make run`.")
    action_port: int = Field(ACTION_PORT, description="Port of the action server started by `make run`.")
    api_port: int = Field(API_PORT, description="Port of the API and web chat started by `make run`.")
    public_url: str = Field(f"http://localhost:{API_PORT}", description=(
        "Address where people reach the web chat and /sources; the Telegram bridge links source passages there."))

    # Helpdesk
    helpdesk_token: Optional[str] = Field(None, description="Bearer token of the helpdesk API and pages; unset: none.")
    helpdesk_session_secret: Optional[str] = Field(None, description=(
        "Signs the back-office session cookie; derived from HELPDESK_TOKEN when unset (helpdesk/auth.py)."))
    helpdesk_staff_password: Optional[str] = Field(None, description=(
        "Password for `python -m helpdesk.auth add-staff` without a prompt (scripts); unset: asked."))
    smtp_host: Optional[str] = Field(None, description="SMTP server for the ticket e-mails; unset: no e-mail.")
    smtp_port: int = Field(25, description="Its port.")
    smtp_from: str = Field("assistant@digilab.local", description="Sender of the e-mails.")
    helpdesk_email: Optional[str] = Field(None, description="Address told about new tickets; unset: nobody.")

    # Telegram bridge
    telegram_bot_token: Optional[str] = Field(None, description="Starts the Telegram bridge (token from @BotFather).")
    telegram_api_base_url: str = Field(TELEGRAM_API_BASE_URL, description=(
        "A self-hosted Bot API server (python-telegram-bot's base_url; it appends the token)."))
    telegram_webhook_url: Optional[str] = Field(None, description=(
        "Webhook mode: the public URL Telegram posts to; unset: long polling."))
    telegram_webhook_listen: str = Field("127.0.0.1", description="Where the webhook listens.")
    telegram_webhook_port: int = Field(8443, description="Its port.")
    telegram_webhook_secret: Optional[str] = Field(None, description="The webhook's secret token.")

    class Config:
        env_file = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """This process's settings, read once."""
    return Settings()


class _GivenOnly(Settings):
    class Config:
        @classmethod
        def customise_sources(cls, init_settings, env_settings, file_secret_settings):
            return (init_settings,)


def settings_from(env: Mapping[str, str]) -> Settings:
    """The settings a process started with `env` will read: `make run` writes Rasa's endpoints for its servers."""
    given = {name.lower(): value for name, value in env.items()}
    return _GivenOnly(**{name: given[name] for name in Settings.__fields__ if name in given})
