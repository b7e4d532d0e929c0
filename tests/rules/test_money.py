"""Money is exact: parsed from strings, rounded half-up once, printed the Belgian way."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidAmount
from rules.money import as_amount, format_eur, format_percent, to_cents


def test_half_cent_rounds_up():
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("46219.464")) == Decimal("46219.46")


def test_amounts_are_printed_as_a_french_and_a_dutch_reader_expect():
    assert format_eur(Decimal("70506.75"), "fr") == "70\u202f506,75 €"
    assert format_eur(Decimal("70506.75"), "nl") == "€ 70.506,75"
    assert format_eur(Decimal("3402812"), "nl") == "€ 3.402.812,00"
    assert format_percent(Decimal("0.30"), "fr") == "30 %"


@pytest.mark.parametrize(
    "value, code",
    [
        ("-1", "amount_negative"),
        ("0", "amount_zero"),
        ("abc", "amount_not_number"),
        ("NaN", "amount_not_number"),
        ("Infinity", "amount_not_number"),
        ("1e12", "amount_too_large"),
        ("10.005", "amount_fraction_of_cent"),
        (True, "amount_not_number"),
        (None, "amount_not_number"),
    ],
)
def test_invalid_amounts_are_refused_with_a_code(value, code):
    with pytest.raises(InvalidAmount) as err:
        as_amount(value)
    assert err.value.code == code


def test_floats_are_taken_by_their_decimal_text():
    assert as_amount(235022.5) == Decimal("235022.5")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2))
def test_formatting_round_trips_through_the_parser(amount):
    from rules.parsing import parse_number

    for lang in ("fr", "nl"):
        assert parse_number(format_eur(amount, lang)) == amount
