"""The 30 % advance, the first-claim cap and what is left to claim."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidAmount, ReceivedExceedsGrant
from rules.payments import PaymentTerms, advance_for, remaining_for

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)


@pytest.fixture(scope="module")
def terms(kb):
    return PaymentTerms.of(kb)


def test_the_advance_reproduces_every_annex_row_but_the_one_whose_total_is_misprinted(kb, terms):
    mismatched = [b.id for b in kb.beneficiaries if advance_for(b.total, terms=terms).advance != b.advance]
    assert len(kb.beneficiaries) == 27
    assert [kb.beneficiary(i).annex_name for i in mismatched] == ["CPAS de Waterloo"]


def test_waterloo_advance_is_30_percent_of_excl_vat_plus_vat(kb, terms):
    waterloo = next(b for b in kb.beneficiaries if b.annex_name == "CPAS de Waterloo")
    assert advance_for(waterloo.amount_excl_vat + waterloo.vat, terms=terms).advance == waterloo.advance


def test_genk_advance_is_70_506_75(terms):
    result = advance_for("235022.50", terms=terms)
    assert result.advance == Decimal("70506.75")
    assert result.first_claim_max == Decimal("70506.75")
    assert result.max_after_first_claim == Decimal("141013.50")


def test_after_advance_and_first_claim_the_balance_is_what_is_left(terms):
    result = remaining_for("235022.50", ["70506.75", "70506.75"], terms=terms)
    assert result.received_total == Decimal("141013.50")
    assert result.remaining == Decimal("94009.00")


def test_nothing_received_leaves_the_whole_grant(terms):
    assert remaining_for("120000", [], terms=terms).remaining == Decimal("120000")


def test_receiving_more_than_the_grant_is_refused(terms):
    with pytest.raises(ReceivedExceedsGrant) as err:
        remaining_for("100", ["60", "41"], terms=terms)
    assert err.value.params["received"] == Decimal("101")


@pytest.mark.parametrize("grant", ["-1", "0", "abc", "NaN"])
def test_an_impossible_grant_is_refused(terms, grant):
    with pytest.raises(InvalidAmount):
        advance_for(grant, terms=terms)


def test_a_negative_amount_received_is_refused(terms):
    with pytest.raises(InvalidAmount) as err:
        remaining_for("1000", ["-5"], terms=terms)
    assert err.value.code == "amount_negative"


@given(money)
def test_advance_and_cap_are_30_percent_to_the_cent(kb, grant):
    terms = PaymentTerms.of(kb)
    result = advance_for(grant, terms=terms)
    assert abs(result.advance - grant * Decimal("0.3")) <= Decimal("0.005")
    assert result.advance + result.rest_after_advance == grant
    assert result.max_after_first_claim <= grant


@given(money, st.lists(money, max_size=5))
def test_remaining_plus_received_is_always_the_grant(kb, grant, received):
    terms = PaymentTerms.of(kb)
    if sum(received) > grant:
        with pytest.raises(ReceivedExceedsGrant):
            remaining_for(grant, received, terms=terms)
    else:
        result = remaining_for(grant, received, terms=terms)
        assert result.remaining + result.received_total == grant
        assert result.remaining >= 0


def test_the_balance_after_a_first_claim_at_its_cap_is_forty_percent(terms):
    assert advance_for("100000", terms=terms).balance_after_first_claim == Decimal("40000.00")


def test_the_first_claim_is_what_was_spent_beyond_the_advance_up_to_its_cap(terms):
    from rules.payments import first_claim_due

    assert first_claim_due("100000", "52000", terms=terms) == Decimal("22000.00")
    assert first_claim_due("130000", "90000", terms=terms) == Decimal("39000.00")
    assert first_claim_due("100000", "20000", terms=terms) == Decimal("0.00")


def test_the_second_claim_is_what_was_spent_beyond_what_was_received_up_to_the_balance(terms):
    from rules.payments import second_claim_due

    # Lessines (annex): 117 499,49 granted, advance 35 249,85 and 28 000 on the first claim, 90 000 spent in all.
    assert second_claim_due("117499.49", "90000", ["35249.85", "28000"], terms=terms) == Decimal("26750.15")
    # Spent beyond the grant: at most the balance.
    assert second_claim_due("100000", "150000", ["30000", "30000"], terms=terms) == Decimal("40000.00")
    # Spent less than received: nothing more to claim.
    assert second_claim_due("100000", "50000", ["30000", "30000"], terms=terms) == Decimal("0.00")
