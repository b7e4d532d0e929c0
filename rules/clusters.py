"""Which population cluster of the 2022 call a CPAS falls in, and what it may receive."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from knowledge.models import Cluster, SourceRef
from rules.errors import InvalidPopulation
from rules.parsing import as_written

# Input sanity bound, not a fact of the subsidies.
MAX_POPULATION = 100_000_000
# "1e300000", "-1.5E3": a number in exponent form, read as one Decimal.
_EXPONENT = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")


@dataclass(frozen=True)
class ClusterResult:
    population: int
    eligible: bool
    cluster: Cluster | None
    threshold: int
    source: SourceRef
    # The slides say "> 10 000" as condition but "10 000 à 15 000" in the table.
    on_threshold: bool

    @property
    def min_subsidy(self) -> Decimal | None:
        return self.cluster.min_subsidy if self.cluster else None

    @property
    def max_subsidy(self) -> Decimal | None:
        return self.cluster.max_subsidy if self.cluster else None


def as_population(value: int | str | Decimal) -> int:
    """A user-given population as an int, or an InvalidPopulation saying why not.

    Every check runs on the Decimal: int("1e300000") would take seconds (and 1e9999 raises) before any bound."""
    if isinstance(value, bool):
        raise InvalidPopulation("population_not_number", value=value)
    text = str(value).strip()
    try:
        number = Decimal(text) if _EXPONENT.fullmatch(text) else Decimal(str(as_written(value)).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidPopulation("population_not_number", value=value) from None
    if not number.is_finite():
        raise InvalidPopulation("population_not_number", value=value)
    if number < 0:
        raise InvalidPopulation("population_negative", value=value)
    if number > MAX_POPULATION:
        raise InvalidPopulation("population_too_large", value=text, limit=MAX_POPULATION)
    if number != number.to_integral_value():
        raise InvalidPopulation("population_not_number", value=value)
    if number == 0:
        raise InvalidPopulation("population_zero", value=0)
    return int(number)


def cluster_for(population: int | str | Decimal, *, clusters: Sequence[Cluster]) -> ClusterResult:
    """The cluster whose population range holds `population`; below the first, not eligible alone."""
    people = as_population(population)
    threshold = clusters[0].population_min
    found = next(
        (
            c
            for c in clusters
            if c.population_min <= people and (c.population_max is None or people <= c.population_max)
        ),
        None,
    )
    return ClusterResult(
        population=people,
        eligible=found is not None,
        cluster=found,
        threshold=threshold,
        source=clusters[0].source,
        on_threshold=people == threshold,
    )


def amount_fits(amount: Decimal, cluster: Cluster) -> str:
    """Where a grant asked for stands in a cluster's range: 'above' its maximum, 'below' its minimum, else 'within'."""
    if amount > cluster.max_subsidy:
        return "above"
    if cluster.min_subsidy is not None and amount < cluster.min_subsidy:
        return "below"
    return "within"


def cluster_allowing(amount: Decimal, clusters: Sequence[Cluster]) -> Cluster | None:
    """The smallest cluster whose maximum reaches `amount` (where a CPAS must stand to ask for it), if any."""
    return next((c for c in sorted(clusters, key=lambda c: c.population_min) if c.max_subsidy >= amount), None)
