"""Advance, first-claim cap and what is left to claim on a CPAS 2023 grant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from knowledge.loader import KnowledgeBase
from rules.errors import ReceivedExceedsGrant
from rules.money import Number, as_amount, to_cents


@dataclass(frozen=True)
class PaymentTerms:
    """The decree's rates, read from the knowledge base (Art. 6 §1, Art. 7 §2)."""

    advance_rate: Decimal
    first_claim_rate: Decimal

    @classmethod
    def of(cls, kb: KnowledgeBase) -> PaymentTerms:
        return cls(
            advance_rate=kb.fact("cpas_2023.advance_rate").decimal,
            first_claim_rate=kb.fact("cpas_2023.first_claim_cap_rate").decimal,
        )


@dataclass(frozen=True)
class AdvanceResult:
    grant: Decimal
    advance: Decimal
    first_claim_max: Decimal
    # Art. 7 §2: at most advance + first claim after the first six months.
    max_after_first_claim: Decimal
    rest_after_advance: Decimal
    # Art. 7 §3: the second claim is at most the balance; after a first claim at its cap, this much.
    balance_after_first_claim: Decimal


@dataclass(frozen=True)
class RemainingResult:
    grant: Decimal
    received_total: Decimal
    remaining: Decimal
    first_claim_max: Decimal


def advance_for(grant: Number, *, terms: PaymentTerms) -> AdvanceResult:
    """The advance and first-claim cap on a grant, each rounded half-up to the cent."""
    amount = as_amount(grant, field="grant")
    advance = to_cents(amount * terms.advance_rate)
    first_claim_max = to_cents(amount * terms.first_claim_rate)
    return AdvanceResult(
        grant=amount,
        advance=advance,
        first_claim_max=first_claim_max,
        max_after_first_claim=advance + first_claim_max,
        rest_after_advance=amount - advance,
        balance_after_first_claim=amount - advance - first_claim_max,
    )


def remaining_for(grant: Number, received: Sequence[Number], *, terms: PaymentTerms) -> RemainingResult:
    """What can still be claimed on a grant, given every amount already received or claimed."""
    amount = as_amount(grant, field="grant")
    paid = [as_amount(r, field="received", allow_zero=True) for r in received]
    total = sum(paid, Decimal("0.00"))
    if total > amount:
        raise ReceivedExceedsGrant("received_exceeds_grant", received=total, grant=amount)
    return RemainingResult(
        grant=amount,
        received_total=total,
        remaining=amount - total,
        first_claim_max=to_cents(amount * terms.first_claim_rate),
    )


def first_claim_due(grant: Number, spent: Number, *, terms: PaymentTerms) -> Decimal:
    """Art. 7 §2: the first claim covers what was spent beyond the advance, up to its cap."""
    result = advance_for(grant, terms=terms)
    beyond = as_amount(spent, field="spent", allow_zero=True) - result.advance
    return min(max(beyond, Decimal("0.00")), result.first_claim_max)


def second_claim_due(grant: Number, spent: Number, received: Sequence[Number], *, terms: PaymentTerms) -> Decimal:
    """Art. 7 §3: the second claim covers what was spent and not yet paid by the advance or the first claim, up to
    the balance of the grant."""
    left = remaining_for(grant, received, terms=terms)
    beyond = as_amount(spent, field="spent", allow_zero=True) - left.received_total
    return min(max(beyond, Decimal("0.00")), left.remaining)
