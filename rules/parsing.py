"""Numbers as CPAS staff type them: "42.000", "42 000", "42k", "€ 235.022,50", "1,2 million"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

_SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"(?:(?<![\w.,])(?P<sign>[-−–])\s*)?(?<![\w.,])(?P<num>\d[\d" + _SPACES + r".,']*\d|\d)"
    r"(?:\s*(?P<mult>k€|k|mille|duizend|millions?|mio|miljoen|m€))?(?![\w])",
    re.IGNORECASE,
)
_MULTIPLIERS = {
    "k": 1000,
    "k€": 1000,
    "mille": 1000,
    "duizend": 1000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "mio": 1_000_000,
    "miljoen": 1_000_000,
    "m€": 1_000_000,
}
_GROUPED = re.compile(r"^\d{1,3}([.,' ]\d{3})+$")


def _plain(digits: str) -> Decimal | None:
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


def parse_numbers(text: str) -> list[Decimal]:
    """Every number in a message, signed, multipliers applied, in order of appearance."""
    return [q.value for q in read_quantities(text)]


def as_written(value: object) -> object:
    """A string holding one number as people write it ("12.000", "€ 235.022,50") as that Decimal; anything else as
    given."""
    if not isinstance(value, str):
        return value
    found = parse_numbers(value)
    return found[0] if len(found) == 1 else value


def parse_number(text: str) -> Decimal | None:
    """The first number in a message, or None."""
    numbers = parse_numbers(text)
    return numbers[0] if numbers else None


# --- Numbers by role: what each number in a message counts ("6 mois", "3 devis", "42 000 hab").

_FR_UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
_FR_SCALES = {"cent": 100, "cents": 100, "mille": 1000}
_FR_WORD = "|".join(sorted([*_FR_UNITS, *_FR_SCALES], key=len, reverse=True))
_FR_RUN = re.compile(rf"\b(?:{_FR_WORD})(?:(?:[\s-]+|\s+et\s+)(?:{_FR_WORD}))*\b", re.IGNORECASE)


def _french_words_value(words: list[str]) -> int | None:
    """'septante-cinq mille' -> 75000, 'quatre-vingt-dix' -> 90, 'deux cent mille' -> 200000."""
    total, current, previous = 0, 0, None
    for word in words:
        if word in _FR_SCALES:
            scale = _FR_SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total, current = total + (current or 1) * scale, 0
        elif word in ("vingt", "vingts") and previous in ("quatre",):
            current = current - 4 + 80  # quatre-vingt(s): 80
        else:
            current += _FR_UNITS[word]
        previous = word
    return total + current


_NL_UNITS = {
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
}
_NL_TEENS = {
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
}
_NL_TENS = {
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
}
_NL_BELOW_100 = (
    "(?:(?:"
    + "|".join([*_NL_UNITS])
    + ")(?:en|ën)(?:"
    + "|".join(_NL_TENS)
    + ")|"
    + "|".join(sorted([*_NL_TENS, *_NL_TEENS, *_NL_UNITS], key=len, reverse=True))
    + ")"
)
# ("zeshonderd drieënzeventig": the tens and units may be written apart.)
_NL_BELOW_1000 = f"(?:(?:{_NL_BELOW_100})?honderd(?:\\s*{_NL_BELOW_100})?|{_NL_BELOW_100})"
_NL_WORD = re.compile(
    rf"(?<!\d\s)(?<!\d)\b(?:{_NL_BELOW_1000})?duizend(?:\s*(?:en\s*)?{_NL_BELOW_1000})?\b|\b(?:{_NL_BELOW_1000})"
    rf"(?=\s*(?:euro|€|inwoners|inw))",
    re.IGNORECASE,
)


def _dutch_below_1000(word: str) -> int:
    if not word:
        return 0
    if "honderd" in word:
        head, _, tail = word.partition("honderd")
        return (_dutch_below_1000(head) or 1) * 100 + _dutch_below_1000(tail)
    for tens, value in _NL_TENS.items():
        if word.endswith(tens):
            rest = word[: -len(tens)]
            # "tweeëntwintig": the unit comes first, joined by "en".
            return value + (_NL_UNITS.get(rest[:-2], 0) if rest.endswith(("en", "ën")) else 0)
    return _NL_TEENS.get(word) or _NL_UNITS.get(word, 0)


def _dutch_words_value(text: str) -> int:
    """'honderdvijftigduizend' -> 150000, 'tweeëntwintigduizend vijfhonderd' -> 22500."""
    plain = re.sub(r"\s+|en\s+(?=\w*honderd)", "", text.lower())
    head, found, tail = plain.partition("duizend")
    if not found:
        return _dutch_below_1000(head)
    return (_dutch_below_1000(head) or 1) * 1000 + _dutch_below_1000(tail)


# What a number word counts, right after it ("onze mois", "onze %").
_UNIT_AFTER = re.compile(
    r"\s*(?:mille|cents?\b|€|eur|%|pour\s?cent|hab|inw|ans?\b|annees|mois|maand|jours?\b|devis|projets?|cpas)",
    re.IGNORECASE,
)


def spell_out_numbers(text: str) -> str:
    """French and Dutch number words written as digits ('septante-cinq mille habitants' -> '75000 habitants')."""

    def digits(match: re.Match[str]) -> str:
        words = [w for w in re.split(r"[\s-]+", match.group(0).lower()) if w != "et"]
        if words in (["un"], ["une"]):
            return match.group(0)  # "un CPAS", "une avance": an article, not a number
        before, after = match.string[: match.start()], match.string[match.end() :]
        if words[0] in _FR_SCALES and re.search(r"\d\s*$", before):
            return match.group(0)  # "42 mille": a multiplier of the digits before it
        if words == ["cent"] and re.search(r"\bpour\s*$", before, re.IGNORECASE):
            return match.group(0)  # "septante pour cent": the percent sign, not a hundred
        if words == ["onze"] and not _UNIT_AFTER.match(after) and not re.search(r"(?:€|euros?)\s*$", before, re.I):
            return match.group(0)  # "onze voorschot": Dutch for "our"; eleven only with what it counts
        return str(_french_words_value(words))

    text = _FR_RUN.sub(digits, text or "")
    text = _NL_WORD.sub(lambda m: str(_dutch_words_value(m.group(0))), text)
    # "… euros onze", "… euro vijftig": cents said after the currency, as amounts are read aloud.
    return _SPOKEN_CENTS.sub(lambda m: f"{m.group(1)},{int(m.group(3)):02d} {m.group(2)}", text)


ROLES = {
    "inhabitants": r"hab\w*|inh\w*|inw\w*|personnes|mensen|residents|burgers",
    "eur": r"€|eur\w*|k€|m€",
    "percent": r"%|pour\s?cent|pourcent|procent|percent",
    "months": r"mois|maand\w*|months?|m\b",
    "quotes": r"devis|offres?|offertes?|prijsoffertes?|prijsvragen|quotes?",
    "years": r"ans?\b|annees?|années?|jaar|jaren|years?",
    "days": r"jours?|dagen|dag|days?",
    "projects": r"projets?|projecten|project|cpas|ocmw\w*|communes?|gemeenten?",
}
_SPOKEN_CENTS = re.compile(
    r"(?<!\d[\s.,])(?<![\d.,])(\d+)\s+(euros?)\s+(\d{1,2})(?!\d)(?![.,]\d)"
    r"(?!\s*(?:" + "|".join(ROLES.values()) + r"|cents?|centimes?|x\b|fois|keer))",
    re.IGNORECASE,
)
_AFTER = {role: re.compile(rf"\s*(?:{pattern})", re.IGNORECASE) for role, pattern in ROLES.items()}
_EUR_BEFORE = re.compile(r"(?:€|eur|euros?)\s*$", re.IGNORECASE)
# "subside de 20.000", "subsidie van 25.000", "budget: 250k": a grant's amount without its currency.
_MONEY_BEFORE = re.compile(
    r"\b(?:subsides?|subventions?|subsidies?|budget|jaarbudget|montant|bedrag|enveloppe)\s*(?:de|d'|van|:|=)?\s*$",
    re.IGNORECASE,
)
_ARTICLE_BEFORE = re.compile(r"(?:\bart\.?|\barticle|\bartikel|§)\s*$", re.IGNORECASE)
_APPROX_BEFORE = re.compile(
    r"(?:\+\s*/\s*-|±|\+-|\+\s*(?:ou|of)\s*-|plus ou moins|meer of minder|min of meer|environ|ongeveer|ca\.?|circa"
    r"|a peu pres|à peu près|zo'n)\s*$",
    re.IGNORECASE,
)
CALENDAR_YEARS = range(1990, 2041)


@dataclass(frozen=True)
class Quantity:
    """A number of a message and what it counts: a `role` of ROLES, 'article', 'year', or None when unsaid."""

    value: Decimal
    role: str | None
    approximate: bool = False
    # Where the number stands in `spell_out_numbers(text)`: the words around it say what it is.
    start: int = 0
    end: int = 0


def _pieces(run: str) -> list[tuple[int, str]]:
    """A run of digits and separators cut into numbers: '2023, 42 000' is 2023 and 42 000, not one number."""
    pieces: list[tuple[int, str]] = []
    for part in re.finditer(r"[^,;]+(?:[,;]\d+)*(?=[,;]\s|$)|[^,;\s][^;]*?(?=[,;]\s|$)", run):
        text, offset = part.group(0), part.start()
        if _plain(text) is not None:
            pieces.append((offset, text))
            continue
        # "2023 42 000": a group of three digits belongs to the number before it only when that one can lead a group.
        tokens = [(m.start() + offset, m.group(0)) for m in re.finditer(r"\S+", text)]
        current: tuple[int, str] | None = None
        for start, token in tokens:
            if (
                current
                and re.fullmatch(r"\d{3}([.,]\d{1,2})?", token)
                and re.fullmatch(r"\d{1,3}( \d{3})*", current[1])
            ):
                current = (current[0], f"{current[1]} {token}")
            else:
                if current:
                    pieces.append(current)
                current = (start, token)
        if current:
            pieces.append(current)
    return [(start, piece.strip(" .,'")) for start, piece in pieces if _plain(piece.strip(" .,'")) is not None]


def read_quantities(text: str) -> list[Quantity]:
    """Every number of a message with its role, from the words around it."""
    text = spell_out_numbers(text)
    found = []
    for match in _NUMBER.finditer(text):
        pieces = _pieces(match.group("num"))
        for index, (offset, digits) in enumerate(pieces):
            start = match.start("num") + offset
            end = start + len(digits)
            last = index == len(pieces) - 1
            mult = (match.group("mult") or "").lower() if last else ""
            value = _plain(digits) * _MULTIPLIERS.get(mult, 1)
            before = text[:start] if index else text[: match.start()] + (match.group("sign") or "")
            after = text[match.end() :] if last else text[end:]
            approximate = bool(_APPROX_BEFORE.search(before.rstrip()))
            if index == 0 and match.group("sign") and not approximate:
                value = -value
            found.append(
                Quantity(
                    value, _role(text[:start], after, mult, value), approximate, start, match.end() if last else end
                )
            )
    return found


_MONTH_NAMES = (
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre"
    "|décembre|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|fev|mrt|avr|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec|déc"
)
# "8 décembre 2023", "8/12/2023": a day or a month, never an amount.
_DAY_AFTER = re.compile(
    rf"^(?:er|e|ste|de)?\s*(?:{_MONTH_NAMES})\b|^[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?\b", re.IGNORECASE
)
_DATE_PART_BEFORE = re.compile(r"\d{1,2}[/.-]$")
# "avril 2024", "mai 12": a year or a day after a month; "tegen eind april 50.000 euro uitgegeven" is an amount.
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH_NAMES})\.?\s*$", re.IGNORECASE)
_ORDINALS = re.compile(r"^\s*(?:premi\w+|derni\w+|eerste|laatste|first|last)\b", re.IGNORECASE)


def _role(before: str, after: str, mult: str, value: Decimal) -> str | None:
    if _ARTICLE_BEFORE.search(before):
        return "article"
    if _DAY_AFTER.match(after) or _DATE_PART_BEFORE.search(before):
        return "date"
    if _MONTH_BEFORE.search(before) and (value <= 31 or 1900 <= value <= 2100):
        return "date"
    if mult.endswith("€") or _EUR_BEFORE.search(before):
        return "eur"
    if not mult and value in CALENDAR_YEARS and not _AFTER["eur"].match(after):
        # "les subsides de 2008", "de subsidie van 2023": a year names a call, it is no amount.
        return "year"
    if _MONEY_BEFORE.search(unicodedata.normalize("NFKD", before).encode("ascii", "ignore").decode()) and not (
        _AFTER["inhabitants"].match(after) or _AFTER["percent"].match(after)
    ):
        return "eur"
    after = _ORDINALS.sub("", after)
    for role, pattern in _AFTER.items():
        if pattern.match(after):
            return role
    if not mult and value == value.to_integral_value() and int(value) in CALENDAR_YEARS:
        return "year"
    return None


def numbers_for(text: str, role: str) -> list[Decimal]:
    """The numbers of `text` that can be a `role`: those said to be one first, then those said without any role."""
    quantities = read_quantities(text)
    return [q.value for q in quantities if q.role == role] + [q.value for q in quantities if q.role is None]


# --- Dates as the documents write them: "12 mai 2024", "1er novembre 2023", "12 mei 2024", "15.08.2022".

_MONTHS = {
    name: number
    for names in (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "januari februari maart april mei juni juli augustus september oktober november december",
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        # Written short: "15 nov 2024", "okt 2023".
        "jan feb mrt apr mei jun jul aug sep okt nov dec",
        "janv fev mar avr mai juin juil aou sept oct nov dec",
    )
    for number, name in enumerate(names.split(), 1)
}
# A day and its month in words ("12 mai", "1er novembre"), then its year or none.
_DAY_AND_MONTH = r"\b(\d{1,2})(?:er|e|ste)?\s+(" + "|".join(_MONTHS) + ")"
_DATE_WORDS = re.compile(_DAY_AND_MONTH + r"\s+(\d{4})\b", re.IGNORECASE)
_DATE_DIGITS = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")


def parse_dates(text: str, *, year: int | None = None) -> list[date]:
    """Every full date in a text, in order; impossible ones are skipped. With `year`, a day and month said without
    one ("n'est partie que le 21 mai") is read in that year."""
    found = [(m.start(), span) for m, span in _dated(text)]
    if year is not None:
        for match in _DAY_MONTH.finditer(text or ""):
            try:
                day = date(year, _MONTHS[match.group(2).lower()], int(match.group(1)))
            except ValueError:
                continue
            found.append((match.start(), (day, day)))
    return [day for _, (day, _) in sorted(found, key=lambda f: f[0])]


_DAY_MONTH = re.compile(_DAY_AND_MONTH + r"\b(?!\s+\d{4})", re.IGNORECASE)


_MONTH_YEAR = re.compile(r"(?<![\d.])\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_DAY_BEFORE = re.compile(r"\d{1,2}(?:er|e|ste)?\s+$")


def parse_spans(text: str) -> list[tuple[date, date]]:
    """Every day or month a text names, as (first day, last day), in order: "15/11/2024" is one day, "en décembre
    2024" the whole month."""
    spans = [(m.start(), d) for m, d in _dated(text)]
    for match in _MONTH_YEAR.finditer(text or ""):
        if _DAY_BEFORE.search(text[: match.start()]):
            continue  # "3 november 2024": a day, found above
        month, year = _MONTHS[match.group(1).lower()], int(match.group(2))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        spans.append((match.start(), (first, last)))
    return [span for _, span in sorted(spans)]


def _dated(text: str) -> list[tuple[re.Match[str], tuple[date, date]]]:
    found = []
    for match in [*_DATE_WORDS.finditer(text or ""), *_DATE_DIGITS.finditer(text or "")]:
        groups = match.groups()
        month = _MONTHS[groups[1].lower()] if not groups[1].isdigit() else int(groups[1])
        try:
            day = date(int(groups[2]), month, int(groups[0]))
        except ValueError:
            continue
        found.append((match, (day, day)))
    return found


def without_dates(text: str) -> str:
    """The text with its days and months blanked: "payé en mars 2024" names no year of a call."""
    for pattern in (_DATE_WORDS, _DATE_DIGITS, _MONTH_YEAR):
        text = pattern.sub(lambda m: " " * len(m.group()), text or "")
    return text


# A population said as a bound ("sous les 10 000 habitants", "net boven de 50.000 inwoners") is just below or above it,
# and one said precisely ("50.800 om precies te zijn", "exactement 12 480") is the one that counts.
_BELOW = re.compile(r"(?:moins de|sous les|sous la barre des|en dessous de|onder de|minder dan|kleiner dan)\s*$")
_ABOVE = re.compile(r"(?:plus de|au-dessus de|au dessus de|boven de|meer dan|groter dan)\s*$")
_PRECISE = re.compile(r"^\s*(?:\w+\s+)?(?:om precies te zijn|pour etre precis|pour etre exact|exactement|precies)")
_PRECISE_BEFORE = re.compile(r"(?:exactement|precisement|precies|exact)\s*$")


def population_said(text: str) -> Decimal | None:
    """The number of inhabitants a message gives, read with the words around it; None when it gives none."""
    spelled = spell_out_numbers(text)
    # Accents dropped character by character: the quantities' positions stay right.
    plain = "".join(
        (unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()[:1] or " ") for c in spelled
    ).lower()
    quantities = read_quantities(text)
    said = [q for q in quantities if q.role == "inhabitants"]
    if not said:
        return None
    precise = [
        q
        for q in quantities
        if q.role in ("inhabitants", None)
        and (_PRECISE.match(plain[q.end :]) or _PRECISE_BEFORE.search(plain[max(0, q.start - 20) : q.start]))
    ]
    chosen = (precise or said)[0]
    before = plain[max(0, chosen.start - 30) : chosen.start]
    if _BELOW.search(before):
        return chosen.value - 1
    if _ABOVE.search(before):
        return chosen.value + 1
    return chosen.value
