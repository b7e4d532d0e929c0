"""The benchmark's checks read amounts, dates and percentages by value, whatever their format."""

import pytest

from tests.eval.checks import Case, holds, plain


@pytest.mark.parametrize("reply", ["Avance : 70\u202f506,75 €", "voorschot € 70.506,75", "70506.75 EUR", "70,506.75"])
def test_an_amount_is_found_in_every_belgian_format(reply):
    assert holds({"eur": "70506.75"}, plain(reply), "fr")


@pytest.mark.parametrize("reply", ["705 06,75 €", "170 506,75 €", "70 506,7 €", "70 506,755"])
def test_a_different_amount_does_not_match(reply):
    assert not holds({"eur": "70506.75"}, plain(reply), "fr")


def test_round_amounts_match_with_or_without_cents_and_in_millions():
    assert holds({"eur": "120000"}, plain("maximum 120 000,00 €"), "fr")
    assert holds({"eur": "26000000"}, plain("26 miljoen euro"), "nl")
    assert not holds({"eur": "26000000"}, plain("2,6 millions"), "fr")


def test_dates_match_in_words_and_digits_in_both_languages():
    assert holds({"date": "2024-05-12"}, plain("au plus tard le 12 mai 2024"), "fr")
    assert holds({"date": "2024-05-12"}, plain("uiterlijk 12/05/2024"), "nl")
    assert holds({"date": "2023-11-01"}, plain("du 1er novembre 2023"), "fr")
    assert not holds({"date": "2024-05-12"}, plain("le 2 mai 2024"), "fr")


def test_percent_number_and_words():
    assert holds({"percent": "30"}, plain("30 % de la subvention"), "fr")
    assert not holds({"percent": "30"}, plain("130 %"), "fr")
    assert holds({"number": "5"}, plain("vijf intervisies"), "nl")
    assert not holds({"number": "5"}, plain("15 intervisies"), "nl")
    assert holds({"number": "10000"}, plain("sous le seuil de 10\u202f000 habitants"), "fr")
    assert holds({"number": "10000"}, plain("onder 10.000 inwoners"), "nl")
    assert not holds({"number": "10000"}, plain("onder 10.000,50 inwoners"), "nl")
    assert holds({"any": ["éligible"]}, plain("Eligible."), "fr") and not holds(
        {"not": ["Hasselt"]}, plain("hasselt"), "nl"
    )


def test_a_fact_without_its_source_line_fails_and_dont_know_needs_the_contact():
    case = Case(id="x", lang="nl", topic="advance", turns=["?"], expect=[{"percent": "30"}])
    assert case.failures("30 %\n\nBron: KB") == []
    assert case.failures("30 %") == ["no 'bron' line"]
    honest = Case(id="y", lang="fr", topic="out_of_scope", turns=["?"], expect=[{"dont_know": True}])
    assert honest.failures("Je ne trouve pas la réponse ... digilab@mi-is.be") == []
    assert honest.failures("Je ne trouve pas la réponse.") != []


def test_words_are_matched_whatever_their_spacing_and_dont_know_by_its_meaning():
    assert holds({"any": ["23h59"]}, plain("au plus tard à 23 h 59"), "fr")
    assert holds(
        {"dont_know": True}, plain("Ik vind het OCMW Mechelen niet bij de begunstigden: digilab@mi-is.be"), "nl"
    )


def test_a_rate_keeps_all_its_decimals():
    assert holds({"eur": "0.3093"}, plain("tegen maximaal € 0,3093 per kilometer"), "nl")
    assert not holds({"eur": "0.3093"}, plain("0,31 € par km"), "fr")
