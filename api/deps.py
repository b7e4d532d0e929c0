"""Dependencies shared by the routes."""

from __future__ import annotations

from fastapi import Query

from knowledge.loader import KnowledgeBase, default_knowledge
from knowledge.models import Lang


def get_knowledge() -> KnowledgeBase:
    return default_knowledge()


def get_lang(lang: Lang = Query("fr", description="Language of messages: fr or nl")) -> Lang:
    return lang
