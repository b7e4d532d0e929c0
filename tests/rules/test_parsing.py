"""Numbers are read the way CPAS staff type them."""
from decimal import Decimal

import pytest

from rules.parsing import parse_number, parse_numbers


@pytest.mark.parametrize("text, expected", [
    ("42.000", "42000"), ("42 000 habitants", "42000"), ("42\u202f000", "42000"), ("42k", "42000"),
    ("42K inwoners", "42000"), ("€ 235.022,50", "235022.50"), ("235 022,50 €", "235022.50"),
    ("235022.5", "235022.5"), ("235022,50", "235022.50"), ("1,2 million", "1200000"),
    ("1,5 miljoen", "1500000"), ("60k€", "60000"), ("120.000€", "120000"), ("42 mille", "42000"),
    ("1.234.567", "1234567"), ("12,5", "12.5"), ("-5000", "-5000"), ("septante", None), ("", None),
])
def test_one_number(text, expected):
    assert parse_number(text) == (Decimal(expected) if expected else None)


def test_every_number_in_a_sentence_in_order():
    assert parse_numbers("on a reçu 36 000 euros et 12.500,25") == [Decimal("36000"), Decimal("12500.25")]


def test_a_year_range_is_two_years_not_a_negative_number():
    assert parse_numbers("2023-2024") == [Decimal("2023"), Decimal("2024")]
