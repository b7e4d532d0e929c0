"""Does a reply hold what a case expects? Amounts, dates and percentages compared by value (tests/eval/CASES.md)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
HALVES = ("dev", "test")
LANGS = ("fr", "nl")
CONTACT = "digilab@mi-is.be"
# How the assistant says it does not know (utter_dont_know and the unknown-CPAS answers).
DONT_KNOW = {
    "fr": r"ne trouve pas|ne (?:le )?(?:disent|precisent|donnent) (?:pas|rien|aucun)|je ne sais pas",
    "nl": r"vind\b.{0,60}\bniet\b|zeggen (?:het|daar) niet|vermelden (?:geen|niet)|weet (?:het|ik) niet",
}
SOURCE = {"fr": "source", "nl": "bron"}
MONTHS = {
    "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}
WORDS = {
    "fr": "zero un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize".split(),
    "nl": "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien".split(),
}
_END = r"(?![\d]|[.,]\d)"
_START = r"(?<![\d.,])"


def plain(text: str) -> str:
    """Lowercase, accents dropped, every kind of space one plain space."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[ \t\u00a0\u202f\u2009]+", " ", text)


def _grouped(whole: str, sep: str) -> str:
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sep.join([whole, *groups])


def amount_forms(value: str) -> list[str]:
    """Every way an amount is written: 70506.75 -> 70 506,75 / 70.506,75 / 70506.75 / 70,506.75 ..."""
    number = abs(Decimal(value))
    # Cents as written, or all the decimals of a rate such as 0.3093 EUR/km.
    whole, cents = (f"{number:.2f}" if -number.as_tuple().exponent <= 2 else f"{number:f}").split(".")
    forms = set()
    for sep, dec in ((" ", ","), (".", ","), ("", ","), ("", "."), (",", "."), (" ", ".")):
        body = _grouped(whole, sep)
        forms.add(f"{body}{dec}{cents}")
        if cents == "00":
            forms.add(body)
    if cents == "00" and int(whole) % 100_000 == 0 and int(whole) >= 1_000_000:
        millions = f"{Decimal(whole) / 1_000_000:f}".rstrip("0").rstrip(".")
        for m in {millions, millions.replace(".", ",")}:
            forms |= {f"{m} millions", f"{m} million", f"{m} miljoen", f"{m} m", f"{m}m", f"{m} mio"}
    return sorted(forms, key=len, reverse=True)


def has_amount(text: str, value: str) -> bool:
    alternatives = "|".join(re.escape(f) for f in amount_forms(value))
    return re.search(f"{_START}(?:{alternatives}){_END}", text) is not None


def has_percent(text: str, value: str) -> bool:
    number = re.escape(value).replace(r"\.", "[.,]")
    return re.search(f"{_START}{number}(?:[.,]0+)?\\s*(?:%|pour ?cent|procent|percent)", text) is not None


def has_date(text: str, value: str) -> bool:
    year, month, day = (int(p) for p in value.split("-"))
    days = f"(?:0?{day}{'|1er|1ste|1e' if day == 1 else ''})"
    names = "|".join({MONTHS["fr"][month - 1], MONTHS["nl"][month - 1]})
    patterns = [f"{days}\\s+(?:{names})\\s+{year}", f"{days}[/.-]0?{month}[/.-]{year}", f"{year}-{month:02d}-{day:02d}"]
    return any(re.search(f"(?<!\\d){p}(?!\\d)", text) for p in patterns)


def has_number(text: str, value: str) -> bool:
    """A count in digits, grouped by thousands or not (10000, 10 000, 10.000), or a small one in words."""
    forms = {_grouped(value, sep) for sep in ("", " ", ".")}
    if re.search(f"{_START}(?:{'|'.join(re.escape(f) for f in forms)}){_END}", text):
        return True
    n = int(value)
    return n < len(WORDS["fr"]) and any(re.search(rf"\b{WORDS[lang][n]}\b", text) for lang in LANGS)


def says_dont_know(text: str, lang: str) -> bool:
    return CONTACT in text and re.search(DONT_KNOW[lang], text) is not None


def _squeezed(text: str) -> str:
    """Spacing ignored: '23 h 59' holds '23h59'."""
    return re.sub(r"\s+", "", plain(text))


def holds(check: dict, text: str, lang: str) -> bool:
    """One `expect` item against the plain text of the reply."""
    ((kind, value),) = check.items()
    if kind == "eur":
        return has_amount(text, str(value))
    if kind == "percent":
        return has_percent(text, str(value))
    if kind == "date":
        return has_date(text, str(value))
    if kind == "number":
        return has_number(text, str(value))
    if kind == "any":
        return any(_squeezed(word) in _squeezed(text) for word in value)
    if kind == "not":
        return not any(_squeezed(word) in _squeezed(text) for word in value)
    if kind == "dont_know":
        return says_dont_know(text, lang)
    raise ValueError(f"unknown check {kind!r}")


@dataclass
class Case:
    id: str
    lang: str
    topic: str
    turns: list[str]
    expect: list[dict]
    note: str = ""
    half: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def out_of_scope(self) -> bool:
        return any("dont_know" in check for check in self.expect)

    def failures(self, reply: str) -> list[str]:
        """The checks the reply misses (empty when it passes), the source line included."""
        text = plain(reply)
        missed = [json.dumps(c, ensure_ascii=False) for c in self.expect if not holds(c, text, self.lang)]
        if not self.out_of_scope and SOURCE[self.lang] not in text:
            missed.append(f"no '{SOURCE[self.lang]}' line")
        return missed


def load_cases(half: str) -> list[Case]:
    cases = []
    for lang in LANGS:
        path = HERE / half / f"{lang}.jsonl"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            known = {k: row.pop(k) for k in ("id", "lang", "topic", "turns", "expect", "note") if k in row}
            case = Case(**known, half=half, extra=row)
            if case.lang != lang or not case.turns or not case.expect:
                raise ValueError(f"{path.name}:{number}: a case needs lang {lang}, turns and expect")
            cases.append(case)
    return cases
