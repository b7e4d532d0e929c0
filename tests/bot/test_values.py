"""What a message says about a grant, each euro amount by its role (bot/actions/values.payment_input)."""

from decimal import Decimal

import pytest

from bot.actions.values import _corrected_name, _named_in, payment_input, unknown_cpas


@pytest.mark.parametrize(
    "text, grant, received",
    [
        ("subside de 235.022,50 €, on a déjà reçu 70.506,75 €", "235022.50", ["70506.75"]),
        ("we kregen 36.000 euro van een subsidie van 120.000 euro", "120000", ["36000"]),
        ("subvention 100 000 € ; reçu 30 000 € puis 20 000 €", "100000", ["30000", "20000"]),
    ],
)
def test_the_grant_and_what_was_received_are_told_apart(text, grant, received):
    found = payment_input(text)
    assert found.grant == Decimal(grant) and found.received == [Decimal(r) for r in received]


def test_excl_vat_and_vat_add_up_to_the_grant():
    found = payment_input("103.172,23 € HTVA + 16.827,77 € de TVA, combien d'avance ?")
    assert found.grant == Decimal("120000.00")


def test_counts_and_durations_are_no_amounts():
    # "in 1 keer", "2 schuldvorderingen", "6 maanden": numbers under 100 without € are not money.
    found = payment_input("kunnen we de rest in 1 keer vragen ipv 2 schuldvorderingen na 6 maanden?")
    assert not found.given


def test_an_annual_budget_is_not_the_grant():
    found = payment_input("appel 2022, budget annuel de 80 000 €, quelle avance ?")
    assert found.annual == Decimal("80000") and found.grant is None


def test_an_annual_budget_after_its_amount_is_annual_too():
    found = payment_input("oproep 2022: 80.000 euro jaarbudget, hoeveel voorschot?")
    assert found.annual == Decimal("80000") and found.grant is None


@pytest.mark.parametrize(
    "text",
    [
        "on a rentré 25.000 dans la premiere declaration, il nous reste combien max pour la 2e ?",
        "we hebben in de eerste schuldvordering 25.000 gevraagd, hoeveel kunnen we nog vragen?",
    ],
)
def test_an_amount_claimed_in_the_first_claim_is_received_after_the_advance(text):
    found = payment_input(text)
    assert found.grant is None and found.received == [Decimal("25000")] and found.first_claim


def test_an_amount_received_after_the_first_claim_is_no_first_claim_amount():
    found = payment_input("et après la 1ère déclaration on a encore reçu 55.000, il reste combien ?")
    assert found.received == [Decimal("55000")] and not found.first_claim


def test_a_project_named_as_an_example_is_not_the_askers_own():
    assert _named_in("on voudrait un vélo cargo pour notre digicoach comme à Halle, c'est éligible ?") is None
    assert _named_in("on est le CPAS de Halle, c'est éligible ?").id == "halle"


def test_a_verb_after_ocmw_is_no_unknown_cpas():
    assert unknown_cpas("welk OCMW of CPAS kreeg het hoogste bedrag in de bijlage?") is None
    assert unknown_cpas("hoeveel kreeg OCMW Hasselt?") == "Hasselt"
    assert unknown_cpas("welk OCMW zit erachter en hoeveel is hun voorschot?") is None
    assert unknown_cpas("quel CPAS porte ce projet ?") is None


def test_a_verb_after_our_cpas_is_no_cpas_name_but_a_name_with_its_link_or_capital_is():
    assert unknown_cpas("Bonjour, Notre CPAS figure parmi les lauréats de l'appel CPAS 2023.") is None
    assert unknown_cpas("Notre CPAS démarre un projet e-inclusion for Belgium.") is None
    assert unknown_cpas("notre CPAS de Namur a reçu combien ?") == "Namur"
    assert unknown_cpas("ons OCMW Hasselt wil weten hoeveel") == "Hasselt"


def test_a_total_vat_included_is_the_grant_never_an_amount_received():
    # The annex row retyped: excl. VAT + VAT = total incl. VAT, then the advance received.
    found = payment_input("Genk: 224.522,50 HTVA + 10.500 TVA = 235.022,50 TVAC, avance 70.506,75. Il reste combien ?")
    assert found.grant == Decimal("235022.50") and found.received == [Decimal("70506.75")]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("on peut réclamer combien dans la déclaration du 12 mai ?", True),
        ("hoeveel mogen we vragen in de schuldvordering van mei?", True),
        ("combien en 1re décla ?", True),
        ("et dans la déclaration de novembre ?", False),
    ],
)
def test_the_claim_due_in_may_is_the_first_claim(text, first):
    from bot.actions.values import FIRST_CLAIM
    from bot.sentences import unaccent

    assert bool(FIRST_CLAIM.search(unaccent(text).lower())) is first


def test_an_amount_taken_back_in_a_correction_says_nothing():
    assert payment_input("Non pardon, 106.997 €, pas 160.997 €. Combien après six mois ?").grant == Decimal("106997")
    assert payment_input("Nee sorry, 120.000, ni 102.000.").grant == Decimal("120000")


def test_an_advance_not_yet_received_is_not_received():
    assert not payment_input("subside de 100.000, pas encore reçu l'avance").advance_received
    assert not payment_input("subsidie 100.000, het voorschot nog niet ontvangen").advance_received
    assert payment_input("subsidie 100.000, het voorschot is binnen").advance_received


def test_an_amount_with_vat_included_is_the_total_not_the_vat():
    assert payment_input("subside de septante-cinq mille tva comprise, l'avance ?").grant == Decimal("75000")
    assert payment_input("subsidie van 80.000 btw inbegrepen").grant == Decimal("80000")


@pytest.mark.parametrize(
    ("text", "annual"),
    [
        ("budget global de 180.000 € réparti de façon égale sur les trois années, quelle avance ?", "60000"),
        ("totaal budget van 90.000 euro over drie jaar, hoeveel voorschot?", "30000"),
    ],
)
def test_a_whole_projects_budget_spread_over_its_years_gives_the_annual_budget(text, annual):
    assert payment_input(text).annual == Decimal(annual)


def test_a_project_name_taken_back_gives_way_to_the_one_named_last():
    assert _corrected_name("we zijn het OCMW van Ans.. nee sorry, ik bedoel Oostende").id == "oostende"
    assert _corrected_name("CPAS de Genk, non pardon, de Tournai").id == "tournai"
    assert _corrected_name("Ostende ou Roulers, lequel a reçu le plus ?") is None
    assert _corrected_name("Le CPAS de Fléron fait partie de SPOT mais il a aussi son propre projet non ?") is None
