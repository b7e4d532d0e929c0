"""Every environment variable the code reads: its default and what it is for.

The bottom of the house: every layer may import it, and it imports nothing of ours. The README's
environment table names each field (tests/test_readme.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from pydantic import BaseSettings, Field, validator

# Shorter secrets are guessable; a token is refused at start-up rather than accepted weak.
MIN_SECRET_LENGTH = 24

# `make run`'s ports; the default URLs below point at them.
RASA_PORT, ACTION_PORT, API_PORT = 5005, 5055, 8000
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Read from the environment (names are the fields in capitals); embedded defaults, real servers in production."""

    # Databases and stores
    database_url: str = Field(
        "sqlite:///./digilab.db",
        description=("Helpdesk tables: tickets, feedback, staff (any SQLAlchemy URL, e.g. postgresql://…)."),
    )
    tracker_store_url: str = Field(
        "sqlite:///trackers.db",
        description=("Rasa's tracker store (`memory` for none); the helpdesk statistics read the conversations there."),
    )
    redis_url: str | None = Field(
        None, description=("Rasa's lock store, e.g. redis://127.0.0.1:6379/0; unset: in memory.")
    )

    # The assistant's servers
    rasa_url: str = Field(
        f"http://127.0.0.1:{RASA_PORT}",
        description=("Where the API and the Telegram bridge send messages (Rasa's REST channel)."),
    )
    rasa_timeout_seconds: float = Field(
        30.0, description=("How long they wait for Rasa before saying the assistant is unavailable.")
    )
    action_server_url: str = Field(
        f"http://127.0.0.1:{ACTION_PORT}/webhook",
        description=("Where Rasa calls the custom actions (written into its endpoints.yml)."),
    )
    rasa_token: str | None = Field(
        None,
        description=(
            "Token of Rasa's HTTP API (--auth-token), sent by the API and the Telegram bridge; `make run` draws one "
            "per start when unset."
        ),
    )
    action_host: str = Field(
        "127.0.0.1",
        description=(
            "Where the action server listens (0.0.0.0 only behind a firewall: its webhook has no authentication)."
        ),
    )
    rasa_port: int = Field(RASA_PORT, description="Port of the Rasa server started by `make run`.")
    action_port: int = Field(ACTION_PORT, description="Port of the action server started by `make run`.")
    api_port: int = Field(API_PORT, description="Port of the API and web chat started by `make run`.")
    rasa_replicas: int = Field(
        2,
        ge=1,
        description=("Rasa servers `make run-prod` starts behind its load balancer (on the ports after RASA_PORT)."),
    )
    action_replicas: int = Field(
        2,
        ge=1,
        description=(
            "Action servers `make run-prod` starts behind its load balancer (ACTION_PORT and the next ports)."
        ),
    )
    api_workers: int = Field(2, ge=1, description="uvicorn workers of the API in `make run-prod`.")
    prometheus_multiproc_dir: str | None = Field(
        None,
        description=(
            "Directory where the API's workers write their metrics for /metrics to add up (prometheus-client's "
            "multiprocess mode); `make run-prod` sets it; unset: one process."
        ),
    )
    public_url: str = Field(
        f"http://localhost:{API_PORT}",
        description=(
            "Address where people reach the web chat and /sources; the Telegram bridge links source passages there."
        ),
    )

    # Abuse limits (api/security.py): rates as `limits` writes them, "N/second|minute|hour|day".
    max_body_bytes: int = Field(65536, description="Largest request body the API reads; beyond it, 413.")
    chat_rate_limit: str = Field(
        "60/minute", description="Web chat messages per client IP (an office behind one address shares it)."
    )
    feedback_rate_limit: str = Field("20/minute", description="Thumbs up/down per client IP.")
    conversation_rate_limit: str = Field(
        "20/minute",
        description=("Chat messages and thumbs per web chat conversation (its signed cookie), whatever the address."),
    )
    login_rate_limit: str = Field("10/minute", description="Helpdesk login attempts per client IP.")
    login_failure_limit: str = Field(
        "5/15minutes;10/hour;20/day",
        description=(
            "Failed logins per staff account, in growing tiers: past a tier's count the account is refused until "
            "that tier's window has moved on."
        ),
    )

    # Helpdesk
    helpdesk_token: str | None = Field(None, description="Bearer token of the helpdesk API and pages; unset: none.")
    helpdesk_staff_password: str | None = Field(
        None, description=("Password for `python -m helpdesk.auth add-staff` without a prompt (scripts); unset: asked.")
    )
    smtp_host: str | None = Field(None, description="SMTP server for the ticket e-mails; unset: no e-mail.")
    smtp_port: int = Field(25, description="Its port.")
    smtp_from: str = Field("assistant@digilab.local", description="Sender of the e-mails.")
    helpdesk_email: str | None = Field(None, description="Address told about new tickets; unset: nobody.")

    # Personal data: `python -m helpdesk.privacy purge` deletes what is older (helpdesk/privacy.py)
    ticket_retention_days: int = Field(
        365,
        ge=1,
        description=(
            "Days a ticket (question, organisation, e-mail, answers) is kept after its last answer, or its creation "
            "when unanswered."
        ),
    )
    feedback_retention_days: int = Field(
        180,
        ge=1,
        description=(
            "Days the question and answer of a thumbs up/down are kept; then they are blanked and the rating stays."
        ),
    )
    conversation_retention_days: int = Field(
        180,
        ge=1,
        description=(
            "Days the events of Rasa's tracker store (what was typed, slots such as the handoff e-mail) are kept."
        ),
    )

    # Telegram bridge
    telegram_bot_token: str | None = Field(None, description="Starts the Telegram bridge (token from @BotFather).")
    telegram_api_base_url: str = Field(
        TELEGRAM_API_BASE_URL,
        description=("A self-hosted Bot API server (python-telegram-bot's base_url; it appends the token)."),
    )
    telegram_webhook_url: str | None = Field(
        None, description=("Webhook mode: the public URL Telegram posts to; unset: long polling.")
    )
    telegram_webhook_listen: str = Field("127.0.0.1", description="Where the webhook listens.")
    telegram_webhook_port: int = Field(8443, description="Its port.")
    telegram_webhook_secret: str | None = Field(
        None,
        description=(
            "The webhook's secret token (at least 24 characters A-Z a-z 0-9 _ -); webhook mode refuses to start "
            "without."
        ),
    )
    telegram_concurrent_updates: int = Field(
        64, description=("Telegram updates handled at once (Rasa's lock store keeps each chat in order).")
    )
    max_message_chars: int = Field(
        2000, description=("Longest question the web chat and Telegram pass to the assistant.")
    )

    web_chat_secret: str | None = Field(
        None,
        description=(
            "Signs the web chat's conversation cookie; unset: one per process (conversations start afresh when the API "
            "restarts). Set it when the API runs in several workers."
        ),
    )
    secure_cookies: bool = Field(
        False,
        description=("Marks every cookie Secure (sent over HTTPS only) whatever the proxy says; set it in production."),
    )

    @validator("helpdesk_token", "web_chat_secret")
    def long_enough(cls, value: str | None) -> str | None:
        if value is not None and len(value) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"must be at least {MIN_SECRET_LENGTH} characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

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
