"""Typed shapes of the knowledge files; unknown keys are rejected."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, validator

# The assistant's two languages: every layer names them with these two.
Lang = Literal["fr", "nl"]
LANGUAGES: tuple[Lang, ...] = ("fr", "nl")
DOCS = ("slides_2022", "decree_2023", "project_page", "manual_2008", "press_dossier")
CALLS = ("ict_2008", "cpas_2022", "cpas_2023", "calls_2023_2024", "social_actors", "programme")
TOPICS = (
    "programme",
    "digilab",
    "definitions",
    "eligibility",
    "target_groups",
    "objectives",
    "amounts",
    "period",
    "deadlines",
    "payment",
    "costs",
    "cofinancing",
    "double_funding",
    "claim_documents",
    "refusal",
    "refund",
    "controls",
    "evaluation",
    "dnsh",
    "obligations",
    "intervisions",
    "application",
    "selection",
    "procurement",
    "de_minimis",
    "transfers",
    "contacts",
    "figures",
    "communication",
    "sustainability",
)
MONEY = re.compile(r"^-?\d+\.\d{2}$")


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False


def money(value: object) -> Decimal:
    """A published amount: a quoted string with two decimals, never a YAML float."""
    if not isinstance(value, str) or not MONEY.match(value):
        raise ValueError(f'money must be a quoted string like "1234.50", got {value!r}')
    return Decimal(value)


class SourceRef(Strict):
    doc: Literal[DOCS]  # type: ignore[valid-type]
    ref: str

    @validator("ref")
    def ref_not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("ref must name an article, section or slide")
        return v


class Source(Strict):
    file: str
    fr: str
    nl: str


# Weekly opening hours (unit `hours`): days, then their opening spans; groups apart with ";".
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_GROUP = rf"{_DAY}(?:-{_DAY})?(?: [0-2]\d:[0-5]\d-[0-2]\d:[0-5]\d)+"
_HOURS = re.compile(rf"{_GROUP}(?:; {_GROUP})*")


class Fact(Strict):
    id: str
    topic: Literal[TOPICS]  # type: ignore[valid-type]
    call: Literal[CALLS]  # type: ignore[valid-type]
    fr: str
    nl: str
    source: SourceRef
    value: str | None = None
    unit: Literal["eur", "ratio", "date", "count", "inhabitants", "days", "hours"] | None = None
    # Facts this one refers to ("… l'évaluation (article 10)"): said after it when it answers alone.
    see: list[str] = []

    @validator("id")
    def id_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)*", v):
            raise ValueError(f"id {v!r} must be dotted lowercase [a-z0-9_.]")
        return v

    @validator("unit", always=True)
    def value_has_unit(cls, unit, values):
        value = values.get("value")
        if (value is None) != (unit is None):
            raise ValueError("value and unit go together")
        if value is None:
            return unit
        if unit == "eur":
            money(value)
        elif unit == "ratio":
            _decimal(value)
        elif unit == "date":
            date.fromisoformat(value)
        elif unit == "hours":
            if not _HOURS.fullmatch(value):
                raise ValueError(
                    f"hours must read like 'mon-thu 08:30-12:30 13:00-16:30; fri 08:30-12:00', " f"got {value!r}"
                )
        elif not value.isdigit():
            raise ValueError(f"{unit} value must be a whole number, got {value!r}")
        return unit

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.fr

    @property
    def decimal(self) -> Decimal:
        return _decimal(self.value)

    @property
    def as_date(self) -> date:
        return date.fromisoformat(self.value or "")


CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent (the annex's advance column is rounded this way): the one rounding of money."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: str | None) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f"number must be a quoted string, got {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


class Cluster(Strict):
    id: Literal["small", "medium", "large", "large_city"]
    population_min: int
    population_max: int | None
    min_subsidy: Decimal | None
    max_subsidy: Decimal
    fr: str
    nl: str
    source: SourceRef

    _money = validator("min_subsidy", "max_subsidy", pre=True, allow_reuse=True)(
        lambda v: None if v is None else money(v)
    )


class CostItem(Strict):
    id: str
    call: Literal[CALLS]  # type: ignore[valid-type]
    verdict: Literal["eligible", "not_eligible", "conditional", "not_stated"]
    fr: str
    nl: str
    source: SourceRef
    terms_fr: list[str] = []
    terms_nl: list[str] = []

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.fr


class Beneficiary(Strict):
    id: str
    kind: Literal["cpas", "association"]
    organisation: str
    organisation_nl: str
    annex_name: str
    aliases: list[str] = []
    # The CPAS an association brings together, as its annex row names them (they are no beneficiaries of their own).
    members: list[str] = []
    project: str
    amount_excl_vat: Decimal
    vat: Decimal
    total: Decimal
    advance: Decimal
    description_fr: str
    description_nl: str
    source: SourceRef
    description_source: SourceRef

    _money = validator("amount_excl_vat", "vat", "total", "advance", pre=True, allow_reuse=True)(money)

    def name(self, lang: str) -> str:
        return self.organisation_nl if lang == "nl" else self.organisation

    def description(self, lang: str) -> str:
        return self.description_nl if lang == "nl" else self.description_fr


class Discrepancy(Strict):
    id: str
    topic: Literal[TOPICS]  # type: ignore[valid-type]
    facts: list[str] = []
    fr: str
    nl: str
    sources: list[SourceRef]

    @validator("sources")
    def at_least_two(cls, v):
        if len(v) < 2:
            raise ValueError("a discrepancy names at least two sources")
        return v

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.fr


class Questions(Strict):
    """How staff ask for one knowledge item (a fact or a cost item), in French and Dutch."""

    fr: list[str]
    nl: list[str]

    @validator("fr", "nl")
    def not_empty(cls, v: list[str]) -> list[str]:
        if not v or any(not q.strip() for q in v):
            raise ValueError("give at least one question, none empty")
        return v

    def of(self, lang: str) -> list[str]:
        return self.nl if lang == "nl" else self.fr


class ReviewedQuestions(Strict):
    """Questions people asked, labelled in the helpdesk review queue: one language may have none."""

    fr: list[str] = []
    nl: list[str] = []

    def of(self, lang: str) -> list[str]:
        return self.nl if lang == "nl" else self.fr

    @validator("fr", "nl")
    def none_empty(cls, v: list[str]) -> list[str]:
        if any(not q.strip() for q in v):
            raise ValueError("no empty question")
        return v


class MissingFact(Strict):
    """A question the documents answer but the knowledge base does not yet: the fact to add, and where."""

    question: str
    lang: Lang
    source: SourceRef


class Reviewed(Strict):
    """One exported file of the review queue (knowledge/data/reviewed/*.yml)."""

    questions: dict[str, ReviewedQuestions] = {}
    refused: ReviewedQuestions = ReviewedQuestions()
    missing_facts: list[MissingFact] = []


class Message(Strict):
    fr: str
    nl: str
