"""When a person can answer: weekly opening hours, public holidays, and the next opening from a given moment.

Pure: the moment, the hours and the closed days are arguments (the caller reads the clock and the calendar).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
# How far ahead to look for an opening: past any run of holidays and weekends.
_HORIZON_DAYS = 31


@dataclass(frozen=True)
class WeeklyHours:
    """Opening spans per weekday (0 = Monday), e.g. Monday 8:30–12:30 and 13:00–16:30."""

    spans: dict[int, tuple[tuple[time, time], ...]]

    @classmethod
    def parse(cls, text: str) -> WeeklyHours:
        """'mon-thu 08:30-12:30 13:00-16:30; fri 08:30-12:30 13:00-16:00' (knowledge unit `hours`)."""
        spans: dict[int, tuple[tuple[time, time], ...]] = {}
        for part in (p.strip() for p in text.split(";") if p.strip()):
            days, *times = part.split()
            first, _, last = days.partition("-")
            start, end = DAYS.index(first), DAYS.index(last or first)
            parsed = tuple(_span(t) for t in times)
            for day in range(start, end + 1):
                spans[day] = parsed
        return cls(spans)


def _span(text: str) -> tuple[time, time]:
    match = _SPAN.fullmatch(text)
    if not match:
        raise ValueError(f"not an opening span HH:MM-HH:MM: {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1, m1), time(h2, m2)


@dataclass(frozen=True)
class Closed:
    """Nobody answers now; a person will from `reopens` (same time zone as the moment asked about)."""

    reopens: datetime
    holiday: str | None = None  # today's public holiday, if that is why
    weekend: bool = False


def closed_now(
    now: datetime, *, hours: WeeklyHours, holidays: Container[date], holiday_name: str | None = None
) -> Closed | None:
    """None when a person is at work at `now`, else when they will be again."""
    today = now.date()
    if today not in holidays and any(a <= now.time() < b for a, b in hours.spans.get(now.weekday(), ())):
        return None
    reopens = next_opening(now, hours=hours, holidays=holidays)
    return Closed(
        reopens, holiday=holiday_name if today in holidays else None, weekend=now.weekday() not in hours.spans
    )


def next_opening(now: datetime, *, hours: WeeklyHours, holidays: Container[date]) -> datetime:
    """The first moment from `now` at which the office is open."""
    for offset in range(_HORIZON_DAYS):
        day = now.date() + timedelta(days=offset)
        if day in holidays:
            continue
        for start, end in hours.spans.get(day.weekday(), ()):
            opening = datetime.combine(day, start, tzinfo=now.tzinfo)
            if offset == 0 and now.time() >= end:
                continue
            return max(opening, now)
    raise ValueError("no opening within a month: check the opening hours")
