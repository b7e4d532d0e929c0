"""Exact money: Decimal built from strings, rounded half-up to the cent by knowledge.models.to_cents."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from knowledge.models import CENT, to_cents  # noqa: F401  (the one rounding of money; rules re-export it)
from rules.errors import InvalidAmount
from rules.parsing import as_written

# Input sanity bound, not a fact of the subsidies: no grant of this programme comes near it.
MAX_AMOUNT = Decimal("1000000000")

Number = Decimal | int | str | float


def as_amount(value: Number, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A user-given amount as an exact Decimal, or an InvalidAmount saying why not."""
    if isinstance(value, bool):
        raise InvalidAmount("amount_not_number", field=field, value=value)
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(_written(value))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount("amount_not_number", field=field, value=value) from None
    if not amount.is_finite():
        raise InvalidAmount("amount_not_number", field=field, value=value)
    if amount < 0:
        raise InvalidAmount("amount_negative", field=field, value=amount)
    if amount == 0 and not allow_zero:
        raise InvalidAmount("amount_zero", field=field, value=amount)
    if amount > MAX_AMOUNT:
        raise InvalidAmount("amount_too_large", field=field, value=amount, limit=MAX_AMOUNT)
    if amount != to_cents(amount):
        raise InvalidAmount("amount_fraction_of_cent", field=field, value=amount)
    return amount


def _written(value: Number) -> Number:
    # "10.005" from a program is ten euros and half a cent; typed by a person, "€ 10.005" is ten thousand and five.
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        return value.strip()
    return as_written(value)


def format_eur(amount: Decimal, lang: str) -> str:
    """'70 506,75 €' in French, '€ 70.506,75' in Dutch."""
    number = format_number(to_cents(amount), lang)  # to_cents keeps two decimals: 120000 → 120000.00
    return f"€ {number}" if lang == "nl" else f"{number} €"


def format_number(value: int | Decimal, lang: str) -> str:
    """A count or a plain number: '42 000' in French, '42.000' in Dutch."""
    grouped = f"{value:,}"
    if lang == "nl":
        return grouped.replace(",", " ").replace(".", ",").replace(" ", ".")
    return grouped.replace(",", "\u202f").replace(".", ",")


def format_percent(ratio: Decimal, lang: str) -> str:
    """'30 %' (both languages write a space before %)."""
    value = (ratio * 100).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{text} %"


_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}


def format_month(day: date, lang: str) -> str:
    """'octobre 2024' in French, 'oktober 2024' in Dutch."""
    return f"{_MONTHS['nl' if lang == 'nl' else 'fr'][day.month - 1]} {day.year}"


def format_date(day: date, lang: str) -> str:
    """'12 mai 2024' in French, '12 mei 2024' in Dutch."""
    return f"{day.day} {_MONTHS['nl' if lang == 'nl' else 'fr'][day.month - 1]} {day.year}"
