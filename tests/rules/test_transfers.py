"""The 2008 manual's 15 % transfer rule, with its own worked example."""

from decimal import Decimal

import pytest

from rules.errors import InvalidAmount
from rules.transfers import category_ceiling, check_transfer


@pytest.fixture
def rate(kb):
    return kb.fact("ict_2008.transfer_rate").decimal


def test_the_manual_example_investment_may_rise_to_4250(rate):
    assert category_ceiling("15000", "2000", rate=rate) == Decimal("4250.00")


def test_the_manual_example_redistribution_is_allowed(rate):
    planned = {"personnel": "10000", "operating": "3000", "investment": "2000"}
    adjusted = {"personnel": "8500", "operating": "2250", "investment": "4250"}
    check = check_transfer("15000", planned, adjusted, rate=rate)
    assert check.allowed and check.moved == Decimal("2250") and check.limit == Decimal("2250.00")


def test_moving_one_euro_more_than_15_percent_is_not_allowed(rate):
    planned = {"personnel": "10000", "investment": "5000"}
    adjusted = {"personnel": "7749", "investment": "7251"}
    assert not check_transfer("15000", planned, adjusted, rate=rate).allowed


def test_raising_the_total_is_not_allowed(rate):
    check = check_transfer("15000", {"a": "15000"}, {"a": "15000", "b": "100"}, rate=rate)
    assert not check.allowed


def test_the_ceiling_never_exceeds_the_grant(rate):
    assert category_ceiling("15000", "14000", rate=rate) == Decimal("15000")


def test_a_planned_amount_above_the_grant_is_refused(rate):
    with pytest.raises(InvalidAmount):
        category_ceiling("15000", "16000", rate=rate)
