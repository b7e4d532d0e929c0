"""Dependencies shared by the routes."""

from __future__ import annotations

from typing import Literal

from fastapi import Query

from knowledge.loader import KnowledgeBase, default_knowledge


def get_knowledge() -> KnowledgeBase:
    return default_knowledge()


def get_lang(lang: Literal["fr", "nl"] = Query("fr", description="Language of messages: fr or nl")) -> str:
    return lang
