"""The rules over HTTP: cluster, advance, remaining amount, beneficiaries."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, Query

from api.deps import get_knowledge, get_lang
from api.schemas import AdvanceOut, BeneficiaryOut, ClusterOut, ErrorOut, RemainingIn, RemainingOut, cents
from knowledge.loader import KnowledgeBase
from knowledge.search import find_beneficiaries
from rules.clusters import cluster_for
from rules.payments import PaymentTerms, advance_for, remaining_for

router = APIRouter(prefix="/api/v1", tags=["rules"], responses={422: {"model": ErrorOut}})


@router.get("/cluster", response_model=ClusterOut)
def cluster(population: str = Query(..., max_length=40, description="Number of inhabitants"),
            kb: KnowledgeBase = Depends(get_knowledge), lang: str = Depends(get_lang)) -> ClusterOut:
    result = cluster_for(population, clusters=kb.clusters)
    return ClusterOut(
        eligible=result.eligible,
        cluster=result.cluster.id if result.cluster else None,
        min_subsidy=cents(result.min_subsidy),
        max_subsidy=cents(result.max_subsidy),
        source=kb.cite(result.source, lang=lang),
    )


@router.get("/advance", response_model=AdvanceOut)
def advance(grant: str = Query(..., max_length=40, description="Grant in euros, e.g. 235022.50"),
            kb: KnowledgeBase = Depends(get_knowledge), lang: str = Depends(get_lang)) -> AdvanceOut:
    result = advance_for(grant, terms=PaymentTerms.of(kb))
    refs = [kb.fact("cpas_2023.advance_rate").source, kb.fact("cpas_2023.first_claim_cap_rate").source]
    return AdvanceOut(grant=cents(result.grant), advance=cents(result.advance),
                      first_claim_max=cents(result.first_claim_max),
                      source=kb.cite(*refs, lang=lang))


@router.post("/remaining", response_model=RemainingOut)
def remaining(body: RemainingIn, kb: KnowledgeBase = Depends(get_knowledge),
              lang: str = Depends(get_lang)) -> RemainingOut:
    result = remaining_for(body.grant, body.received, terms=PaymentTerms.of(kb))
    refs = [kb.fact("cpas_2023.first_claim_cap_rate").source, kb.fact("cpas_2023.second_claim_deadline").source]
    return RemainingOut(grant=cents(result.grant), received_total=cents(result.received_total),
                        remaining=cents(result.remaining), first_claim_max=cents(result.first_claim_max),
                        source=kb.cite(*refs, lang=lang))


@router.get("/beneficiaries", response_model=List[BeneficiaryOut])
def beneficiaries(q: str = Query(..., min_length=1, max_length=200, description="FR or NL name, project name"),
                  kb: KnowledgeBase = Depends(get_knowledge)) -> List[BeneficiaryOut]:
    return [
        BeneficiaryOut(organisation=m.beneficiary.organisation, organisation_nl=m.beneficiary.organisation_nl,
                       project=m.beneficiary.project, amount_excl_vat=cents(m.beneficiary.amount_excl_vat),
                       vat=cents(m.beneficiary.vat), total=cents(m.beneficiary.total),
                       advance=cents(m.beneficiary.advance))
        for m in find_beneficiaries(kb, q, prefix=True, limit=27)
    ]
