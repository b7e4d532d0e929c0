"""All runtime settings, read from the environment once."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from pydantic import BaseSettings


class Settings(BaseSettings):
    # Embedded default; production sets postgresql://… here.
    database_url: str = "sqlite:///./digilab.db"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 30.0
    # Same default as bot/endpoints.py: the API reads the conversations Rasa stores there.
    tracker_store_url: str = "sqlite:///trackers.db"
    helpdesk_token: Optional[str] = None
    # Signs the back-office session cookie; derived from HELPDESK_TOKEN when unset (see helpdesk/auth.py).
    helpdesk_session_secret: Optional[str] = None
    smtp_host: Optional[str] = None
    smtp_port: int = 25
    smtp_from: str = "assistant@digilab.local"
    helpdesk_email: Optional[str] = None

    class Config:
        env_file = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
