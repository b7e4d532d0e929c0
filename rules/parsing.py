"""Numbers as CPAS staff type them: "42.000", "42 000", "42k", "€ 235.022,50", "1,2 million"."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import List, Optional

_SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"(?:(?<![\w.,])(?P<sign>[-−–])\s*)?(?<![\w.,])(?P<num>\d[\d" + _SPACES + r".,']*\d|\d)"
    r"(?:\s*(?P<mult>k€|k|mille|duizend|millions?|mio|miljoen|m€))?(?![\w])",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1000, "k€": 1000, "mille": 1000, "duizend": 1000,
                "million": 1_000_000, "millions": 1_000_000, "mio": 1_000_000, "miljoen": 1_000_000,
                "m€": 1_000_000}
_GROUPED = re.compile(r"^\d{1,3}([.,' ]\d{3})+$")


def _plain(digits: str) -> Optional[Decimal]:
    """One written number without its multiplier, separators resolved."""
    text = re.sub(f"[{_SPACES}]", " ", digits).strip()
    if " " in text and not re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d{1,2})?", text):
        return None
    text = text.replace(" ", "").replace("'", "")
    if "." in text and "," in text:
        # The last separator is the decimal one: 235.022,50 or 235,022.50.
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif _GROUPED.match(text) and text.count(text[-4]) >= 1 and len(text.split(text[-4])[-1]) == 3:
        # 42.000 / 42,000 / 1.234.567: thousands groups.
        text = text.replace(text[-4], "")
    else:
        text = text.replace(",", ".")
    if text.count(".") > 1:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_numbers(text: str) -> List[Decimal]:
    """Every number in a message, signed, multipliers applied, in order of appearance."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        value = _plain(match.group("num"))
        if value is None:
            continue
        mult = (match.group("mult") or "").lower()
        value *= _MULTIPLIERS.get(mult, 1)
        if match.group("sign"):
            value = -value
        found.append(value)
    return found


def parse_number(text: str) -> Optional[Decimal]:
    """The first number in a message, or None."""
    numbers = parse_numbers(text)
    return numbers[0] if numbers else None
