"""The rules over HTTP: cluster, advance, remaining amount, beneficiaries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from api.deps import get_knowledge, get_lang
from api.schemas import (
    ADVANCE_PERCENT,
    AMOUNT_FORMATS,
    CLUSTER_CODES,
    EXAMPLE_BENEFICIARY,
    EXAMPLE_GRANT,
    FIRST_CLAIM_PERCENT,
    OTHER_GRANT,
    POPULATION_FORMATS,
    AdvanceOut,
    BeneficiaryOut,
    ClusterOut,
    ErrorOut,
    RemainingIn,
    RemainingOut,
    cents,
    written_forms,
)
from knowledge.loader import KnowledgeBase
from knowledge.search import find_beneficiaries
from rules.clusters import MAX_POPULATION, cluster_for
from rules.payments import PaymentTerms, advance_for, remaining_for

router = APIRouter(prefix="/api/v1", tags=["rules"], responses={422: {"model": ErrorOut}})


def errors(**examples: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """A documented 422 with real refusals of the route (tests/api/test_docs.py replays each one)."""
    return {
        422: {
            "model": ErrorOut,
            "description": "Bad input: `code` says why, `message` says it in FR or NL.",
            "content": {
                "application/json": {
                    "examples": {name: {"summary": e.pop("summary"), "value": e} for name, e in examples.items()}
                }
            },
        }
    }


# The schema says integer, as a program should send it; the route also reads "42 000" or "12.000",
# so the parameter is declared by hand instead of from the str the function takes.
POPULATION_PARAMETER = {
    "parameters": [
        {
            "name": "population",
            "in": "query",
            "required": True,
            "description": POPULATION_FORMATS,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_POPULATION, "title": "Population"},
            "examples": {
                "medium": {"summary": "42 000 inhabitants: medium cluster", "value": 42000},
                "small": {"summary": "12 000 inhabitants: small cluster", "value": 12000},
                "too_small": {"summary": "8 000 inhabitants: not eligible alone", "value": 8000},
            },
        }
    ]
}


@router.get(
    "/cluster",
    response_model=ClusterOut,
    openapi_extra=POPULATION_PARAMETER,
    summary="Population cluster and subsidy range of a CPAS (2022 call)",
    description="Which of the four population clusters of the 2022 call a CPAS falls in, and the minimum "
    "and maximum subsidy of that cluster. " + CLUSTER_CODES,
    responses=errors(
        not_a_number={
            "summary": "population=abc",
            "code": "population_not_number",
            "message": "« abc » n'est pas un nombre d'habitants : donnez un nombre entier, " "en chiffres.",
            "detail": [{"field": None, "value": "abc"}],
        },
        negative={
            "summary": "population=-3",
            "code": "population_negative",
            "message": "Un nombre d'habitants ne peut pas être négatif.",
            "detail": [{"field": None, "value": "-3"}],
        },
    ),
)
def cluster(
    population: str = Query(..., max_length=40, include_in_schema=False),
    kb: KnowledgeBase = Depends(get_knowledge),
    lang: str = Depends(get_lang),
) -> ClusterOut:
    result = cluster_for(population, clusters=kb.clusters)
    return ClusterOut(
        eligible=result.eligible,
        cluster=result.cluster.id if result.cluster else None,
        min_subsidy=cents(result.min_subsidy),
        max_subsidy=cents(result.max_subsidy),
        source=kb.cite(result.source, lang=lang),
    )


GRANT_EXAMPLES = {
    "genk": {
        "summary": f"The grant of {EXAMPLE_BENEFICIARY.organisation_nl}",
        "value": written_forms(EXAMPLE_GRANT)["plain"],
    },
    "belgian": {"summary": "Written the Belgian way", "value": written_forms(EXAMPLE_GRANT)["belgian"]},
    "comma": {"summary": "Decimal comma", "value": written_forms(OTHER_GRANT)["comma"]},
    "spaces": {"summary": "Spaces between thousands", "value": written_forms(EXAMPLE_GRANT)["spaces"]},
}


@router.get(
    "/advance",
    response_model=AdvanceOut,
    summary=f"The {ADVANCE_PERCENT} advance and the first-claim cap of a grant (2023 call)",
    description=f"For a grant of the royal decree of 8 December 2023: the {ADVANCE_PERCENT} advance (Art. 6 §1) and "
    f"the most the first claim declaration may ask, {FIRST_CLAIM_PERCENT} of the grant (Art. 7 §2). " + AMOUNT_FORMATS,
    responses=errors(
        negative={
            "summary": "grant=-5",
            "code": "amount_negative",
            "message": "Un montant ne peut pas être négatif (vous avez donné -5).",
            "detail": [{"field": "grant", "value": "-5"}],
        },
        not_a_number={
            "summary": "grant=abc",
            "code": "amount_not_number",
            "message": "« abc » n'est pas un montant que je comprends. Donnez-le en euros, en "
            "chiffres, les cents après la virgule.",
            "detail": [{"field": "grant", "value": "abc"}],
        },
        half_a_cent={
            "summary": "grant=10.005",
            "code": "amount_fraction_of_cent",
            "message": "Un montant s'exprime au cent près (deux décimales au plus) ; vous avez " "donné 10.005.",
            "detail": [{"field": "grant", "value": "10.005"}],
        },
    ),
)
def advance(
    grant: str = Query(
        ..., max_length=40, description="The grant in euros. " + AMOUNT_FORMATS, openapi_examples=GRANT_EXAMPLES
    ),
    kb: KnowledgeBase = Depends(get_knowledge),
    lang: str = Depends(get_lang),
) -> AdvanceOut:
    result = advance_for(grant, terms=PaymentTerms.of(kb))
    refs = [kb.fact("cpas_2023.advance_rate").source, kb.fact("cpas_2023.first_claim_cap_rate").source]
    return AdvanceOut(
        grant=cents(result.grant),
        advance=cents(result.advance),
        first_claim_max=cents(result.first_claim_max),
        source=kb.cite(*refs, lang=lang),
    )


@router.post(
    "/remaining",
    response_model=RemainingOut,
    summary="What is left to claim on a grant (2023 call)",
    description="The grant less every amount received so far (advance and paid claims), with the cap of the "
    "first claim declaration. " + AMOUNT_FORMATS,
    responses=errors(
        too_much={
            "summary": "received more than the grant",
            "code": "received_exceeds_grant",
            "message": "Vous indiquez avoir reçu ou réclamé 101,00 € au total, plus que la subvention "
            "de 100,00 € : vérifiez les montants.",
            "detail": [{"field": None, "value": "None"}],
        }
    ),
)
def remaining(
    body: RemainingIn, kb: KnowledgeBase = Depends(get_knowledge), lang: str = Depends(get_lang)
) -> RemainingOut:
    result = remaining_for(body.grant, body.received, terms=PaymentTerms.of(kb))
    refs = [kb.fact("cpas_2023.first_claim_cap_rate").source, kb.fact("cpas_2023.second_claim_deadline").source]
    return RemainingOut(
        grant=cents(result.grant),
        received_total=cents(result.received_total),
        remaining=cents(result.remaining),
        first_claim_max=cents(result.first_claim_max),
        source=kb.cite(*refs, lang=lang),
    )


@router.get(
    "/beneficiaries",
    response_model=list[BeneficiaryOut],
    summary="Granted projects of the 2023 call, by name",
    description="The rows of the annex of the royal decree of 8 December 2023 that match a CPAS or project "
    "name: French or Dutch names, accents, case and small typos tolerated (`Gent`, `Gand`, "
    "`gnet`, `Luik`, `Digikar`). An empty list when nothing matches.",
)
def beneficiaries(
    q: str = Query(
        ...,
        min_length=1,
        max_length=200,
        description="A CPAS name (French or Dutch) or a project name.",
        openapi_examples={
            "gent": {"summary": "Dutch name", "value": "Gent"},
            "liege": {"summary": "French name, no accent", "value": "liege"},
            "project": {"summary": "A project", "value": "Digikar"},
        },
    ),
    kb: KnowledgeBase = Depends(get_knowledge),
) -> list[BeneficiaryOut]:
    return [
        BeneficiaryOut(
            organisation=m.beneficiary.organisation,
            organisation_nl=m.beneficiary.organisation_nl,
            project=m.beneficiary.project,
            amount_excl_vat=cents(m.beneficiary.amount_excl_vat),
            vat=cents(m.beneficiary.vat),
            total=cents(m.beneficiary.total),
            advance=cents(m.beneficiary.advance),
        )
        for m in find_beneficiaries(kb, q, prefix=True, limit=27)
    ]
