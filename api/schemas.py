"""Request and response bodies; money leaves as a JSON number rounded to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, conlist

from knowledge.loader import default_knowledge
from rules.money import MAX_AMOUNT, format_eur, format_number, format_percent, to_cents
from rules.payments import PaymentTerms, advance_for, remaining_for

# The docs' worked example: the annex's largest kind of grant, computed by the rules at the knowledge base's rates,
# so an example can never state a figure the API would not return.
_KB = default_knowledge()
TERMS = PaymentTerms.of(_KB)
EXAMPLE_BENEFICIARY = next(b for b in _KB.beneficiaries if b.organisation == "CPAS de Genk")
EXAMPLE_GRANT = EXAMPLE_BENEFICIARY.total
EXAMPLE_ADVANCE = advance_for(EXAMPLE_GRANT, terms=TERMS)
EXAMPLE_REMAINING = remaining_for(EXAMPLE_GRANT, [EXAMPLE_ADVANCE.advance], terms=TERMS)
ADVANCE_PERCENT = format_percent(TERMS.advance_rate, "fr")
FIRST_CLAIM_PERCENT = format_percent(TERMS.first_claim_rate, "fr")
# The grant as a French-speaking user types it (with its € sign).
EXAMPLE_GRANT_FR = format_eur(EXAMPLE_GRANT, "fr")
# A grant with a decimal comma and no thousands: another row of the annex.
OTHER_GRANT = next(b for b in _KB.beneficiaries if b.organisation == "CPAS de Tournai").total


def written_forms(amount: Decimal) -> dict[str, str]:
    """An amount as people type it: plain, with a decimal comma, thousands spaced (French) or dotted (Dutch)."""
    plain = f"{amount:.2f}"
    return {
        "plain": plain,
        "comma": plain.replace(".", ","),
        "spaces": format_eur(amount, "fr").replace("\u202f", " ").removesuffix(" €"),
        "belgian": format_eur(amount, "nl").removeprefix("€ "),
    }


_FORMS = written_forms(EXAMPLE_GRANT)
# How the rules API reads amounts and populations (rules/parsing.py), said once for every route's docs.
AMOUNT_FORMATS = (
    f"Amounts in euros are read as people write them: `{_FORMS['plain']}`, `{_FORMS['comma']}`, `{_FORMS['spaces']}`, "
    f"`{_FORMS['belgian']}`, `€ {_FORMS['belgian']}`, `{written_forms(OTHER_GRANT)['comma']}`. At most two decimals "
    f"(cents), at most {format_number(MAX_AMOUNT, 'fr')}."
)
POPULATION_FORMATS = (
    "An integer number of inhabitants, e.g. `42000`. The forms people type are read too: "
    "`42 000`, `42.000`, `42,000`, `42k`, `42 000 hab`."
)


def _cluster_codes() -> str:
    """The cluster codes as the knowledge base has them (clusters.yml), said for the API docs."""

    def euros(amount: Decimal | None) -> str:
        return f"{amount:,.0f}".replace(",", " ") if amount is not None else ""

    def one(c) -> str:
        people = (
            f"{c.population_min:,}–{c.population_max:,}" if c.population_max else f"from {c.population_min:,}"
        ).replace(",", " ")
        money = (
            f"{euros(c.min_subsidy)}–{euros(c.max_subsidy)} €"
            if c.min_subsidy
            else f"max {euros(c.max_subsidy)} €, no published minimum"
        )
        return f"`{c.id}` {people} inhabitants ({money})"

    clusters = default_knowledge().clusters
    return (
        f"Population cluster of the 2022 call ({default_knowledge().cite(clusters[0].source, lang='fr')}): "
        + ", ".join(one(c) for c in clusters)
        + "; null when the CPAS is too small to apply alone."
    )


CLUSTER_CODES = _cluster_codes()
SOURCE = "The document and article or section the answer comes from, in the language of `?lang=`."


def cents(amount: Decimal | None) -> float | None:
    """The one place money becomes a JSON number: rounded half-up to the cent first."""
    return None if amount is None else float(to_cents(amount))


def _nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """pydantic 1 leaves `null` out of an Optional field's schema; OpenAPI 3.0 says it with `nullable`, or a client
    validating responses (schemathesis does) refuses `"cluster": null`."""
    for name, field in model.__fields__.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if field.allow_none and prop is not None:
            if "$ref" in prop:  # OpenAPI 3.0 ignores the siblings of a $ref
                prop["allOf"] = [{"$ref": prop.pop("$ref")}]
            prop["nullable"] = True


class Out(BaseModel):
    """A response body: its Optional fields may be null, and the schema says so."""

    class Config:
        schema_extra = staticmethod(_nullable)


class ClusterOut(Out):
    eligible: bool = Field(
        ..., description="Whether a CPAS of this size may apply alone (more than 10 000 " "inhabitants).", example=True
    )
    cluster: Literal["small", "medium", "large", "large_city"] | None = Field(
        ..., description=CLUSTER_CODES, example="medium"
    )
    min_subsidy: float | None = Field(
        ...,
        description="Minimum subsidy of the cluster in euros; null when the "
        "slide gives none or the CPAS is not eligible.",
        example=60000,
    )
    max_subsidy: float | None = Field(
        ..., description="Maximum subsidy of the cluster in euros; null when not " "eligible.", example=120000
    )
    source: str = Field(
        ...,
        description=SOURCE,
        example="Présentation « E-inclusion for Belgium — Appel à projets "
        "2022 : Inclusion numérique & CPAS » (SPP Intégration "
        "sociale, Digilab), Soutien financier — Montant de la "
        "subvention",
    )


class AdvanceOut(Out):
    grant: float = Field(..., description="The grant read from the request, in euros.", example=float(EXAMPLE_GRANT))
    advance: float = Field(
        ...,
        description=f"The {ADVANCE_PERCENT} advance paid in the project's first quarter (Art. 6 §1).",
        example=float(EXAMPLE_ADVANCE.advance),
    )
    first_claim_max: float = Field(
        ...,
        description=f"The most the first claim declaration may ask: {FIRST_CLAIM_PERCENT} of the grant (Art. 7 §2).",
        example=float(EXAMPLE_ADVANCE.first_claim_max),
    )
    source: str = Field(
        ...,
        description=SOURCE,
        example="Arrêté royal du 8 décembre 2023 (appel « e-inclusion for "
        "Belgium — CPAS 2023 », publié le 16 septembre 2024), "
        "Art. 6 §1 ; Art. 7 §2",
    )


class RemainingIn(BaseModel):
    grant: Decimal = Field(
        ...,
        description="The grant in euros (a JSON number, or a string as people write it). " + AMOUNT_FORMATS,
        example=float(EXAMPLE_GRANT),
    )
    received: conlist(Decimal, max_items=100) = Field(  # type: ignore[valid-type]
        [],
        description="Every amount received so far (the advance, paid claims), in euros; at most 100.",
        example=[float(EXAMPLE_ADVANCE.advance)],
    )

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"grant": float(EXAMPLE_GRANT), "received": [float(EXAMPLE_ADVANCE.advance)]}}


class RemainingOut(Out):
    grant: float = Field(..., description="The grant, in euros.", example=float(EXAMPLE_GRANT))
    received_total: float = Field(
        ..., description="The sum of the amounts received.", example=float(EXAMPLE_REMAINING.received_total)
    )
    remaining: float = Field(
        ...,
        description="What is left to claim: the grant less what was received.",
        example=float(EXAMPLE_REMAINING.remaining),
    )
    first_claim_max: float = Field(
        ...,
        description=f"The cap of the first claim declaration: {FIRST_CLAIM_PERCENT} of the grant.",
        example=float(EXAMPLE_REMAINING.first_claim_max),
    )
    source: str = Field(
        ...,
        description=SOURCE,
        example="Arrêté royal du 8 décembre 2023 (appel « e-inclusion for "
        "Belgium — CPAS 2023 », publié le 16 septembre 2024), "
        "Art. 7 §2 ; Art. 7 §3",
    )


class BeneficiaryOut(Out):
    organisation: str = Field(
        ..., description="The CPAS or association, French name.", example=EXAMPLE_BENEFICIARY.organisation
    )
    organisation_nl: str = Field(..., description="Its Dutch name.", example=EXAMPLE_BENEFICIARY.organisation_nl)
    project: str = Field(..., description="The project's name in the annex.", example=EXAMPLE_BENEFICIARY.project)
    amount_excl_vat: float = Field(
        ..., description="Subsidy excluding VAT, in euros.", example=float(EXAMPLE_BENEFICIARY.amount_excl_vat)
    )
    vat: float = Field(..., description="VAT, in euros.", example=float(EXAMPLE_BENEFICIARY.vat))
    total: float = Field(..., description="Total subsidy, in euros.", example=float(EXAMPLE_BENEFICIARY.total))
    advance: float = Field(
        ..., description=f"The {ADVANCE_PERCENT} advance, in euros.", example=float(EXAMPLE_BENEFICIARY.advance)
    )


class ErrorOut(Out):
    code: str = Field(
        ...,
        description="Stable reason code, e.g. `amount_negative`, `population_not_number`, " "`request_invalid`.",
        example="amount_negative",
    )
    message: str = Field(
        ...,
        description="The reason for people, in the language of `?lang=`.",
        example="Un montant ne peut pas être négatif (vous avez donné -5).",
    )
    detail: list[dict] = Field([], description="The offending field and value, or the validation errors.")
