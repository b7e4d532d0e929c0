"""Opening hours of the 2022 slides, Belgian holidays as given: when nobody answers, and when someone will."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.office_hours import WeeklyHours, closed_now, next_opening

BRUSSELS = ZoneInfo("Europe/Brussels")
HOURS = WeeklyHours.parse("mon-thu 08:30-12:30 13:00-16:30; fri 08:30-12:30 13:00-16:00")
ASCENSION = {date(2024, 5, 9)}


def at(day, hour, minute=0):
    return datetime(2024, 5, day, hour, minute, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    "moment, reopens",
    [
        (at(8, 10), None),  # a Wednesday morning: open
        (at(8, 12, 45), at(8, 13)),  # the lunch break: after it
        (at(8, 17), at(10, 8, 30)),  # Wednesday evening before Ascension: Friday morning
        (at(9, 10), at(10, 8, 30)),  # Ascension day itself
        (at(10, 16, 15), at(13, 8, 30)),  # Friday closes at 16:00, not 16:30: Monday
        (at(11, 11), at(13, 8, 30)),  # Saturday
        (at(13, 7), at(13, 8, 30)),  # Monday before opening: the same morning
    ],
)
def test_the_next_opening_follows_the_hours_and_the_holidays(moment, reopens):
    closed = closed_now(moment, hours=HOURS, holidays=ASCENSION, holiday_name="Ascension")
    assert (closed.reopens if closed else None) == reopens


def test_a_holiday_and_a_weekend_are_said_as_such():
    assert closed_now(at(9, 10), hours=HOURS, holidays=ASCENSION, holiday_name="Ascension").holiday == "Ascension"
    assert closed_now(at(11, 11), hours=HOURS, holidays=ASCENSION).weekend
    assert closed_now(at(8, 17), hours=HOURS, holidays=ASCENSION).holiday is None


def test_malformed_hours_are_refused():
    with pytest.raises(ValueError):
        WeeklyHours.parse("mon 8h30-12h")


def test_an_office_never_open_is_an_error_not_a_loop():
    with pytest.raises(ValueError):
        next_opening(at(8, 10), hours=WeeklyHours({}), holidays=set())
