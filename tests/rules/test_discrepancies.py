"""Data issues and rule errors said to people: figures as euros and percentages, the user's own value as typed."""

from decimal import Decimal

from rules.discrepancies import describe, explain
from rules.errors import InvalidAmount


def test_an_annex_row_that_does_not_add_up_is_said_with_formatted_euros_in_both_languages(kb):
    [issue] = [i for i in kb.issues if i.code == "issue_annex_advance"][:1]
    fr, nl = describe(kb, issue, "fr"), describe(kb, issue, "nl")
    assert "30 %" in fr and "€" in fr and "Annexe de l'arrêté royal" in fr
    assert "30 %" in nl and "€" in nl and "Bijlage bij het koninklijk besluit" in nl
    assert "Decimal" not in fr + nl


def test_a_recorded_disagreement_is_said_in_its_own_words(kb):
    issue = next(i for i in kb.issues if not i.code)
    assert describe(kb, issue, "fr") == issue.fr and describe(kb, issue, "nl") == issue.nl


def test_a_refused_amount_is_repeated_as_the_user_typed_it_and_the_limit_as_euros(kb):
    error = InvalidAmount("amount_too_large", field="grant", value=Decimal("1e12"), limit=Decimal("1000000000"))
    said = explain(kb, error, "fr")
    assert said.startswith("1E+12 €") and "vérifiez le chiffre" in said
    negative = explain(kb, InvalidAmount("amount_negative", field="grant", value="-5"), "nl")
    assert "(u gaf -5)" in negative
