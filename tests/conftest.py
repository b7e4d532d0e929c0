"""Fixtures shared by every test folder: the knowledge base, and a PostgreSQL schema of our own."""

import os
import secrets
from collections.abc import Iterator
from urllib.parse import quote, urlparse

import pytest
from sqlalchemy import create_engine, text

from knowledge.loader import default_knowledge
from tests.e2e.servers import reachable

# The abuse limits are tested on their own (tests/api/test_security.py); elsewhere a test suite that talks fast
# from one address is not an abuser. Set before anything reads the settings, inherited by the servers tests start.
for _name in (
    "CHAT_RATE_LIMIT",
    "FEEDBACK_RATE_LIMIT",
    "CONVERSATION_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "LOGIN_FAILURE_LIMIT",
):
    os.environ.setdefault(_name, "100000/minute")

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def kb():
    return default_knowledge()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A URL whose connections see only a fresh schema of the shared test database, dropped at the end."""
    from helpdesk.db import engine_for

    parsed = urlparse(PG_URL)
    if not reachable(parsed.hostname or "127.0.0.1", parsed.port or 5432):
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    schema = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    yield url
    engine_for(url).dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
