"""Say a data issue in the asker's language, money formatted for people."""
from __future__ import annotations

from decimal import Decimal

from knowledge.loader import DataIssue, KnowledgeBase
from rules.money import format_eur


def describe(kb: KnowledgeBase, issue: DataIssue, lang: str) -> str:
    """The issue's text: recorded wording, or its message filled with formatted figures."""
    if not issue.code:
        return issue.nl if lang == "nl" else issue.fr
    params = {k: format_eur(v, lang) if isinstance(v, Decimal) else v for k, v in issue.params.items()}
    return kb.message(issue.code, lang, **params)
