"""Request and response bodies; money leaves as a JSON number rounded to the cent."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional, Type

from pydantic import BaseModel, conlist

from rules.money import to_cents


def cents(amount: Optional[Decimal]) -> Optional[float]:
    """The one place money becomes a JSON number: rounded half-up to the cent first."""
    return None if amount is None else float(to_cents(amount))


def _nullable(schema: Dict[str, Any], model: Type[BaseModel]) -> None:
    """pydantic 1 leaves `null` out of an Optional field's schema; FastAPI's OpenAPI 3.1 needs it said, or a
    client validating responses (schemathesis does) refuses `"cluster": null`."""
    for name, field in model.__fields__.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if field.allow_none and prop is not None and "anyOf" not in prop:
            title = prop.pop("title", None)
            schema["properties"][field.alias or name] = {
                **({"title": title} if title else {}), "anyOf": [prop, {"type": "null"}]}


class Out(BaseModel):
    """A response body: its Optional fields may be null, and the schema says so."""

    class Config:
        schema_extra = staticmethod(_nullable)


class ClusterOut(Out):
    eligible: bool
    cluster: Optional[str]
    min_subsidy: Optional[float]
    max_subsidy: Optional[float]
    source: str


class AdvanceOut(Out):
    grant: float
    advance: float
    first_claim_max: float
    source: str


class RemainingIn(BaseModel):
    grant: Decimal
    received: conlist(Decimal, max_items=100) = []  # type: ignore[valid-type]

    class Config:
        extra = "forbid"


class RemainingOut(Out):
    grant: float
    received_total: float
    remaining: float
    first_claim_max: float
    source: str


class BeneficiaryOut(Out):
    organisation: str
    organisation_nl: str
    project: str
    amount_excl_vat: float
    vat: float
    total: float
    advance: float


class ErrorOut(Out):
    code: str
    message: str
    detail: List[dict] = []
