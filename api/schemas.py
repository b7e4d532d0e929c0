"""Request and response bodies; money leaves as a JSON number rounded to the cent."""
from __future__ import annotations

from decimal import Decimal
from typing import List, Optional

from pydantic import BaseModel, conlist

from rules.money import to_cents


def cents(amount: Optional[Decimal]) -> Optional[float]:
    """The one place money becomes a JSON number: rounded half-up to the cent first."""
    return None if amount is None else float(to_cents(amount))


class ClusterOut(BaseModel):
    eligible: bool
    cluster: Optional[str]
    min_subsidy: Optional[float]
    max_subsidy: Optional[float]
    source: str


class AdvanceOut(BaseModel):
    grant: float
    advance: float
    first_claim_max: float
    source: str


class RemainingIn(BaseModel):
    grant: Decimal
    received: conlist(Decimal, max_items=100) = []  # type: ignore[valid-type]

    class Config:
        extra = "forbid"


class RemainingOut(BaseModel):
    grant: float
    received_total: float
    remaining: float
    first_claim_max: float
    source: str


class BeneficiaryOut(BaseModel):
    organisation: str
    organisation_nl: str
    project: str
    amount_excl_vat: float
    vat: float
    total: float
    advance: float


class ErrorOut(BaseModel):
    code: str
    message: str
    detail: List[dict] = []
