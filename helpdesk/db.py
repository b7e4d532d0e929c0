"""One engine and session factory per database URL (SQLite by default, PostgreSQL in production)."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator, Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from helpdesk.models import Base
from settings import get_settings


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """An engine whose tables exist; SQLite is made safe for the API's threads."""
    args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    engine = create_engine(url, future=True, pool_pre_ping=True, connect_args=args)
    Base.metadata.create_all(engine)
    return engine


def default_url() -> str:
    return get_settings().database_url


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    factory = sessionmaker(bind=engine_for(url or default_url()), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
