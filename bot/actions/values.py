"""The numbers and names a message gives, read through rules.parsing and knowledge.search."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import List, Optional

from rasa_sdk import Tracker

from bot.actions.replies import entity_values, kb, latest_text
from knowledge.models import Beneficiary
from knowledge.search import find_beneficiaries, normalise
from rules.parsing import parse_number, parse_numbers

_YEARS = range(2000, 2031)
_ADVANCE_WORDS = {"avance", "avances", "voorschot", "voorschotten"}
_NOTHING_WORDS = {"rien", "niets", "niks", "nothing"}


def numbers(tracker: Tracker, entity: str) -> List[Decimal]:
    """Numbers tagged as `entity`, else every number of the message that is not a call year."""
    tagged = [n for n in (parse_number(v) for v in entity_values(tracker, entity)) if n is not None]
    if tagged:
        return tagged
    found = parse_numbers(latest_text(tracker))
    years = {Decimal(y) for y in entity_values(tracker, "call_year") if y.isdigit()}
    plain = [n for n in found if n not in years]
    # "appel 2023, 42 000 habitants": a year beside another number is the call, not the value.
    if len(plain) > 1:
        plain = [n for n in plain if not (n == n.to_integral_value() and int(n) in _YEARS)] or plain
    return plain


def _first_named(texts: List[str]) -> Optional[Beneficiary]:
    """The best match in the first of `texts` that names a 2023 beneficiary."""
    for text in texts:
        matches = find_beneficiaries(kb(), text)
        if matches:
            return matches[0].beneficiary
    return None


def beneficiary(tracker: Tracker) -> Optional[Beneficiary]:
    """The 2023 beneficiary the message names (tagged entity first, then the whole text)."""
    return _first_named([*entity_values(tracker, "organisation"), latest_text(tracker)])


def recent_beneficiary(tracker: Tracker, *, turns: int = 3) -> Optional[Beneficiary]:
    """The beneficiary named in the user's last few messages (the form's question and answers)."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"][-turns:]
    return _first_named(list(reversed(texts or [latest_text(tracker)])))


def says_advance_only(tracker: Tracker) -> bool:
    return bool(_ADVANCE_WORDS & set(normalise(latest_text(tracker))))


def says_nothing(tracker: Tracker) -> bool:
    words = set(normalise(latest_text(tracker)))
    return bool(words & _NOTHING_WORDS) or bool(re.fullmatch(r"\s*0\s*", latest_text(tracker)))
