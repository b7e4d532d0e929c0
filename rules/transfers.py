"""The 2008 manual's transfer rule between cost types (at most 15 % of the grant)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from rules.errors import InvalidAmount
from rules.money import Number, as_amount, to_cents


@dataclass(frozen=True)
class TransferCheck:
    grant: Decimal
    moved: Decimal
    limit: Decimal
    total_after: Decimal
    allowed: bool


def category_ceiling(grant: Number, planned: Number, *, rate: Decimal) -> Decimal:
    """How far one cost type may rise: its planned amount + rate × grant, never above the grant."""
    total = as_amount(grant, field="grant")
    base = as_amount(planned, field="planned", allow_zero=True)
    if base > total:
        raise InvalidAmount("planned_exceeds_grant", value=base, grant=total)
    return min(total, base + to_cents(total * rate))


def check_transfer(
    grant: Number, planned: Mapping[str, Number], adjusted: Mapping[str, Number], *, rate: Decimal
) -> TransferCheck:
    """Whether moving money from `planned` to `adjusted` stays within the rule."""
    total = as_amount(grant, field="grant")
    before = {k: as_amount(v, field=k, allow_zero=True) for k, v in planned.items()}
    after = {k: as_amount(v, field=k, allow_zero=True) for k, v in adjusted.items()}
    moved = sum(
        (max(after.get(k, Decimal(0)) - before.get(k, Decimal(0)), Decimal(0)) for k in set(before) | set(after)),
        Decimal("0.00"),
    )
    limit = to_cents(total * rate)
    total_after = sum(after.values(), Decimal("0.00"))
    return TransferCheck(total, moved, limit, total_after, moved <= limit and total_after <= total)
