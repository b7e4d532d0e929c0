"""Say a data issue or a rule error in the asker's language, money formatted for people."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

from knowledge.loader import DataIssue, KnowledgeBase
from rules.errors import RuleError
from rules.money import format_eur, format_percent


def _fill(kb: KnowledgeBase, code: str, params: Mapping[str, object], lang: str, *, raw: Collection[str] = ()) -> str:
    """The message `code`, its Decimal figures written as euros, a `rate` as a percentage, the `raw` ones as typed."""
    shown = {
        k: (format_percent(v, lang) if k == "rate" else format_eur(v, lang))
        if isinstance(v, Decimal) and k not in raw
        else v
        for k, v in params.items()
    }
    return kb.message(code, lang, **shown)


def describe(kb: KnowledgeBase, issue: DataIssue, lang: str) -> str:
    """The issue's text: recorded wording, or its message filled with formatted figures."""
    if not issue.code:
        return issue.nl if lang == "nl" else issue.fr
    return _fill(kb, issue.code, issue.params, lang)


def explain(kb: KnowledgeBase, error: RuleError, lang: str) -> str:
    """Why the rule refused the input; the offending `value` is repeated as the user gave it."""
    return _fill(kb, error.code, error.params, lang, raw={"value"})
