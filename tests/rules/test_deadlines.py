"""Which claim deadline of the 2023 call comes next."""

from datetime import date

import pytest

from rules.deadlines import next_deadline, place_in_period, project_end


@pytest.fixture
def deadlines(kb):
    return [kb.fact("cpas_2023.first_claim_deadline"), kb.fact("cpas_2023.second_claim_deadline")]


@pytest.mark.parametrize(
    "today, expected, days",
    [
        (date(2024, 1, 15), "cpas_2023.first_claim_deadline", 118),
        (date(2024, 5, 12), "cpas_2023.first_claim_deadline", 0),
        (date(2024, 5, 13), "cpas_2023.second_claim_deadline", 181),
        (date(2024, 11, 10), "cpas_2023.second_claim_deadline", 0),
    ],
)
def test_the_next_deadline_and_days_left(deadlines, today, expected, days):
    result = next_deadline(today, deadlines=deadlines)
    assert result.next.id == expected and result.days_left == days


def test_after_the_last_deadline_none_is_left(deadlines):
    result = next_deadline(date(2026, 11, 23), deadlines=deadlines)
    assert result.next is None and len(result.passed) == 2


@pytest.mark.parametrize("years, end", [(1, date(2023, 10, 31)), (2, date(2024, 10, 31)), (3, date(2025, 10, 31))])
def test_a_2022_project_funded_from_november_2022_ends_in_october_after_its_years(years, end):
    # The slides: "Financement du projet: 11.2022 – 10.2023/24/25" for a project of 1, 2 or 3 years.
    assert project_end(date(2022, 11, 1), years) == end


@pytest.mark.parametrize(
    ("span", "place"),
    [
        ((date(2024, 11, 3), date(2024, 11, 3)), "after"),
        ((date(2023, 10, 1), date(2023, 10, 31)), "before"),
        ((date(2024, 10, 31), date(2024, 10, 31)), "within"),
        ((date(2023, 11, 1), date(2023, 11, 1)), "within"),
        ((date(2024, 10, 15), date(2024, 11, 14)), "within"),
    ],
)
def test_an_expense_falls_before_within_or_after_a_funding_period(span, place):
    assert place_in_period(span, date(2023, 11, 1), date(2024, 10, 31)) == place
