"""Personal data out of sight: e-mail addresses, phone numbers and Belgian national numbers masked in texts and logs.

The unanswered questions are shown on /helpdesk/fallbacks and exported as training data meant for
git; the logs go wherever the servers' output goes. Neither needs to know who asked, so both show
`[e-mail]`, `[tel]` and `[NISS/INSZ]` instead. Amounts (235 022,50 €), dates (12/05/2024) and
article numbers keep their digits: a phone number is told apart by its prefix, length and grouping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable
from functools import lru_cache

EMAIL_MARK, PHONE_MARK, NATIONAL_NUMBER_MARK = "[e-mail]", "[tel]", "[NISS/INSZ]"

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
# Not inside a longer number: no digit, decimal mark or date slash right before or after, and no digit a
# space before (the thousands of 1 022 500 000 €).
_BEFORE = r"(?<![\w.,/-])(?<!\d[ \u00a0\u202f])"
_AFTER = r"(?![\w]|[.,/-]\d)"
# NISS/INSZ: YYMMDD SSS CC, often written 85.07.30-033.28, or 11 digits in a row.
_NATIONAL_NUMBER = re.compile(_BEFORE + r"(\d{2})[. ]?(\d{2})[. ]?(\d{2})[ .-]?(\d{3})[ .-]?(\d{2})" + _AFTER)
_SEP = r"[ ./-]?"
# +32 4xx xx xx xx, 0032 2 123 45 67, +32 (0)2 …, +33 6 12 34 56 78: a country code, then groups.
_INTERNATIONAL = r"(?:\+|00)\d{2,3}" + _SEP + r"(?:\(0\)" + _SEP + r")?\d{1,4}(?:" + _SEP + r"\d{2,4}){1,5}"
# 0475 12 34 56, 02/123.45.67, 010 12 34 56, 0475123456: a trunk 0, then groups of two or three digits.
_NATIONAL = r"0\d{1,3}(?:" + _SEP + r"\d{2,3}){1,4}|0\d{8,9}"
_PHONE = re.compile(_BEFORE + r"(?:" + _INTERNATIONAL + r"|" + _NATIONAL + r")" + _AFTER)


def mask_personal_data(text: str, *, public: Collection[str] = frozenset()) -> str:
    """`text` with its e-mail addresses, phone numbers and national register numbers replaced by a mark; those in
    `public` (`public_contacts()`: lowercase addresses, phone numbers by their last eight digits) are kept."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in public else EMAIL_MARK, text)
    text = _NATIONAL_NUMBER.sub(_national_number, text)
    return _PHONE.sub(lambda m: m.group(0) if _phone_key(m.group(0)) in public else _phone(m), text)


def mask_reply(text: str) -> str:
    """An assistant's reply as staff read it: personal data masked, the documents' public contacts kept."""
    return mask_personal_data(text, public=public_contacts())


def _phone_key(written: str) -> str:
    """A phone number as +32 2 508 85 86, 02/508.85.86 and 025088586 all write it: its last eight digits."""
    return re.sub(r"\D", "", written)[-8:]


@lru_cache(maxsize=1)
def public_contacts() -> frozenset[str]:
    """The e-mail addresses and phone numbers of the five public documents (Digilab's, the SPP's, the press office's).
    They are no one's personal data: a transcript shows the contact the assistant gave as it gave it."""
    from knowledge.loader import default_knowledge

    kb = default_knowledge()
    texts = [text for fact in kb.facts.values() for text in (fact.fr, fact.nl)]
    found: set[str] = set()
    for text in texts:
        found |= {m.group(0).lower() for m in _EMAIL.finditer(text)}
        found |= {_phone_key(m.group(0)) for m in _PHONE.finditer(text)}
    return frozenset(found)


def _national_number(match: re.Match) -> str:
    _, month, day, _, _ = (int(group) for group in match.groups())
    # Bis numbers add 20 or 40 to the month; 00 stands for a month or day that is not known.
    plausible = month % 20 <= 12 and month < 60 and day <= 31
    return NATIONAL_NUMBER_MARK if plausible else match.group(0)


def _phone(match: re.Match) -> str:
    written = match.group(0)
    digits = re.sub(r"\D", "", written)
    if written.startswith(("+", "00")):
        national = digits[2:] if written.startswith("00") else digits
        if national.startswith("32"):
            # Belgium: 8 digits for a fixed line, 9 for a mobile, after 32 and an optional (0).
            subscriber = national[2:].removeprefix("0") if "(0)" in written else national[2:]
            return PHONE_MARK if len(subscriber) in (8, 9) else written
        return PHONE_MARK if 9 <= len(national) <= 13 else written
    # Belgium, dialled at home: 04xx and eight digits for a mobile, nine digits in all for a fixed line.
    mobile = len(digits) == 10 and digits[1] == "4"
    fixed = len(digits) == 9 and digits[1] != "0"
    return PHONE_MARK if mobile or fixed else written


class PersonalDataFilter(logging.Filter):
    """Masks personal data in a record's message, arguments and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            traceback = logging.Formatter().formatException(record.exc_info)
            masked = mask_personal_data(traceback)
            # Left unset when there is nothing to hide, so that the handler formats the traceback its own way.
            record.exc_text = masked if masked != traceback else None
        elif record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def _masked(value: object) -> object:
    """A string argument masked; any other value kept as it is unless its text shows personal data."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    masked = mask_personal_data(text)
    return masked if masked != text else value


def mask_logs(loggers: Iterable[logging.Logger] | None = None) -> None:
    """Put the filter on every handler configured so far (the root's, uvicorn's, Sanic's…), once each."""
    if loggers is None:
        known = logging.Logger.manager.loggerDict.values()
        loggers = [logging.getLogger(), *(lg for lg in known if isinstance(lg, logging.Logger))]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())
