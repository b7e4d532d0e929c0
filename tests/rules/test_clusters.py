"""The cluster of the 2022 call is exact at every boundary."""

from decimal import Decimal

import pytest

from rules.clusters import amount_fits, cluster_allowing, cluster_for
from rules.errors import InvalidPopulation


@pytest.mark.parametrize(
    "population, cluster, minimum, maximum",
    [
        (10000, "small", None, "60000"),
        (12500, "small", None, "60000"),
        (15000, "small", None, "60000"),
        (15001, "medium", "60000", "120000"),
        (42000, "medium", "60000", "120000"),
        (50000, "medium", "60000", "120000"),
        (50001, "large", "60000", "250000"),
        (150000, "large", "60000", "250000"),
        (150001, "large_city", "60000", "400000"),
        (2_000_000, "large_city", "60000", "400000"),
    ],
)
def test_each_population_falls_in_its_cluster(kb, population, cluster, minimum, maximum):
    result = cluster_for(population, clusters=kb.clusters)
    assert result.eligible and result.cluster.id == cluster
    assert result.min_subsidy == (Decimal(minimum) if minimum else None)
    assert result.max_subsidy == Decimal(maximum)


@pytest.mark.parametrize("population", [1, 5000, 9999])
def test_below_ten_thousand_a_cpas_cannot_apply_alone(kb, population):
    result = cluster_for(population, clusters=kb.clusters)
    assert not result.eligible and result.cluster is None and result.threshold == 10000


def test_exactly_ten_thousand_is_flagged_as_the_disputed_boundary(kb):
    assert cluster_for(10000, clusters=kb.clusters).on_threshold
    assert not cluster_for(10001, clusters=kb.clusters).on_threshold


@pytest.mark.parametrize(
    "value, code",
    [
        (-5, "population_negative"),
        (0, "population_zero"),
        ("abc", "population_not_number"),
        ("12.5", "population_not_number"),
        (10**9, "population_too_large"),
        (True, "population_not_number"),
        ("1e1000000", "population_too_large"),
        ("1.5e0", "population_not_number"),
    ],
)
def test_impossible_populations_are_refused(kb, value, code):
    with pytest.raises(InvalidPopulation) as err:
        cluster_for(value, clusters=kb.clusters)
    assert err.value.code == code


def test_a_population_in_exponent_form_is_read_whole(kb):
    # "1.5e3" was read as 1 (the digits before the dot), giving the wrong verdict.
    assert cluster_for("1.5e3", clusters=kb.clusters).population == 1500


@pytest.mark.parametrize(
    ("population", "amount", "where"),
    [
        (12000, "100000", "above"),  # small: at most 60 000, no minimum stated
        (12000, "60000", "within"),
        (12000, "5000", "within"),
        (42000, "50000", "below"),  # medium: 60 000 to 120 000
        (42000, "120000.01", "above"),
        (42000, "60000", "within"),
    ],
)
def test_a_grant_asked_for_is_set_against_its_clusters_range(kb, population, amount, where):
    assert amount_fits(Decimal(amount), cluster_for(population, clusters=kb.clusters).cluster) == where


@pytest.mark.parametrize(("amount", "cluster"), [("400000", "large_city"), ("120000", "medium"), ("60000", "small")])
def test_the_cluster_allowing_a_grant_is_the_smallest_whose_maximum_reaches_it(kb, amount, cluster):
    assert cluster_allowing(Decimal(amount), kb.clusters).id == cluster


def test_no_cluster_allows_more_than_the_largest_maximum(kb):
    assert cluster_allowing(Decimal("400000.01"), kb.clusters) is None
