"""Rasa's endpoints.yml, built from the environment: embedded defaults, real servers when set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import yaml

from settings import settings_from


def endpoints(env: Mapping[str, str] = os.environ) -> dict:
    """Action server, tracker store (SQLite file, TRACKER_STORE_URL, or `memory`) and lock store (memory or
    REDIS_URL)."""
    settings = settings_from(env)
    config: dict = {"action_endpoint": {"url": settings.action_server_url}}
    if settings.tracker_store_url != "memory":  # memory: Rasa's in-memory store (no helpdesk statistics)
        config["tracker_store"] = _sql_store(settings.tracker_store_url)
    if settings.redis_url:
        redis = urlparse(settings.redis_url)
        config["lock_store"] = {
            "type": "redis",
            "url": redis.hostname,
            "port": redis.port or 6379,
            "db": int((redis.path or "/0").strip("/") or 0),
        }
    return config


def _sql_store(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return {"type": "SQL", "dialect": "sqlite", "db": url.split("sqlite:///", 1)[1]}
    store = {
        "type": "SQL",
        "dialect": "postgresql",
        "url": parsed.hostname,
        "port": parsed.port or 5432,
        "db": parsed.path.lstrip("/"),
        "username": parsed.username or "postgres",
    }
    if parsed.password:
        store["password"] = parsed.password
    if parsed.query:  # e.g. ?options=-csearch_path%3Dtenant: connection options reach the driver
        store["query"] = dict(parse_qsl(parsed.query))
    return store


def write(path: Path, env: Mapping[str, str] = os.environ) -> Path:
    path.write_text(yaml.safe_dump(endpoints(env), sort_keys=False), encoding="utf-8")
    return path
