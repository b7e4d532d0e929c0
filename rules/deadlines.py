"""Which deadline comes next for a given day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.models import Fact


@dataclass(frozen=True)
class NextDeadline:
    today: date
    next: Fact | None
    days_left: int | None
    passed: list[Fact]


def next_deadline(today: date, *, deadlines: Sequence[Fact]) -> NextDeadline:
    """The first deadline on or after `today`, and those already passed (a deadline day still counts)."""
    dated = sorted(deadlines, key=lambda f: f.as_date)
    upcoming = [f for f in dated if f.as_date >= today]
    nxt = upcoming[0] if upcoming else None
    return NextDeadline(
        today=today,
        next=nxt,
        days_left=(nxt.as_date - today).days if nxt else None,
        passed=[f for f in dated if f.as_date < today],
    )


def all_past(dates: Sequence[date], *, today: date) -> bool:
    """True when a text's dates are all before `today` (a date on `today` still counts as open)."""
    return bool(dates) and max(dates) < today


def project_end(start: date, years: int) -> date:
    """The last day of a project of `years` years from `start`: the 2022 call's projects, funded from November
    2022, end in October 2023, 2024 or 2025 for 1, 2 or 3 years (slides, Durée & calendrier)."""
    return date(start.year + years, start.month, start.day) - timedelta(days=1)


def place_in_period(span: tuple[date, date], start: date, end: date) -> str:
    """'before', 'after' or 'within': where a day or a month of expenses falls against a funding period from `start`
    to `end` inclusive (a month straddling either end is within: part of it is covered)."""
    first, last = span
    if last < start:
        return "before"
    if first > end:
        return "after"
    return "within"
