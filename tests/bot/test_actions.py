"""Actions answer from the rules and the knowledge base, in the asker's language, with the source."""

from decimal import Decimal

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.conversation import ActionDontKnow, ActionSwitchLanguage
from bot.actions.route import ActionAnswer, ActionInform, ActionSmallTalk, route
from rules.money import format_eur
from tests.bot.conftest import run, tracker

# These answers come from the knowledge index that `make train` builds (models/retrieval.pkl): not in `make unit`.
needs_index = pytest.mark.model


def project(kb, name):
    """The 2023 beneficiary whose organisation or project name contains `name`."""
    return next(b for b in kb.beneficiaries if name in b.organisation or name == b.project)


def ask(domain, text, *, intent="inform", lang="fr", slots=None, earlier=()):
    """The replies of the one entry for questions, and the slots it sets."""
    events, replies = run(
        ActionAnswer(), tracker(text, intent=intent, slots={"language": lang, **(slots or {})}, earlier=earlier), domain
    )
    return replies, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_cluster_for_42000_in_french(domain):
    replies, slots = ask(domain, "notre commune a 42 000 habitants, quel cluster ?", intent="ask_cluster")
    assert (
        "42\u202f000 habitants" in replies[0] and "minimum 60\u202f000,00 € à maximum 120\u202f000,00 €" in replies[0]
    )
    assert "Source : Présentation" in replies[0] and slots["population"] == "42000"


def test_cluster_for_12500_in_dutch_says_no_minimum_is_stated(domain):
    replies, _ = ask(domain, "12.500 inwoners, welke cluster?", intent="ask_cluster", lang="nl")
    assert "12.500 inwoners" in replies[0] and "maximum € 60.000,00" in replies[0]
    assert "geen minimum" in replies[0] and "Bron:" in replies[0]


def test_a_small_cpas_is_told_the_threshold_and_what_the_slides_say_about_partnerships(domain):
    replies, _ = ask(domain, "un CPAS de 8 000 habitants peut participer ?", intent="ask_eligibility")
    assert replies[0].startswith("Avec 8\u202f000 habitants, votre CPAS est sous le seuil de 10\u202f000 habitants")
    assert "partenariats" in replies[1] and "Source :" in replies[1]


def test_exactly_10000_mentions_the_contradicting_slides(domain):
    replies, _ = ask(domain, "10 000 habitants, quel cluster ?", intent="ask_cluster")
    assert any("ne concordent pas" in r and "10.000" in r for r in replies)


@needs_index
def test_a_cluster_question_without_population_lists_the_clusters_and_asks_for_it(domain):
    replies, slots = ask(domain, "c'est quoi les clusters ?", intent="ask_cluster")
    assert replies[0].count("•") == 4 and "400\u202f000,00 €" in replies[0]
    assert "Combien d'habitants" in replies[1] and slots["pending"] == "cluster"


@needs_index
def test_six_months_is_a_duration_not_a_population(domain):
    replies, _ = ask(
        domain,
        "après les 6 premiers mois on peut avoir reçu combien au max ?",
        intent="ask_cluster",
        slots={"grant": "100000"},
    )
    said = "\n".join(replies)
    assert "habitants" not in said and "au plus 60\u202f000,00 € reçus" in said


def test_advance_on_an_amount_shows_the_computation_and_names_the_call(domain):
    replies, slots = ask(domain, "subside de 235 022,50 €, quelle avance ?", intent="ask_advance")
    assert "avance 30 % : 70\u202f506,75 €" in replies[0] and "appel CPAS 2023" in replies[0]
    assert "Art. 6 §1" in replies[0] and slots["grant"] == "235022.50"


def test_advance_for_a_named_cpas_uses_the_annex_and_flags_waterloo(domain):
    replies, _ = ask(domain, "voorschot OCMW Waterloo?", intent="ask_advance", lang="nl")
    assert "€ 46.219,46" in replies[0] and any("bronnen zijn het niet eens" in r for r in replies)


@needs_index
def test_a_rule_question_without_an_amount_gets_the_rule_and_an_offer_not_a_question(domain):
    replies, slots = ask(domain, "l'avance c'est quel pourcentage ?", intent="ask_advance")
    assert "30 %" in replies[0] and "Source :" in replies[0]
    assert "Donnez-moi le montant" in replies[-1] and slots["pending"] == "payments"


def test_remaining_after_the_advance_says_the_2023_deadlines_are_past(domain):
    replies, _ = ask(domain, "subside 235.022,50, on a reçu 70.506,75, combien reste-t-il ?", intent="ask_remaining")
    assert replies[0].startswith("Encore à réclamer : 164\u202f515,75 €")
    assert any("sont dépassées" in r and "10 novembre 2024" in r for r in replies)


def test_remaining_refuses_more_received_than_granted_in_dutch(domain):
    replies, _ = ask(
        domain,
        "subsidie 1.000 euro, we ontvingen al 2.000 euro, hoeveel blijft er over?",
        intent="ask_remaining",
        lang="nl",
    )
    assert replies == [
        "U geeft aan in totaal € 2.000,00 ontvangen of gevorderd te hebben, meer dan de subsidie van "
        "€ 1.000,00: controleer de bedragen."
    ]


@needs_index
def test_a_cpas_named_earlier_answers_our_advance(domain):
    replies, _ = ask(
        domain, "hoeveel voorschot krijgen we?", intent="ask_advance", lang="nl", slots={"organisation": "genk"}
    )
    assert "Vlotte balie" in replies[0] and "€ 70.506,75" in replies[0]


def test_a_grant_given_after_the_offer_is_computed(domain):
    _, replies = run(ActionInform(), tracker("subvention 100 000, avance reçue", slots={"pending": "payments"}), domain)
    assert replies[0].startswith("Encore à réclamer : 70\u202f000,00 €")


def test_received_amounts_add_up_across_turns(domain):
    replies, _ = ask(
        domain,
        "et après la 1ère déclaration on a encore reçu 55.000, il reste combien ?",
        intent="ask_remaining",
        slots={"grant": "200000", "received": "60000"},
    )
    assert replies[0].startswith("Encore à réclamer : 85\u202f000,00 €")


@needs_index
def test_an_unknown_cpas_is_told_so_without_another_cpas_figures_and_never_asked_again(domain):
    replies, slots = ask(domain, "Voorschot voor OCMW Hasselt?", intent="ask_advance", lang="nl")
    assert replies[0].startswith("Ik vind het OCMW Hasselt niet bij de 27 begunstigden")
    assert "digilab@mi-is.be" in replies[0] and "€" not in replies[0] and slots["unknown_cpas"] == "Hasselt"
    again, _ = ask(
        domain, "hoeveel kregen wij?", intent="ask_beneficiary", lang="nl", slots={"unknown_cpas": "Hasselt"}
    )
    assert again[0].startswith("Ik vind het OCMW Hasselt niet")


@needs_index
def test_an_unknown_cpas_named_in_a_greeting_or_an_introduction_is_remembered(domain):
    # The greeting runs no action: the next question still knows who asks.
    replies, _ = ask(domain, "et notre avance, c'est combien ?", intent="ask_advance", earlier=["bjr, CPAS de Namur"])
    assert replies[0].startswith("Je ne trouve pas le CPAS Namur parmi les 27") and "€" not in replies[0]
    replies, slots = ask(domain, "wij zijn OCMW Hasselt", intent="ask_eligibility", lang="nl")
    assert replies[0].startswith("Ik vind het OCMW Hasselt niet") and slots["unknown_cpas"] == "Hasselt"


@needs_index
@pytest.mark.parametrize(
    ("text", "lang", "member", "association"),
    [
        (
            "CPAS de Hotton ici, on est repris dans l'AR de décembre 2023 ? pour combien ?",
            "fr",
            "Hotton",
            "integra_plus",
        ),
        ("Hoeveel voorschot krijgt OCMW Aywaille?", "nl", "Aywaille", "spot"),
    ],
)
def test_a_cpas_that_an_association_of_the_annex_brings_together_gets_the_associations_row(
    domain, kb, text, lang, member, association
):
    replies, _ = ask(domain, text, intent="ask_beneficiary", lang=lang)
    row = kb.beneficiary(association)
    assert member in replies[0] and row.project in replies[0]
    assert format_eur(row.total, lang) in replies[0] and format_eur(row.advance, lang) in replies[0]


def test_a_cpas_in_a_longer_phrasing_is_found(domain, kb):
    tournai = project(kb, "Tournai")
    replies, _ = ask(
        domain, "combien a reçu le CPAS de Tournai dans l'arrêté royal du 8 décembre 2023 ?", intent="ask_beneficiary"
    )
    assert replies[0].startswith("CPAS de Tournai") and format_eur(tournai.total, "fr") in replies[0]


@needs_index
def test_beneficiary_digikar_in_dutch(domain):
    replies, _ = ask(
        domain, "wat is dat project?", intent="ask_beneficiary", lang="nl", slots={"organisation": "puurs_sint_amands"}
    )
    assert "Digikar" in replies[0] and "€ 103.172,23" in replies[0] and "Bron: Koninklijk besluit" in replies[0]


@pytest.mark.parametrize(
    ("text", "lang", "slots", "expected"),
    [
        ("die Digikar van Puurs-Sint-Amands, wa is da eigenlijk?", "nl", {}, "mobiele ontmoetingsplek"),
        ("leur projet s'adresse a qui exactement ?", "fr", {"organisation": "lessines"}, "femmes de 25 à 55 ans"),
    ],
)
def test_what_a_named_project_is_or_whom_it_is_for_gets_its_description(domain, text, lang, slots, expected):
    replies, _ = ask(domain, text, intent="nlu_fallback", lang=lang, slots=slots)
    assert expected in replies[0] and ("Art. 5 §3" in replies[0])


def test_how_much_of_it_was_vat_is_about_the_project_named_before(domain, kb):
    halle = next(b for b in kb.beneficiaries if b.id == "halle")
    replies, _ = ask(
        domain, "en hoeveel daarvan was btw?", intent="ask_programme", lang="nl", slots={"organisation": "halle"}
    )
    assert format_eur(halle.vat, "nl") in replies[0]


def test_the_floor_after_the_ceiling_is_still_the_cluster_of_the_population_given(domain):
    replies, _ = ask(
        domain, "et le plancher ?", intent="nlu_fallback", slots={"population": "200000"}, earlier=["le plafond ?"]
    )
    assert "minimum 60\u202f000,00 €" in replies[0]


@pytest.mark.parametrize(
    ("text", "lang", "slots"),
    [
        ("combien de personnes le projet Vlotte balie de Genk a aidé jusqu'à présent ?", "fr", {}),
        ("en hoeveel mensen heeft de Digikar al bereikt?", "nl", {"organisation": "puurs_sint_amands"}),
    ],
)
def test_what_the_annex_does_not_say_about_a_project_gets_dont_know_not_its_amounts(domain, text, lang, slots):
    replies, _ = ask(domain, text, intent="ask_beneficiary", lang=lang, slots=slots)
    assert "digilab@mi-is.be" in replies[-1] and not any("€" in r for r in replies)


def test_a_projects_second_year_gets_the_year_one_rule_and_dont_know(domain, kb):
    genk = next(b for b in kb.beneficiaries if b.id == "genk")
    replies, _ = ask(
        domain, "et pour leur 2e année de projet, ils vont recevoir combien ?", slots={"organisation": "genk"}
    )
    assert "deuxième année dépend de l'évaluation" in replies[0] and "Art. 1 §3" in replies[0]
    assert "digilab@mi-is.be" in replies[-1] and format_eur(genk.total, "fr") not in " ".join(replies)


@pytest.mark.parametrize(
    ("text", "lang", "pick"),
    [
        ("quel projet a le plus gros montant dans l'annexe de l'AR 2023 ?", "fr", max),
        ("welk OCMW heeft het kleinste bedrag in de bijlage?", "nl", min),
    ],
)
def test_the_largest_or_smallest_grant_of_the_annex_is_found(domain, kb, text, lang, pick):
    expected = pick(kb.beneficiaries, key=lambda b: b.total)
    replies, _ = ask(domain, text, intent="ask_cluster", lang=lang)
    assert replies[0].startswith(expected.name(lang)) and format_eur(expected.total, lang) in replies[0]


def test_a_short_follow_up_naming_another_project_asks_the_same_for_it(domain, kb):
    anderlues = project(kb, "Anderlues")
    replies, _ = ask(
        domain, "et pour nous a Anderlues ?", intent="nlu_fallback", earlier=["L'avance du CPAS d'Ans c'est combien ?"]
    )
    assert format_eur(anderlues.advance, "fr") in replies[0]


def test_on_est_a_ans_names_the_cpas_and_the_total_says_vat_included(domain, kb):
    ans = next(b for b in kb.beneficiaries if b.organisation == "CPAS d'Ans")
    replies, _ = ask(domain, "On est a Ans. Et HTVA ca fait combien ?", intent="ask_beneficiary")
    assert format_eur(ans.amount_excl_vat, "fr") in replies[0]
    assert f"Total TVA comprise : {format_eur(ans.total, 'fr')}" in replies[0]


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "intent", "lang", "expected"),
    [
        (
            "on a envoyé notre 1ère déclaration de créance le 10 mai",
            "elle sera payée directement ?",
            "ask_payment_schedule",
            "fr",
            "approb",
        ),
        (
            "je dois poser une question à Digilab, c'est quoi leur mail ?",
            "et par téléphone ?",
            "ask_contact",
            "fr",
            "508 85 86",
        ),
        (
            # When money is paid, not the deadline the turn before was about.
            "Is de tweede schuldvordering begrensd?",
            "en wanneer wordt die uitbetaald?",
            "ask_payment_schedule",
            "nl",
            "goedkeuring",
        ),
        (
            "we hebben onze eerste schuldvordering ingediend op 10 mei",
            "weet ge wanneer die uitbetaald wordt?",
            "ask_payment_schedule",
            "nl",
            "goedkeuring",
        ),
        (
            # "daar" is the report of the turn before: what it holds, not which costs the grant may hold.
            "we zijn het financieel rapport aan het opmaken",
            "wat moet daar allemaal in?",
            "nlu_fallback",
            "nl",
            "KBO-nummer",
        ),
    ],
)
def test_a_follow_up_is_read_with_the_turn_before_and_its_own_words(domain, earlier, text, intent, lang, expected):
    replies, _ = ask(domain, text, intent=intent, lang=lang, earlier=[earlier])
    assert expected in replies[0] and "2008" not in replies[0]


@pytest.mark.parametrize(
    ("text", "organisation", "expected"),
    [
        # A first claim's amount counts the advance before it.
        (
            "we hebben in de eerste schuldvordering 40.000 gevraagd, hoeveel kunnen we nog vragen met de tweede?",
            "halle",
            lambda b: b.total - b.advance - 40000,
        ),
        # "na de eerste zes maand" is a payment question (at most 60 % received), not the annex row again.
        (
            "hoeveel kunnen we maximaal ontvangen hebben na de eerste zes maand?",
            "oostende",
            lambda b: b.total * Decimal("0.6"),
        ),
    ],
)
def test_a_claim_question_of_the_project_named_before_is_computed_on_its_grant(
    domain, kb, text, organisation, expected
):
    named = next(b for b in kb.beneficiaries if b.id == organisation)
    replies, _ = ask(domain, text, intent="ask_remaining", lang="nl", slots={"organisation": organisation})
    assert format_eur(expected(named), "nl") in " ".join(replies)


def test_the_2008_transfer_rule_computes_with_the_amounts_given_the_turn_before(domain):
    replies, _ = ask(
        domain,
        "on peut monter les investissements jusqu'à combien avec la règle des 15% ?",
        intent="ask_costs",
        earlier=["appel 2008, on a un subside de 20.000 dont 4.000 en investissement"],
    )
    assert "4\u202f000,00 € + 3\u202f000,00 € (15 % × 20\u202f000,00 €) = 7\u202f000,00 €" in replies[0]


@pytest.mark.parametrize(
    ("earlier", "text", "lang", "ceiling"),
    [
        # The amount asked for is where the cost type would go, not the grant; the plan and grant are the turn before's.
        (
            "Appel 2008 : subvention de 25.000 € répartie en 18.000 de personnel, 4.000 de fonctionnement et 3.000 "
            "d'investissement.",
            "On peut faire monter l'investissement à 8.000 € ?",
            "fr",
            "3\u202f000,00 € + 3\u202f750,00 € (15 % × 25\u202f000,00 €) = 6\u202f750,00 €",
        ),
        # The planned amount written after its cost type.
        (
            "Oproep 2008, subsidie 20.000 euro: personeel 12.000, werking 5.000, investering 3.000.",
            "de werkingskosten vallen hoger uit, tot hoeveel mogen die stijgen?",
            "nl",
            "€ 5.000,00 + € 3.000,00 (15 % × € 20.000,00) = € 8.000,00",
        ),
    ],
)
def test_the_2008_transfer_rule_takes_the_cost_type_asked_about_from_the_plan_before(
    domain, earlier, text, lang, ceiling
):
    replies, _ = ask(domain, text, intent="ask_costs", lang=lang, earlier=[earlier])
    assert ceiling in replies[0]


def test_the_second_claim_is_computed_from_the_total_spent_and_what_was_received(domain):
    replies, _ = ask(
        domain,
        "Beste, ik ben financieel medewerker bij het OCMW van Eeklo (subsidie 119.969,80 euro). We ontvingen het "
        "voorschot van 35.990,94 euro en daarna 30.000 euro op onze eerste schuldvordering. Op 31 oktober 2024 komen "
        "onze totale projectuitgaven op 110.000 euro incl. btw. Welk bedrag mogen we in de tweede schuldvordering "
        "opnemen?",
        intent="ask_remaining",
        lang="nl",
    )
    # 110 000 − (35 990,94 + 30 000), under the balance of 53 978,86: the answer comes first.
    assert replies[0].startswith("Tweede schuldvordering: te vorderen € 44.009,06")


@pytest.mark.parametrize(
    ("earlier", "text", "lang", "said"),
    [
        # A grant stated without a question gets what it brings; the next question is computed on it.
        (None, "Subvention de 320.000 € (AR du 8 décembre 2023).", "fr", "avance 30 % : 96\u202f000,00 €"),
        (
            "Subvention de 320.000 € (AR du 8 décembre 2023).",
            "plafond de la 1ère déclaration de créance ?",
            "fr",
            "au maximum 96\u202f000,00 €",
        ),
        # The 2022 call named with the annual budget: its own schedule, remembered for the next question.
        (
            "We zitten in de oproep 2022, jaarbudget 140.000 euro.",
            "hoeveel voorschot en wanneer komt de rest?",
            "nl",
            "Oproep 2022: voorschot = 30 % × jaarbudget € 140.000,00 = € 42.000,00",
        ),
    ],
)
def test_a_grant_stated_then_asked_about_is_computed_for_its_call(domain, earlier, text, lang, said):
    slots = {}
    if earlier:
        # The turn before, as the assistant heard it: the slots it set are the conversation's memory.
        events, _ = run(ActionInform(), tracker(earlier, intent="inform", slots={"language": lang}), domain)
        slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    _, replies = run(
        ActionAnswer(),
        tracker(text, intent="inform", slots={"language": lang, **slots}, earlier=[earlier] if earlier else ()),
        domain,
    )
    said_all = " ".join(replies)
    assert said in said_all and ("Source" in said_all or "Bron" in said_all)


@needs_index
def test_a_price_is_not_a_grant_for_the_transfer_rule(domain):
    replies, _ = ask(domain, "2008: laptop van 800 euro, is da een investering of een werkingskost?", lang="nl")
    assert "15 %" not in replies[0]


def test_what_was_got_before_a_first_claim_question_is_the_grant(domain):
    replies, _ = ask(
        domain,
        "we hebben 106 997 € gekregen, hoeveel mogen we max vragen in onze eerste schuldvordering?",
        intent="ask_remaining",
        lang="nl",
    )
    assert "eerste schuldvordering: hoogstens € 32.099,10" in replies[0]


def test_a_name_alone_describes_the_project(domain):
    _, replies = run(ActionInform(), tracker("OCMW Gent", slots={"language": "nl"}), domain)
    assert "Digiclusie Gent" in replies[0] and "€ 399.998,64" in replies[0]


def test_a_number_alone_asks_what_it_is_for(domain):
    _, replies = run(ActionInform(), tracker("42 000"), domain)
    assert replies == ["Que voulez-vous savoir pour 42\u202f000 ?"]


@needs_index
def test_the_budget_question_names_both_disagreeing_sources(domain):
    replies, _ = ask(domain, "quel est le budget total du programme ?", intent="ask_programme")
    assert any("30 000 000 €" in r and "26 millions" in r and "ne concordent pas" in r for r in replies)


@needs_index
def test_the_2008_call_is_answered_only_when_asked_about(domain):
    replies, _ = ask(domain, "manuel 2008 : il fallait combien de devis au-delà de quel montant ?", intent="ask_costs")
    assert "5\u202f500 €" in replies[0] or "5 500 €" in replies[0]
    replies, _ = ask(domain, "projet CPAS 2023 : faut-il 3 devis pour un achat ?", intent="ask_costs")
    assert "2008" not in replies[0]


@needs_index
def test_a_laptop_gets_one_verdict_for_one_call(domain):
    replies, _ = ask(domain, "mogen we een laptop kopen?", intent="ask_costs", lang="nl")
    verdicts = [r for r in replies if r[:2] in ("✅ ", "❌ ", "⚖️", "❔ ")]
    assert len(verdicts) == 1 and "Art. 5" in verdicts[0]


@needs_index
def test_a_past_deadline_is_said_to_be_past(domain):
    replies, _ = ask(domain, "jusqu'à quand pour envoyer la 2e déclaration de créance ?", intent="ask_deadlines")
    assert "10 novembre 2024" in replies[0] and any("dépassée" in r for r in replies[1:])


@needs_index
def test_a_question_the_documents_do_not_answer_gets_the_contact(domain):
    replies, _ = ask(domain, "quel temps fera-t-il demain à Namur ?", intent="out_of_scope")
    assert "digilab@mi-is.be" in replies[-1] and "Je ne trouve pas" in replies[-1]


@needs_index
def test_a_year_the_documents_do_not_cover_is_not_answered_with_another(domain):
    replies, _ = ask(domain, "y aura-t-il un appel e-inclusion en 2027 ?", intent="ask_programme")
    assert "Je ne trouve pas" in replies[-1]


@needs_index
@pytest.mark.parametrize(
    ("text", "intent", "lang", "dont_know"),
    [
        # The UBO document rule is close in words but states no cost: saying it would answer beside the question.
        (
            "Combien coûte l'inscription au registre UBO pour notre CPAS ?",
            "ask_refusal_refund",
            "fr",
            "Je ne trouve pas",
        ),
        ("Hoeveel kost de inschrijving in het UBO-register voor ons OCMW?", "ask_refusal_refund", "nl", "Ik vind het"),
        # "24 ASBL were selected" states a count, not money; "calls in 2022, 2023 and 2024" a year, not a closing date.
        ("Pour l'appel acteurs sociaux, chaque ASBL a reçu combien ?", "ask_programme", "fr", "Je ne trouve pas"),
        ("wanneer sluit de oproep 2024 voor sociale actoren?", "ask_programme", "nl", "Ik vind het antwoord niet"),
    ],
)
def test_a_figure_money_or_date_the_documents_do_not_give_is_not_answered_with_an_item_without_one(
    domain, text, intent, lang, dont_know
):
    """Unknown outright, or (when an item surely answers the rest) the item, then that the figure is not given."""
    replies, _ = ask(domain, text, intent=intent, lang=lang)
    not_given = {"fr": "ne donnent pas le chiffre", "nl": "vermelden geen cijfer"}[lang]
    assert dont_know in replies[0] or not_given in replies[-1], replies
    assert "digilab@mi-is.be" in replies[-1]


@needs_index
def test_a_count_of_projects_is_no_money_question(domain):
    replies, _ = ask(
        domain, "combien de projets CPAS en Wallonie ont été financés par e-inclusion ?", intent="ask_programme"
    )
    assert "21" in replies[0] and "Je ne trouve pas" not in replies[0]


@needs_index
def test_a_how_much_question_answered_by_a_figure_still_gets_it(domain):
    replies, _ = ask(domain, "combien de projets ont été retenus en 2022 ?", intent="ask_programme")
    assert "40" in replies[0] and "Source" in replies[0]


def test_dont_know_gives_the_digilab_contact(domain):
    _, replies = run(ActionDontKnow(), tracker("?"), domain)
    assert "digilab@mi-is.be" in replies[0] and "+32 2 508 85 86" in replies[0]


def test_an_amount_in_a_payment_question_wins_over_a_cluster_intent():
    assert (
        route(tracker("subside 180.000 eur, combien max en première déclaration ?", intent="ask_cluster")) == "payments"
    )


def test_the_memory_keeps_the_population_for_a_later_question(domain):
    events, _ = run(
        ActionAnswer(),
        tracker("on a 15.000 habitants, c'est quoi le délai du formulaire ?", intent="ask_deadlines"),
        domain,
    )
    assert SlotSet("population", "15000") in events


def test_a_button_without_words_answers_its_intent(domain):
    replies, slots = ask(domain, "/ask_cluster", intent="ask_cluster")
    assert "Combien d'habitants" in replies[-1] and slots["pending"] == "cluster"
    replies, _ = ask(domain, "/ask_deadlines", intent="ask_deadlines", lang="nl")
    assert "12 mei 2024" in replies[0] and "10 november 2024" in replies[0]


@pytest.mark.parametrize(
    "text, earlier",
    [
        ("et si on était 140 000 ?", "on a 180k habitants, c'est combien max le subside ?"),
        ("en het minimum?", "stad van 200.000 inwoners, welke cluster?"),
    ],
)
def test_a_follow_up_to_a_population_stays_with_the_cluster(text, earlier):
    # A bare number after a population is another population, not a grant; "and the minimum?" is the cluster's.
    assert route(tracker(text, intent="inform", earlier=[earlier])) == "cluster"


def test_a_bare_number_after_a_population_gets_that_populations_cluster(domain):
    _, replies = run(
        ActionInform(),
        tracker(
            "et si on était 140 000 ?", earlier=["on a 180k habitants, combien max ?"], slots={"population": "180000"}
        ),
        domain,
    )
    assert "140\u202f000 habitants" in replies[0] and "250\u202f000,00 €" in replies[0]


def test_the_schedule_says_what_is_left_to_claim_after_the_advance(domain):
    replies, _ = ask(domain, "subvention de 120 000 €, quelle avance ?", intent="ask_advance")
    assert "avance 30 % : 36\u202f000,00 €, puis encore à réclamer : 84\u202f000,00 € (70 %)" in replies[-1]


@needs_index
@pytest.mark.parametrize(
    ("text", "lang", "first", "second"),
    [
        (
            "Les rapports, on les rédige comme on veut ? et on les envoie comment, par la poste ?",
            "fr",
            "modèles",
            "électronique",
        ),
        (
            "Hoe dienen we de schuldvordering in, per post? En welk model voor het verslag?",
            "nl",
            "elektronisch",
            "modellen",
        ),
    ],
)
def test_two_questions_in_one_message_each_get_their_answer(domain, text, lang, first, second):
    replies, _ = ask(domain, text, intent="ask_claim_documents", lang=lang)
    said = " ".join(replies)
    assert first in said and second in said


@pytest.mark.parametrize(
    ("earlier", "text", "lang", "period"),
    [
        (
            "pour l'appel 2022 notre projet dure 2 ans",
            "nos dépenses, c'est entre quand et quand ?",
            "fr",
            "novembre 2022 à octobre 2024",
        ),
        (
            "ons project uit de oproep 2022 loopt 1 jaar",
            "tot wanneer mogen we uitgaven doen?",
            "nl",
            "november 2022 tot oktober 2023",
        ),
    ],
)
def test_a_2022_projects_length_gives_its_own_funding_period(domain, earlier, text, lang, period):
    replies, slots = ask(domain, text, intent="ask_deadlines", lang=lang, earlier=[earlier])
    assert period in replies[0] and slots["call"] == "cpas_2022"


def test_a_2022_project_longer_than_the_slides_allow_gets_the_allowed_lengths_not_a_computed_period(domain):
    replies, _ = ask(domain, "appel 2022, projet de 4 ans : jusqu'à quand ?", intent="ask_deadlines")
    assert "1, 2 ou 3 ans" in replies[0] and "2026" not in replies[0]


def test_a_short_advance_question_after_the_grant_was_given_computes_it(domain):
    # "ons totale subsidiebedrag is …": the grant is remembered (slot), the advance follows from it.
    replies, _ = ask(
        domain,
        "en het voorschot? wanneer wordt da gestort?",
        intent="ask_payment_schedule",
        lang="nl",
        slots={"grant": "89801"},
        earlier=["ons totale subsidiebedrag is 89.801 euro incl. btw"],
    )
    assert "€ 26.940,30" in replies[0]


def test_an_amount_claimed_by_a_cpas_named_earlier_is_no_grant_and_the_deadline_asked_is_said(domain, kb):
    # The CPAS de Plombières got its annex advance; "8.000 € in the first claim" is what it claimed, not its grant.
    plombieres = project(kb, "Plombières")
    replies, _ = ask(
        domain,
        "En 1re decla on a demandé 8.000 €. Il reste combien max pour la 2e, et c'est pour quand la date limite ?",
        intent="ask_remaining",
        slots={"organisation": plombieres.id},
    )
    left = plombieres.total - plombieres.advance - 8000
    said = " ".join(replies)
    assert f"Encore à réclamer : {format_eur(left, 'fr')}" in replies[0] and "10 novembre 2024" in said


def test_the_2008_transfer_rule_wins_over_a_cluster_reading_of_its_amounts(domain):
    replies, _ = ask(
        domain,
        "Handleiding 2008, 15%: subsidie van 25.000 en geplande personeelskosten van 18.000. Tot hoeveel max?",
        intent="ask_cluster",
        lang="nl",
    )
    assert "€ 21.750,00" in replies[0] and "inwoners" not in replies[0]


@needs_index
def test_a_follow_up_on_the_project_found_before_gets_its_figures(domain, kb):
    # "Digikar" names the project in the first turn; "ze" in the next is that project's CPAS.
    digikar = project(kb, "Digikar")
    replies, _ = ask(
        domain,
        "en hoeveel krijgen ze incl. btw?",
        intent="ask_cluster",
        lang="nl",
        slots={"organisation": digikar.id},
        earlier=["welk OCMW doet da project met de Digikar?"],
    )
    assert format_eur(digikar.total, "nl") in replies[0]


def test_what_a_project_does_is_described_beside_its_amounts(domain):
    replies, _ = ask(
        domain, "Integra Plus : c quoi le principe et combien ils touchent TVAC ?", intent="ask_beneficiary"
    )
    assert any("Connec'toi" in r and "Durbuy" in r for r in replies)


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "lang", "sanction"),
    [
        ("Digilab vient faire un contrôle chez nous", "on doit accepter ? et sinon ?", "fr", "rembours"),
        ("", "het DNSH-principe, wat als we dat niet naleven?", "nl", "terugbetaling"),
    ],
)
def test_what_breaking_a_rule_costs_comes_with_the_rule(domain, earlier, text, lang, sanction):
    replies, _ = ask(domain, text, intent="inform", lang=lang, earlier=[earlier] if earlier else [])
    assert sanction in " ".join(replies)


def test_the_2022_cofinancing_is_computed_on_the_expenses_given_the_turn_before(domain):
    replies, slots = ask(
        domain,
        "le cofinancement à charge du CPAS, ça fait combien pour cette année-là ?",
        intent="ask_cofinancing",
        earlier=["projet de 3 ans (appel 2022), dépenses éligibles prévues en année 2 : 100.000"],
    )
    assert "20 000,00 €" in replies[0].replace("\u202f", " ") and slots["call"] == "cpas_2022"


def test_a_rounded_grant_and_costs_paid_of_a_named_project_give_its_first_claim(domain, kb):
    # "nonante-deux mille et des poussières" is Jemeppe-sur-Sambre's annex grant; "payé … de frais" was spent.
    jemeppe = project(kb, "Jemeppe")
    replies, _ = ask(
        domain,
        "pour le projet de Jemeppe-sur-Sambre (subside de nonante-deux mille et des poussières) on aura payé "
        "+ ou - septante mille euros de frais fin avril : combien max dans la première déclaration ?",
        intent="ask_remaining",
    )
    said = " ".join(replies)
    assert f"à réclamer : {format_eur(jemeppe.advance, 'fr')}" in said and format_eur(jemeppe.total, "fr") in said


@needs_index
def test_a_minimum_asked_with_its_maximum_brings_both(domain):
    # The 2008 manual states the minimum and the maximum in two sentences, two items.
    replies, _ = ask(domain, "handleiding 2008: minimum en maximum subsidiebedrag?", intent="ask_programme", lang="nl")
    said = " ".join(replies)
    assert "€ 10.000" in said and "€ 30.000" in said


@needs_index
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("c'est quelles les 24 ASBL sélectionnées ?", "fr"),
        ("geef me de lijst van de 11 Vlaamse projecten van 2022", "nl"),
    ],
)
def test_the_names_of_a_set_the_documents_only_count_are_not_known(domain, text, lang):
    replies, _ = ask(domain, text, intent="ask_programme", lang=lang)
    assert "digilab@mi-is.be" in replies[-1] and not any("Source" in r or "Bron" in r for r in replies)


def test_a_2023_project_asked_about_the_2022_call_gets_no_2023_amount(domain, kb):
    liege = project(kb, "Liège")
    replies, _ = ask(
        domain,
        "c'était quoi le montant qu'ils avaient reçu à ce moment-là ?",
        intent="ask_beneficiary",
        slots={"organisation": liege.id},
        earlier=["le CPAS de Liège avait déjà un projet au 1er appel (2022)"],
    )
    assert format_eur(liege.total, "fr") not in " ".join(replies) and "digilab@mi-is.be" in replies[-1]


@needs_index
def test_a_when_question_gets_the_item_that_says_when_even_a_little_less_sure(domain):
    # The manual's context and who may apply rank first for these words; the deadline is the one that says when.
    replies, _ = ask(
        domain, "oproep 2008 ICT-opleiding: tot wanneer kon ge indienen?", intent="ask_deadlines", lang="nl"
    )
    assert "24 november 2008" in replies[0]


@pytest.mark.parametrize(
    ("text", "lang", "earlier", "expected"),
    [
        (
            "we hebben op 3 november 2024 laptops gekocht (KB 2023), kunde da nog op de subsidie zetten?",
            "nl",
            [],
            "valt na de periode",
        ),
        (
            "son salaire d'octobre 2023 peut aller sur le subside de l'AR de décembre 2023 ?",
            "fr",
            [],
            "tombe avant la période",
        ),
        ("kunnen die nog op het project?", "nl", ["we kochten laptops op 15.11.2024"], "valt na de periode"),
        (
            "kunnen die kosten nog ingebracht worden?",
            "nl",
            ["We organiseren een slotevent op 15 november 2024 voor ons project."],
            "valt na de periode",
        ),
        (
            "la facture du formateur pour cet atelier, on peut la mettre sur le subside ?",
            "fr",
            ["notre projet organise un dernier atelier le 4 novembre 2024"],
            "tombe après la période",
        ),
        (
            "Dus een workshop die we in november 2024 geven kunnen we ni meer inbrengen?",
            "nl",
            ["Over welke periode loopt de subsidie van de OCMW-oproep 2023?"],
            "valt na de periode",
        ),
    ],
)
def test_an_expense_outside_the_decrees_period_is_said_not_covered(domain, text, lang, earlier, expected):
    replies, _ = ask(domain, text, intent="ask_costs", lang=lang, earlier=earlier)
    assert expected in replies[0] and ("31 octobre 2024" in replies[0] or "31 oktober 2024" in replies[0])
    assert "Art. 4" in replies[0] and len(replies) == 1


def test_an_expense_within_the_period_gets_the_period_then_what_answers_about_it(domain):
    replies, _ = ask(
        domain, "on a acheté des tablettes en mars 2024, on peut les mettre sur le subside ?", intent="ask_costs"
    )
    assert "tombe dans la période" in replies[0] and "mars 2024" in replies[0]
    assert len(replies) == 2 and "Source" in replies[1]


@needs_index
def test_the_range_of_a_grant_gets_both_bounds(domain):
    replies, _ = ask(
        domain, "vieux manuel 2008 (TIC) : c'était quoi la fourchette du subside ?", intent="ask_objectives"
    )
    said = " ".join(replies).replace("\u202f", " ")
    assert "10 000 €" in said and "30 000 €" in said and "Source" in said


@needs_index
@pytest.mark.parametrize(
    ("question", "both"),
    [
        ("hoeveel kon je aanvragen bij de ICT-oproep van 2008?", True),
        ("appel TIC 2008 : quel montant maximum pouvait-on demander ?", False),
    ],
)
def test_how_much_without_a_bound_gets_both_bounds_and_the_maximum_alone_does_not(domain, question, both):
    """The 2008 manual gives the minimum and the maximum apart: "how much" is both; "the maximum" is the maximum."""
    replies, _ = ask(domain, question)
    said = " ".join(replies).replace("\u202f", " ").replace(".", " ")
    assert "30 000" in said
    assert ("10 000" in said) is both


@needs_index
@pytest.mark.parametrize(
    ("lang", "question", "said", "unsaid"),
    [
        ("nl", "naar wie kan ik mailen of bellen met een vraag over ons project?", ["digilab@mi-is.be"], ["MI.Press"]),
        ("fr", "c quoi l'adresse postale du Digilab + leur mail?", ["digilab@mi-is.be", "Jardin Botanique 50"], []),
        ("nl", "mailadres, telnr en postadres van digilab aub", ["digilab@mi-is.be", "Kruidtuinlaan 50"], []),
        ("fr", "qui contacter pour une question de la presse ?", ["MI.Press@mi-is.be"], []),
    ],
)
def test_staff_asking_how_to_reach_digilab_get_its_contact_and_the_press_only_the_press_contact(
    domain, lang, question, said, unsaid
):
    replies, _ = ask(domain, question, intent="ask_contact", lang=lang)
    text = " ".join(replies)
    assert all(part in text for part in said), text
    assert not any(part in text for part in unsaid), text


@needs_index
def test_a_day_after_the_deadline_is_read_as_late_and_gets_the_refusal_rule(domain):
    late, _ = ask(
        domain, "Kunnen we de documenten voor de eerste schuldvordering nog op 20 mei 2024 indienen?", lang="nl"
    )
    assert "12 mei 2024" in " ".join(late) and "Art. 7 §8" in " ".join(late)
    in_time, _ = ask(
        domain, "Kunnen we de documenten voor de eerste schuldvordering op 10 mei 2024 indienen?", lang="nl"
    )
    assert "12 mei 2024" in " ".join(in_time) and "Art. 7 §8" not in " ".join(in_time)


@needs_index
def test_a_follow_up_saying_dat_is_about_the_turn_before(domain):
    replies, _ = ask(
        domain,
        "en wanneer moet dat binnen?",
        lang="nl",
        intent="ask_deadlines",
        earlier=["Wat moet er in de tweede schuldvordering zitten?"],
    )
    assert "10 november 2024" in " ".join(replies)


@needs_index
def test_a_figure_the_asker_quotes_leads_to_the_fact_stating_it(domain):
    """Quoting the slides' 30 million points to the disagreement over the budget: both figures, both sources."""
    replies, _ = ask(
        domain,
        "Een collega zegt dat er 30 miljoen euro voor e-inclusion for Belgium voorzien is, maar op de projectpagina "
        "lees ik iets anders. Wat klopt er nu?",
        lang="nl",
    )
    said = " ".join(replies)
    assert "30.000.000" in said and "26 miljoen" in said and "Bronnen:" in said, said


@needs_index
def test_what_refusing_a_control_costs_is_said_after_the_control_rule(domain):
    replies, _ = ask(
        domain,
        "Digilab peut venir contrôler le projet dans nos locaux ? et ce qui se passe si on ne se rend pas disponible ?",
        intent="ask_controls",
    )
    said = " ".join(replies)
    assert "Art. 9 §1" in said and "tenu de rembourser sans délai" in said, said


@needs_index
def test_a_question_without_figures_the_documents_do_not_answer_starts_no_computation(domain):
    """The classifier says ask_remaining, but there is nothing to compute and the IBAN is in no document."""
    replies, _ = ask(
        domain,
        "Wat is het rekeningnummer (IBAN) om een te veel ontvangen bedrag terug te storten?",
        intent="ask_remaining",
        lang="nl",
    )
    said = " ".join(replies)
    assert "digilab@mi-is.be" in said and "niet" in said and "voorschot" not in said, said


@needs_index
@pytest.mark.parametrize(
    ("question", "lang", "said"),
    [
        ("subsidieperiode oproep OCMW 2023?", "nl", "31 oktober 2024"),
        ("voor welke periode was de subsidie van de oproep 2022 bedoeld?", "nl", "november 2022"),
    ],
)
def test_a_short_question_naming_its_call_is_not_drowned_by_the_calls_name(domain, question, lang, said):
    replies, _ = ask(domain, question, intent="ask_duration", lang=lang)
    assert said in " ".join(replies)


@needs_index
def test_a_claim_sent_late_gets_the_refusal_rule(domain):
    replies, _ = ask(
        domain, "on a loupé la date de la 1ere décla, on peut l'envoyer fin mai ? on sera quand même remboursés ?"
    )
    assert "est refusé" in " ".join(replies) and "Art. 7 §8" in " ".join(replies)


@needs_index
def test_the_first_and_the_second_claim_asked_together_get_both_deadlines_and_one_notice(domain):
    replies, _ = ask(domain, "c quand la deadline pour la 1ère et la 2ème décla de créance (AR 2023)?")
    said = " ".join(replies)
    assert "12 mai 2024" in said and "10 novembre 2024" in said
    assert replies.count("Attention : ces échéances sont dépassées.") == 1
    assert not any("cette échéance" in r for r in replies)


@needs_index
def test_a_follow_up_taken_for_a_language_request_is_answered_as_a_question(domain):
    """'en Vlaanderen en Brussel?' names regions, not a language: the figures, not a language switch."""
    events, replies = run(
        ActionSwitchLanguage(),
        tracker(
            "en Vlaanderen en Brussel?",
            intent="request_language",
            slots={"language": "nl"},
            earlier=["barometer digitale inclusie: in welk gewest is de digitale kwetsbaarheid het hoogst?"],
        ),
        domain,
    )
    said = " ".join(replies)
    assert "46 %" in said and "39 %" in said and "Bron" in said and "Nederlands" not in said
    _, replies = run(
        ActionSwitchLanguage(),
        tracker(
            "in het Nederlands aub",
            intent="request_language",
            entities=[{"entity": "language", "value": "nl"}],
            slots={"language": "nl"},
        ),
        domain,
    )
    assert replies == ["Goed, ik ga verder in het Nederlands."]


@pytest.mark.parametrize(
    ("text", "lang", "organisation", "expected"),
    [
        # The advance quoted to the cent is a project's in the annex: its grant is known, what is left is computed.
        (
            "on a reçu une avance de 35 249,85 €, combien peut-on encore réclamer ?",
            "fr",
            "lessines",
            "82\u202f249,64 €",
        ),
        ("ons voorschot was 35.990,94 euro. hoeveel is onze totale subsidie dan?", "nl", "eeklo", "€ 119.969,80"),
    ],
)
def test_an_advance_quoted_to_the_cent_names_its_project_and_its_grant(domain, text, lang, organisation, expected):
    replies, slots = ask(domain, text, intent="ask_remaining", lang=lang)
    assert expected in replies[0] and slots.get("organisation") == organisation


def test_a_round_advance_names_no_project(domain):
    replies, slots = ask(
        domain, "on a reçu une avance de 30 000 €, combien peut-on encore réclamer ?", intent="ask_remaining"
    )
    assert "organisation" not in slots and "Donnez-moi le montant de votre subvention" in " ".join(replies)


def test_the_2008_transfer_rule_is_computed_on_a_dutch_compound_word(domain):
    replies, _ = ask(
        domain,
        "Budgetverschuiving tussen kostensoorten in de 2008-oproep: hoeveel mag dat zijn bij een subsidie van 18.000?",
        lang="nl",
    )
    assert "€ 2.700,00" in replies[0] and "15 %" in replies[0]


@needs_index
def test_of_two_questions_the_one_the_documents_answer_is_answered_and_the_other_said_unknown(domain):
    replies, _ = ask(domain, "AR e-inclusion CPAS 2023 : l'avance est versée à quel moment ? faut-il la demander ?")
    said = " ".join(replies)
    assert "premier trimestre" in said and "Source" in said
    assert "« faut-il la demander ? », je ne trouve pas la réponse" in said and "digilab@mi-is.be" in said


def test_amounts_spent_by_a_date_are_a_first_claim_computation_not_a_period_question(domain):
    replies, _ = ask(
        domain,
        "Subside de 178 737,74 € TVAC, on a reçu l'avance de 53 621,32 €. D'ici fin avril 2024 on aura dépensé "
        "90 000 € au total, combien on peut demander dans la première déclaration de créance ?",
        intent="ask_remaining",
    )
    said = " ".join(replies)
    assert "36\u202f378,68 €" in said and "période couverte" not in said


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "lang", "call", "said"),
    [
        # The first question points back to the turn before; the in-context reading must not drop the second.
        (
            "de eerste schuldvordering is bijna klaar",
            "via welk kanaal moet die ingediend worden, en mogen we ons eigen sjabloon voor het financieel verslag "
            "gebruiken?",
            "nl",
            None,
            ("elektronische systeem", "modellen"),
        ),
        # Min and max asked beside a deadline: both bounds and the deadline.
        (
            "ik lees de oude handleiding 2008 over ICT-opleiding",
            "wat was het min en max subsidiebedrag en tot wanneer kon je indienen?",
            "nl",
            "ict_2008",
            ("€ 10.000", "€ 30.000", "24 november 2008"),
        ),
    ],
)
def test_each_question_of_a_follow_up_asking_two_things_gets_its_answer(domain, earlier, text, lang, call, said):
    replies, _ = ask(domain, text, lang=lang, earlier=[earlier], slots={"call": call})
    assert all(s in " ".join(replies) for s in said)


@needs_index
def test_a_follow_up_naming_the_next_of_a_pair_gets_the_question_before_about_it(domain):
    replies, _ = ask(domain, "et la deuxieme ?", intent="nlu_fallback", earlier=["c pour quand la 1ère créance ?"])
    assert "10 novembre 2024" in " ".join(replies)


@needs_index
def test_a_question_naming_another_call_under_a_beneficiary_intent_is_still_answered(domain):
    replies, _ = ask(domain, "projet TIC 2008 : la TVA on pouvait la compter comme dépense ?", intent="ask_beneficiary")
    assert "TVA" in replies[0] and "Source" in " ".join(replies)


@needs_index
@pytest.mark.parametrize(
    ("text", "lang", "earlier"),
    [
        (
            "les frais de déplacement en voiture, c'est remboursé à quel taux au km ?",
            "fr",
            "on a un projet e-inclusion 2023",
        ),
        (
            "welk kilometertarief mogen we aanrekenen?",
            "nl",
            "onze digicoach rijdt met de eigen wagen (project OCMW 2023)",
        ),
        ("on peut engager le digicoach du projet sous contrat article 60 ? ça compte pour le subside ?", "fr", None),
        ("Hoeveel deelnemers moet een project minimum bereiken om de subsidie te behouden?", "nl", None),
        ("si le SPP nous paie en retard, on peut réclamer des intérêts de retard ?", "fr", None),
    ],
)
def test_a_detail_no_document_names_is_not_answered_with_a_loosely_related_rule(domain, text, lang, earlier):
    replies, _ = ask(domain, text, lang=lang, earlier=[earlier] if earlier else ())
    said = " ".join(replies)
    assert "digilab@mi-is.be" in said and ("Je ne trouve pas" in said or "Ik vind het antwoord niet" in said)


@needs_index
@pytest.mark.parametrize(
    ("text", "intent", "lang", "earlier", "said"),
    [
        # "wanneer" asking in which cases, not on which date.
        (
            "Wanneer kan Digilab een schuldvordering weigeren of niet volledig uitbetalen?",
            "ask_refusal_refund",
            "nl",
            None,
            "onvolledig",
        ),
        # "tous les combien" asking how often: a yearly report says it.
        (
            "Si on est retenus (appel 2022), quelles sont nos obligations administratives ? faut faire un rapport "
            "tous les combien ?",
            "ask_obligations",
            "fr",
            None,
            "annuel",
        ),
        # How much received, answered by a share of the grant when no grant is known.
        (
            "en hoeveel hebben we dan max ontvangen na 6 maanden?",
            "ask_duration",
            "nl",
            "KB 2023: hoeveel mogen we maximaal vragen in de eerste schuldvordering?",
            "60 %",
        ),
    ],
)
def test_a_when_or_how_much_that_asks_for_a_rule_gets_the_rule(domain, text, intent, lang, earlier, said):
    replies, _ = ask(domain, text, intent=intent, lang=lang, earlier=[earlier] if earlier else ())
    assert said in replies[0] and "digilab@mi-is.be" not in " ".join(replies)


@needs_index
def test_a_delay_in_days_the_2008_manual_states_is_still_answered(domain):
    replies, _ = ask(
        domain,
        "appel TIC 2008 : après la déclaration de créance, le paiement arrivait en combien de jours ?",
        slots={"call": "ict_2008"},
    )
    assert "50 jours" in " ".join(replies)


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "lang", "said", "not_said"),
    [
        # When money is paid, not the date to send the claim.
        (
            "onze eerste sv is vorige week vertrokke naar Digilab",
            "wanneer wordt die dan betaald?",
            "nl",
            "na goedkeuring",
            "12 mei 2024",
        ),
        (
            "La 2e déclaration de créance, elle est plafonnée à quoi ?",
            "et elle est versée quand ?",
            "fr",
            "après approbation",
            None,
        ),
    ],
)
def test_when_a_claim_is_paid_gets_the_payment_rule_not_its_deadline(domain, earlier, text, lang, said, not_said):
    replies, _ = ask(domain, text, intent="ask_payment_schedule", lang=lang, earlier=[earlier])
    assert said in " ".join(replies) and (not_said is None or not_said not in " ".join(replies))


@needs_index
def test_how_long_payment_took_and_the_deadline_asked_together_get_both(domain):
    replies, _ = ask(
        domain,
        "ict-oproep 2008: hoe lang duurde het ongeveer om betaald te worden"
        " en tegen wanneer moesten de stukken binnen zijn?",
        intent="ask_payment_schedule",
        lang="nl",
        slots={"call": "ict_2008"},
    )
    assert "50 dagen" in " ".join(replies) and "15 oktober 2009" in " ".join(replies)


def test_the_first_claim_says_what_is_left_for_the_second(domain):
    replies, _ = ask(
        domain,
        "subsidie 250.000 euro, eind april hebben we 140k uitgegeven (voorschot inbegrepen)."
        " hoeveel in de 1e schuldvordering?",
        intent="ask_remaining",
        lang="nl",
    )
    said = " ".join(replies)
    # 140 000 − 75 000 advance = 65 000 to claim; 250 000 − 75 000 − 65 000 left for the second claim.
    assert "te vorderen: € 65.000,00" in said and "hoogstens € 110.000,00 over voor de tweede" in said


def test_costs_given_the_turn_before_make_the_first_claim_asked_now(domain):
    replies, _ = ask(
        domain,
        "hoeveel kunnen we dan vragen in de eerste schuldvordering?",
        intent="ask_remaining",
        lang="nl",
        slots={"grant": "100000"},
        earlier=["tegen eind april hebben we +/- 50.000 uitgegeven"],
    )
    assert "uitgaven € 50.000,00 − voorschot € 30.000,00 = € 20.000,00" in " ".join(replies)


def test_the_deadline_of_the_balance_is_the_second_claims(domain):
    replies, _ = ask(
        domain,
        "subvention de 120 000 €, et le solde c'est combien max et faut l'envoyer pour quand ?",
        intent="ask_remaining",
    )
    assert "10 novembre 2024" in " ".join(replies)


@needs_index
def test_whether_a_second_year_is_automatic_gets_the_year_one_rule_then_who_decides_on_the_evaluation(domain):
    replies, _ = ask(
        domain, "krijgen we automatisch een tweede jaar financiering?", lang="nl", slots={"call": "cpas_2023"}
    )
    said = " ".join(replies)
    assert "eerste uitvoeringsjaar" in said and "positieve evaluatie" in said and "Karine Lalieux" in said


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        (
            "Les montants min et max par cluster pour l'appel CPAS 2023, c'est combien ?",
            "fr",
            "ne donnent pas de clusters",
        ),
        ("welke cluster heeft een OCMW van 20.000 inwoners in het KB van 8 december 2023?", "nl", "geen clusters"),
    ],
)
def test_clusters_asked_for_the_2023_call_are_said_to_be_the_2022_calls(domain, text, lang, said):
    replies, _ = ask(domain, text, intent="ask_cluster", lang=lang)
    assert said in replies[0] and "digilab@mi-is.be" in replies[0] and "60" in replies[1]


def test_a_grant_asked_for_above_the_clusters_maximum_gets_no(domain):
    replies, _ = ask(
        domain, "Mogen we dan 100.000 euro aanvragen?", intent="ask_cluster", lang="nl", slots={"population": "12000"}
    )
    assert replies[0].startswith("Nee: € 100.000,00 ligt boven het maximum van € 60.000,00 van deze cluster;")
    assert "tot € 120.000,00 aanvragen kan enkel in de cluster „Middelgrote OCMW-projecten" in replies[0], replies[0]


def test_a_grant_above_every_clusters_maximum_names_no_other_cluster(domain):
    replies, _ = ask(domain, "on peut demander 500.000 € ?", intent="ask_cluster", slots={"population": "160000"})
    assert replies[0] == "Non : 500\u202f000,00 € dépasse le maximum de 400\u202f000,00 € de ce cluster."


def test_a_2008_cost_type_costing_more_than_planned_gets_its_ceiling_from_the_turn_before(domain):
    replies, _ = ask(
        domain,
        "Les investissements vont coûter plus cher que prévu. On peut monter jusqu'à combien sur ce poste ?",
        earlier=[
            "Dossier 2008 : subside accordé 24 000 €, réparti 16 000 personnel / 5 000 fonctionnement"
            " / 3 000 investissement."
        ],
        slots={"call": "ict_2008"},
    )
    # 3 000 planned + 15 % of the 24 000 grant: no 2023 schedule for a 2008 grant.
    assert "3\u202f000,00 € + 3\u202f600,00 € (15 % × 24\u202f000,00 €) = 6\u202f600,00 €" in replies[
        0
    ] and "2023" not in " ".join(replies)


@pytest.mark.parametrize(
    ("text", "lang", "no_region"),
    [
        ("quels sont les CPAS bénéficiaires de l'AR 2023 ?", "fr", False),
        ("welke Vlaamse OCMW's staan in de bijlage van het KB van 8 december 2023?", "nl", True),
    ],
)
def test_the_beneficiaries_asked_for_are_listed_with_their_projects(domain, kb, text, lang, no_region):
    replies, _ = ask(domain, text, lang=lang)
    listed = [b for b in kb.beneficiaries if b.name(lang) in replies[0] and b.project in replies[0]]
    assert len(listed) == len(kb.beneficiaries) == 27
    assert ("niet per gewest" in replies[0]) == no_region and ("Bijlage" in replies[0] or "Annexe" in replies[0])


def test_the_winners_of_another_call_are_not_listed_from_the_2023_annex(domain):
    replies, _ = ask(domain, "quels sont les 40 projets retenus en 2022 ?")
    assert "Wingene" not in " ".join(replies)


def test_one_cpas_asked_about_is_no_list_question(domain):
    replies, _ = ask(domain, "quel est le montant accordé au CPAS de Namur dans l'AR e-inclusion 2023 ?")
    assert replies[0].startswith("Je ne trouve pas le CPAS Namur")


@needs_index
def test_a_question_inside_a_long_email_is_found_among_its_sentences(domain):
    replies, _ = ask(
        domain,
        "Bonjour, dans le cadre de notre projet e-inclusion CPAS 2023, nous avons engagé en janvier 2024 une "
        "animatrice numérique à mi-temps. Notre directeur financier se demande si son salaire peut être pris en "
        "charge par la subvention, ou si seuls les achats de matériel sont visés. Pouvez-vous nous éclairer ?",
        intent="ask_costs",
    )
    assert "plan financier" in " ".join(replies)


def test_a_follow_up_naming_the_grant_without_asking_an_amount_is_no_annex_row_question():
    earlier = ["On est le CPAS de Lessines, projet Femmes connectées."]
    slots = {"organisation": "lessines"}
    paying = (
        "On voudrait confier une partie des formations à une société externe. C'est possible de la payer avec le "
        "subside ?"
    )
    assert route(tracker(paying, intent="ask_costs", slots=slots, earlier=earlier)) == "facts"
    assert route(tracker("et ça fait combien TVA comprise ?", slots=slots, earlier=earlier)) == "beneficiary"


def test_the_bounds_asked_right_after_a_population_are_the_cluster_s():
    earlier = ["Nous sommes un CPAS de quarante-huit mille habitants, on tombe dans quelle catégorie ?"]
    text = "et la fourchette de subvention alors ?"
    assert route(tracker(text, slots={"population": "48000"}, earlier=earlier)) == "cluster"


def test_what_is_left_after_the_first_claim_is_said_without_the_schedule_of_a_first_claim_at_its_cap(domain):
    replies, _ = ask(
        domain,
        "Subvention totale : 92.558,11 EUR. Avance reçue : 27.767,43. La 1re déclaration de créance nous a rapporté "
        "20.000 EUR. Quel montant max peut-on encore demander avec la 2e déclaration ?",
        intent="ask_remaining",
    )
    said = " ".join(replies)
    # 92 558,11 − 27 767,43 − 20 000; the 37 023,25 "if the first claim reached its cap" would mislead.
    assert "44\u202f790,68 €" in said and "37\u202f023,25" not in said and "Source" in said


def test_with_costs_the_first_claim_asked_with_the_second_gets_the_first_claim_computed(domain):
    replies, _ = ask(
        domain,
        "Subsidie 250.000, voorschot 75.000. Tegen eind april 2024 zitten we aan 160.000 uitgaven. Hoeveel mag in de "
        "eerste sv en hoeveel blijft er max over voor de tweede?",
        intent="ask_remaining",
        lang="nl",
    )
    # 160 000 − 75 000 = 85 000, capped at 30 % = 75 000; then 250 000 − 75 000 − 75 000 = 100 000 for the second.
    first = next(r for r in replies if r.startswith("Eerste schuldvordering"))
    assert "te vorderen: € 75.000,00" in first and "hoogstens € 100.000,00 over" in first


def test_the_2022_advance_is_on_the_annual_budget_said_before_even_when_the_total_is_repeated(domain):
    replies, _ = ask(
        domain,
        "l'avance de 30% elle se calcule sur les 360k ou sur l'annuel? ca fait combien concrètement?",
        intent="ask_advance",
        slots={"call": "cpas_2022"},
        earlier=["Appel 2022: on a un projet de 3 ans, budget total 360k (donc 120k par an)."],
    )
    assert "30 % × budget annuel 120\u202f000,00 € = 36\u202f000,00 €" in replies[0]


@needs_index
def test_how_long_before_a_payment_comes_gets_the_delay(domain):
    replies, _ = ask(
        domain,
        "une fois la déclaration de créance et le rapport final envoyés, le paiement arrivait en combien de temps ?",
        slots={"call": "ict_2008"},
        earlier=["Je regarde un vieux dossier : projet de l'appel 2008 initiation/formation TIC."],
    )
    assert "50 jours" in replies[0]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Combien d'habitants compte le CPAS de Wingene et dans quel cluster était-il ?", "fr", "Je ne trouve pas"),
        ("hoeveel inwoners heeft Gent?", "nl", "Ik vind het antwoord niet"),
    ],
)
def test_a_commune_s_population_asked_is_not_in_the_documents(domain, text, lang, expected):
    replies, _ = ask(domain, text, intent="ask_cluster", lang=lang)
    assert expected in replies[0] and "digilab@mi-is.be" in replies[0]


def test_asking_how_many_inhabitants_a_cluster_needs_is_still_the_cluster():
    assert route(tracker("combien d'habitants faut-il pour le cluster moyen ?", intent="ask_cluster")) == "cluster"


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "lang", "verdict"),
    [
        (
            "We plannen onze eerste schuldvordering in te dienen op 15 mei 2024.",
            "Is da nog op tijd?",
            "nl",
            "Nee, dat is te laat: 15 mei 2024 valt na de uiterste datum van 12 mei 2024.",
        ),
        (
            None,
            "on peut encore envoyer la première déclaration de créance le 20 mai 2024 ?",
            "fr",
            "Non, c'est trop tard : le 20 mai 2024 tombe après la date limite du 12 mai 2024.",
        ),
    ],
)
def test_a_day_after_the_deadline_asked_about_gets_a_no_first(domain, earlier, text, lang, verdict):
    replies, _ = ask(domain, text, intent="ask_deadlines", lang=lang, earlier=[earlier] if earlier else ())
    # The verdict first, then the rule that decides it.
    assert replies[0] == verdict and ("12 mei 2024" if lang == "nl" else "12 mai 2024") in replies[1]


def test_a_first_claim_at_its_cap_does_not_say_the_uncapped_difference_as_an_amount(domain):
    replies, _ = ask(
        domain,
        "Subside de 92.558,11 €. Fin avril 2024 on aura dépensé nonante mille euros, avance comprise. Combien on peut "
        "demander dans la 1re déclaration de créance ?",
        intent="ask_remaining",
    )
    # 90 000 − 27 767,43 = 62 232,57 is above the cap of 30 %: 27 767,43 is what may be claimed.
    assert replies[0].startswith("Première déclaration de créance : à réclamer : 27\u202f767,43 €")
    assert "62\u202f232,57" not in replies[0]


def test_a_year_naming_the_call_does_not_stop_a_follow_up_on_the_population_said_before():
    earlier = ["Wij zijn een centrumstad met ongeveer 260.000 inwoners."]
    text = "Wat was voor ons het maximale subsidiebedrag in de oproep 2022, en was er ook een minimum?"
    assert route(tracker(text, intent="ask_cluster", slots={"population": "260000"}, earlier=earlier)) == "cluster"


@needs_index
def test_a_follow_up_question_read_as_small_talk_is_answered(domain):
    t = tracker(
        "wat zijn de gevolgen daarvan?",
        intent="ask_capabilities",
        slots={"language": "nl"},
        earlier=["we gaan onze tweede schuldvordering waarschijnlijk een paar dagen te laat indienen"],
    )
    t.latest_message["intent"]["confidence"] = 0.41
    _, replies = run(ActionSmallTalk(), t, domain)
    assert "geweigerd" in " ".join(replies) and "Bron" in " ".join(replies)


def test_small_talk_said_surely_gets_its_response(domain):
    _, replies = run(ActionSmallTalk(), tracker("merci beaucoup !", intent="thank"), domain)
    assert replies == ["Avec plaisir ! Une autre question ?"]


@needs_index
def test_a_2008_question_on_cost_types_without_amounts_is_answered_not_computed(domain):
    replies, _ = ask(
        domain, "In de oude handleiding van 2008: waren afschrijvingen subsidieerbaar? En investeringen?", lang="nl"
    )
    said = " ".join(replies)
    assert "afschrijving" in said and "None" not in said and "Bron" in said


@needs_index
def test_a_day_in_the_period_is_not_followed_by_the_rule_on_days_outside_it(domain):
    replies, _ = ask(
        domain,
        "c'est encore pris en charge par le subside ?",
        intent="ask_costs",
        earlier=["CPAS de Tournai. On a commandé 3 PC portables début octobre 2024, facture payée le 25/10/2024."],
    )
    said = " ".join(replies)
    assert "sa date ne l'exclut pas" in said and "Pas éligible" not in said


@needs_index
def test_a_claim_sent_after_its_deadline_asked_is_it_bad_gets_the_refusal_rule(domain):
    replies, _ = ask(
        domain,
        "is da erg?",
        intent="ask_deadlines",
        lang="nl",
        earlier=["We hebben onze eerste schuldvordering pas op 15 mei 2024 ingediend."],
    )
    assert "geweigerd" in " ".join(replies)


@needs_index
def test_a_pair_side_by_side_with_two_articles_gets_both_answers(domain):
    replies, _ = ask(domain, "c'est quoi la date limite de la 1ère et de la 2ème décla ?", intent="ask_claims")
    said = " ".join(replies)
    assert "12 mai 2024" in said and "10 novembre 2024" in said and "Je ne trouve pas" not in said


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("Ostende ou Roulers, lequel a recu le plus en 2023 ?", "Roulers", "Ostende"),
        ("fleron ou flemalle, lequel a recu le plus ?", "Flémalle", "Fléron"),
    ],
)
def test_two_projects_set_side_by_side_get_which_then_both_rows_the_larger_first(domain, text, first, second):
    replies, _ = ask(domain, text, intent="ask_beneficiary")
    larger, _, smaller = replies[0].partition(" reçoit plus que ")
    assert first in larger and second in smaller, replies[0]
    assert first in replies[1] and second in replies[2] and "Gand" not in " ".join(replies)


def test_a_project_set_beside_the_one_named_before_comes_first_with_the_difference(domain, kb):
    genk, tournai = project(kb, "Genk"), project(kb, "Tournai")
    replies, _ = ask(
        domain,
        "et Tournai ? c'est plus ou moins que Genk ?",
        intent="ask_beneficiary",
        earlier=["Genk, le projet Vlotte balie, ils ont eu combien au total ?"],
    )
    assert replies[0].startswith("CPAS de Tournai reçoit moins que CPAS de Genk"), replies[0]
    assert format_eur(genk.total - tournai.total, "fr") in replies[0]


def test_which_of_the_two_named_in_the_turn_before_gets_most_in_dutch(domain, kb):
    eeklo, maldegem = project(kb, "Eeklo"), project(kb, "Maldegem")
    larger, smaller = sorted([eeklo, maldegem], key=lambda b: b.total, reverse=True)
    replies, _ = ask(
        domain,
        "en wie van de twee krijgt het meest, en hoeveel verschil is da?",
        intent="ask_beneficiary",
        lang="nl",
        earlier=["staan Eeklo en Maldegem allebei in de bijlage van het KB?"],
    )
    assert replies[0].startswith(f"{larger.name('nl')} krijgt meer dan {smaller.name('nl')}"), replies[0]
    assert format_eur(larger.total - smaller.total, "nl") in replies[0]


def test_two_projects_with_the_same_total_are_said_to_get_the_same(domain, kb):
    replies, _ = ask(
        domain, "Le CPAS d'Ans ou celui de Puurs-Sint-Amands, lequel a reçu le plus ?", intent="ask_beneficiary"
    )
    assert "le même montant total" in replies[0] and format_eur(project(kb, "Ans").total, "fr") in replies[0]


def test_a_member_of_an_association_asking_its_advance_next_gets_the_association_s(domain, kb):
    events, _ = run(
        ActionAnswer(),
        tracker(
            "Bonjour, je suis au CPAS de Hotton. Est-ce que notre CPAS fait partie des bénéficiaires de l'appel "
            "CPAS 2023 ?",
            intent="ask_beneficiary",
        ),
        domain,
    )
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    integra = next(b for b in kb.beneficiaries if b.id == slots["organisation"])
    replies, _ = ask(domain, "et leur avance ?", intent="ask_advance", slots=slots)
    assert "Integra" in integra.name("fr") and format_eur(integra.advance, "fr") in " ".join(replies)


@needs_index
def test_whether_the_second_year_is_paid_gets_the_evaluation_it_depends_on(domain):
    replies, _ = ask(
        domain,
        "Le montant de la deuxième année nous sera-t-il versé automatiquement ?",
        slots={"organisation": "wingene"},
    )
    said = " ".join(replies)
    assert "évaluation positive" in said and "Je ne trouve pas" not in said


@needs_index
def test_sending_a_report_late_asked_whether_it_is_still_paid_gets_the_refusal_rule(domain):
    replies, _ = ask(
        domain,
        "Et si on l'envoie en retard, on sera quand même payés ?",
        intent="ask_payment_schedule",
        earlier=["Le rapport d'activités pour la première déclaration de créance, il faut le rendre pour quand ?"],
    )
    said = " ".join(replies)
    assert "refusé" in said and "Art. 7 §8" in said and "Je ne trouve pas" not in said


def test_a_follow_up_pointing_back_to_the_project_named_asks_its_description():
    earlier = ["Le projet « Femmes connectées », c'est quel CPAS déjà ?"]
    text = "et ça cible qui exactement ?"
    assert route(tracker(text, slots={"organisation": "lessines"}, earlier=earlier)) == "beneficiary"
    # No project named before: the programme's target public.
    assert route(tracker(text, earlier=["les projets 2022 visent quel public ?"])) == "facts"


@needs_index
def test_copies_of_supporting_documents_come_with_where_the_originals_stay(domain):
    replies, _ = ask(
        domain, "on doit envoyer les factures originales ou des copies ca suffit ?", intent="ask_claim_documents"
    )
    said = " ".join(replies)
    assert "copie lisible" in said and "conserver les originaux" in said


@needs_index
@pytest.mark.parametrize(
    "text",
    [
        # The day the claim went, said without a year, is no expense date: the deadline decides.
        "Notre deuxième déclaration de créance n'est partie que le 14 novembre. Digilab va payer normalement ?",
        # Worded far from the deadline's item, the day said after it still decides.
        "Avec les congés, notre 2e déclaration de créance partira seulement le 18 novembre 2024, c'est un souci ?",
    ],
)
def test_a_claim_sent_after_its_deadline_is_too_late_and_gets_the_refusal_rule(domain, text):
    replies, _ = ask(domain, text)
    said = " ".join(replies)
    assert "trop tard" in said and "10 novembre 2024" in said and "Art. 7 §8" in said, said


@needs_index
def test_a_figure_the_documents_do_not_give_is_said_missing_after_the_rule_that_answers(domain):
    replies, _ = ask(domain, "Les factures originales, on doit les garder combien d'années ?")
    said = " ".join(replies)
    assert "périodes prévues par la loi" in said and "ne donnent pas le chiffre" in said, said
    assert "digilab@mi-is.be" in said


@needs_index
def test_a_year_in_a_sentence_that_asks_nothing_does_not_make_the_question_unanswerable(domain):
    replies, _ = ask(
        domain,
        "La deuxième année de notre projet est-elle acquise d'office ? On aimerait garder notre coach en 2025.",
        intent="ask_evaluation",
    )
    said = " ".join(replies)
    assert "évaluation positive" in said and "Art. 10" in said, said


def test_the_call_of_the_sentence_asking_is_the_call_asked_about():
    from bot.actions.answers import calls_asked

    told = "Le manuel de 2008 permettait de transférer 15 %."
    assert calls_asked(f"{told} Pour notre projet CPAS 2023, on peut faire pareil ?") == ["cpas_2023"]
    assert calls_asked(f"{told} On peut faire pareil ?") == ["ict_2008"]


@needs_index
def test_the_2022_payment_schedule_asked_for_the_2023_call_gets_the_decrees_schedule(domain):
    replies, _ = ask(
        domain,
        "Et pour l'appel 2023, c'est le même calendrier M+6 / M+13 ?",
        earlier=["Appel CPAS 2022 : le subside était payé à quels moments ?"],
    )
    said = " ".join(replies)
    assert "12 mai 2024" in said and "10 novembre 2024" in said, said


@needs_index
def test_the_decrees_deadlines_are_not_given_for_a_second_project_year(domain):
    replies, _ = ask(domain, "Quelle est la date limite de la deuxième déclaration de créance pour la 2e année ?")
    said = " ".join(replies)
    assert "digilab@mi-is.be" in said and "10 novembre 2024" not in said, said


@needs_index
def test_a_population_said_to_introduce_the_asker_starts_no_cluster_answer(domain):
    replies, _ = ask(
        domain,
        "Bonjour, CPAS de +/- 20 000 habitants. Nos ateliers sont déjà financés par la Région, on peut les mettre "
        "aussi sur le subside e-inclusion ?",
    )
    said = " ".join(replies)
    assert "cluster" not in said and "double" in said, said
    asked, _ = ask(domain, "Bonjour, CPAS de +/- 20 000 habitants. Quel montant maximum pouvait-on demander ?")
    assert "cluster" in " ".join(asked)


@needs_index
def test_counting_what_a_named_project_does_is_beyond_its_annex_row(domain):
    _, replies = run(
        ActionInform(),
        tracker("Le projet Tous connectés de Ganshoren, c'est combien d'ateliers par mois ?", intent="inform"),
        domain,
    )
    said = " ".join(replies)
    assert "digilab@mi-is.be" in said and "69" not in said, said


@needs_index
def test_an_amount_said_about_a_project_is_checked_against_its_annex_row(domain, kb):
    genk = project(kb, "Genk")
    wrong, _ = ask(domain, "Le CPAS de Genk a bien obtenu 250 000 € pour Vlotte balie ?", intent="ask_beneficiary")
    assert wrong[0].startswith("Non : 250") and format_eur(genk.total, "fr") in " ".join(wrong), wrong
    right, _ = ask(domain, "Le CPAS de Genk a bien obtenu 235.022,50 € ?", intent="ask_beneficiary")
    assert right[0].startswith("Oui : 235"), right


@needs_index
def test_the_annex_amounts_a_named_project_quotes_are_not_money_received(domain, kb):
    fleron = project(kb, "Fléron")
    replies, _ = ask(
        domain,
        f"Connect&Vous@Fléron : {fleron.amount_excl_vat} HTVA et {fleron.total} TVAC. L'avance est calculée sur "
        f"lequel ? On a reçu {fleron.advance} euros.",
        intent="ask_advance",
    )
    said = " ".join(replies)
    assert "vérifiez les montants" not in said and "TVA comprise" in said, said
    assert format_eur(fleron.advance, "fr") in said


@needs_index
def test_spending_less_than_the_advance_claims_nothing_but_the_documents_are_due(domain):
    replies, _ = ask(
        domain,
        "Subvention de 100 000 €, avance reçue. Fin avril on a dépensé 20 000 €, combien en première déclaration ?",
        intent="ask_remaining",
    )
    said = " ".join(replies)
    assert "0,00 €" in said and "12 mai 2024" in said and "néanmoins" in said, said


@needs_index
def test_asking_in_which_cases_money_must_be_paid_back_gets_every_case(domain):
    replies, _ = ask(domain, "Dans quels cas doit-on rembourser le subside déjà versé (appel CPAS 2023) ?")
    said = " ".join(replies)
    assert all(ref in said for ref in ("Art. 8", "Art. 9 §3", "DNSH")), said


@needs_index
def test_a_link_the_documents_do_not_give_is_not_answered_without_one(domain):
    replies, _ = ask(
        domain, "Comment s'appelle le système électronique pour envoyer nos déclarations, et c'est quoi le lien ?"
    )
    assert "digilab@mi-is.be" in replies[-1] and "Je ne trouve pas" in " ".join(replies), replies


@needs_index
def test_what_a_rule_not_kept_costs_is_the_sanction_of_the_rule_asked_about_before(domain):
    replies, _ = ask(
        domain,
        "Et si notre directeur refuse de les recevoir, on risque quoi ?",
        earlier=["Digilab veut venir contrôler notre projet sur place en juin, c'est prévu par l'AR ?"],
    )
    said = " ".join(replies)
    assert "Art. 9 §3" in said and "Art. 7 §8" not in said, said


@needs_index
def test_a_question_beside_a_sentence_asking_nothing_is_read_alone_too(domain):
    replies, _ = ask(
        domain,
        "Krijgen we het bedrag voor het tweede jaar automatisch? We willen onze coach in 2025 houden.",
        lang="nl",
        earlier=["Ons project van de oproep 2023 loopt tot 31/10/2024."],
    )
    assert "Art. 10" in " ".join(replies), replies


@needs_index
def test_the_purchase_itself_in_the_2008_call_is_its_investment_costs(domain):
    replies, _ = ask(
        domain, "Oproep 2008: mochten we afschrijvingen van onze laptops inbrengen? En de aankoop zelf?", lang="nl"
    )
    said = " ".join(replies)
    assert "afschrijvingskosten" in said and "investeringskosten" in said, said


@needs_index
def test_a_first_claim_named_by_its_month_is_computed_as_the_first(domain):
    replies, _ = ask(
        domain,
        "D'ici fin avril on aura payé 80.000 € de dépenses. On peut réclamer combien dans la déclaration du 12 mai, "
        "et combien il resterait pour la 2e ?",
        intent="ask_remaining",
        slots={"grant": "120000", "received": "36000"},
    )
    said = " ".join(replies)
    assert "36\u202f000,00 €" in said and "48\u202f000,00 €" in said, said


@needs_index
def test_et_nous_after_a_question_about_another_project_is_about_the_askers_own(domain, kb):
    liege = project(kb, "Liège")
    replies, _ = ask(
        domain,
        "Et nous ?",
        intent="ask_advance",
        slots={"organisation": project(kb, "Gand").id},
        earlier=["Ici le CPAS de Liège.", "L'avance du CPAS de Gand, c'était combien ?"],
    )
    said = " ".join(replies)
    assert format_eur(liege.advance, "fr") in said and format_eur(project(kb, "Gand").advance, "fr") not in said, said


@needs_index
def test_a_cpas_taking_part_through_an_association_gets_the_associations_project(domain, kb):
    replies, _ = ask(
        domain,
        "Et l'autre ? Il me semble qu'on est aussi dedans via une association.",
        intent="ask_beneficiary",
        slots={"organisation": project(kb, "Fléron").id},
    )
    assert "SPOT" in replies[0] and format_eur(project(kb, "SPOT").total, "fr") in replies[0], replies


@needs_index
def test_a_member_of_an_association_looking_for_itself_in_the_annex_is_told_its_association(domain, kb):
    replies, _ = ask(
        domain,
        "J'ai parcouru l'annexe et je ne trouve pas notre CPAS. On n'a vraiment rien ?",
        slots={"organisation": project(kb, "SPOT").id},
        earlier=["Bonjour ! CPAS de Chaudfontaine."],
    )
    said = " ".join(replies)
    assert "Chaudfontaine" in said and "SPOT" in said, said


@needs_index
def test_an_annual_budget_is_the_2022_calls_and_its_advance_is_computed_on_it(domain):
    replies, _ = ask(
        domain,
        "Ons goedgekeurd jaarbudget is 180.000 euro. Hoeveel krijgen we als voorschot?",
        lang="nl",
        intent="ask_advance",
    )
    assert "54.000,00" in " ".join(replies), replies


@needs_index
def test_what_is_left_asked_after_the_amounts_were_given_is_computed(domain, kb):
    bilzen = project(kb, "Bilzen")
    replies, _ = ask(
        domain,
        "Hoeveel kunnen we nog maximaal vragen?",
        lang="nl",
        intent="ask_remaining",
        slots={"organisation": bilzen.id, "grant": str(bilzen.total), "received": str(bilzen.advance + 25000)},
    )
    left = bilzen.total - bilzen.advance - 25000
    assert format_eur(left, "nl") in " ".join(replies), replies


@needs_index
def test_a_partner_cpas_joining_the_project_adds_its_inhabitants(domain):
    replies, _ = ask(
        domain,
        "et si on s'associe avec le CPAS d'à côté qui fait 9 500 hab, ça passe ? max combien ?",
        intent="ask_cluster",
        slots={"population": "8000"},
    )
    said = " ".join(replies)
    assert "17\u202f500 habitants" in said and "120\u202f000,00 €" in said, said


@needs_index
def test_own_means_asked_for_a_2022_project_is_the_cofinancing_not_the_period(domain):
    replies, _ = ask(
        domain,
        "Faut-il y mettre une part de nos propres moyens, et à partir de quand ?",
        slots={"call": "cpas_2022"},
        earlier=["Notre projet de l'appel 2022 dure deux ans."],
    )
    assert "20 %" in " ".join(replies), replies


@needs_index
def test_the_amount_of_a_projects_second_year_is_not_in_the_documents(domain, kb):
    replies, _ = ask(
        domain,
        "Quel sera le montant de notre subside pour la deuxième année ?",
        slots={"organisation": project(kb, "Liège").id},
    )
    said = " ".join(replies)
    assert "Art. 10" in said and "digilab@mi-is.be" in said, said


@needs_index
@pytest.mark.parametrize(
    ("earlier", "text", "lang", "said"),
    [
        # The ordinal swapped in is spelled out: "2de" alone reads as little else.
        ("tegen wanneer 1ste schuldvordering", "en de 2de?", "nl", "10 november 2024"),
        # A short message opening with "and" carries on the one before.
        ("combien de projets ont été retenus à l'appel CPAS 2022 ?", "et en Wallonie seulement ?", "fr", "21"),
        ("doet digilab controles ter plaatse?", "en als we dwarsliggen?", "nl", "terugbetalen"),
    ],
)
def test_a_short_follow_up_is_read_with_the_question_before(domain, earlier, text, lang, said):
    replies, _ = ask(domain, text, lang=lang, earlier=[earlier])
    assert said in " ".join(replies), replies


@needs_index
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("oproep 2025 wanneer", "nl"),  # "oktober 2025" ends a 2022 project: it says nothing of a 2025 call
        ("wa is het loonbarema van een digicoach", "nl"),
        ("op welk rekeningnr wordt het voorschot gestort?", "nl"),
    ],
)
def test_a_year_or_detail_no_item_names_is_not_answered_by_a_neighbour(domain, text, lang):
    replies, _ = ask(domain, text, lang=lang)
    assert "digilab@mi-is.be" in replies[-1] and "Bron" not in " ".join(replies), replies


@needs_index
def test_the_smallest_asked_right_after_the_largest_is_a_ranking_too(domain, kb):
    smallest = min(kb.beneficiaries, key=lambda b: b.total)
    replies, _ = ask(
        domain,
        "Et le plus petit c'est qui ? avec quelle avance ?",
        slots={"organisation": max(kb.beneficiaries, key=lambda b: b.total).id},
        earlier=["qui a le plus gros subside dans l'annexe de l'AR ?"],
    )
    said = " ".join(replies)
    assert smallest.project in said and format_eur(smallest.advance, "fr") in said, said


@needs_index
@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("et Lessines, c'est plus ou moins ?", "Lessines"),
        ("Notre collègue dit que Puurs-Sint-Amands a eu un plus gros subside total que nous, c'est vrai ?", "Puurs"),
    ],
)
def test_a_project_named_now_is_set_beside_the_one_named_before(domain, kb, text, other):
    replies, _ = ask(domain, text, intent="ask_beneficiary", slots={"organisation": project(kb, "Ans").id})
    said = " ".join(replies)
    assert format_eur(project(kb, other).total, "fr") in said and project(kb, "Ans").project in said, said


@needs_index
def test_a_named_cpas_asking_about_associations_is_told_the_one_it_belongs_to(domain):
    replies, _ = ask(
        domain, "Le CPAS de Fléron n'est membre d'aucune association de CPAS de l'annexe, on est d'accord ?"
    )
    assert "SPOT" in " ".join(replies), replies


@needs_index
def test_asking_whether_a_named_project_is_a_bus_gets_what_it_is(domain):
    replies, _ = ask(domain, "Et Clic'Mobile à Auderghem, c'est aussi un bus avec un assistant social ?")
    said = " ".join(replies)
    assert "Clic'Mobile" in said and "Source" in said, said


@needs_index
def test_an_expense_outside_the_period_asked_beside_a_deadline_gets_both(domain):
    replies, _ = ask(
        domain, "Deadline de la 2e DC ? et est-ce qu'on peut encore y mettre des factures de début novembre 2024 ?"
    )
    said = " ".join(replies)
    assert "10 novembre 2024" in said and "31 octobre 2024" in said, said


@needs_index
def test_the_detail_of_a_rule_the_protocol_explains_is_said_not_given(domain):
    replies, _ = ask(domain, "Concrètement, la méthode de numérotation imposée pour les pièces, c'est quel format ?")
    said = " ".join(replies)
    assert "protocole" in replies[0] and "ne donnent pas ce détail" in said, said


@needs_index
def test_an_expense_date_in_a_short_follow_up_is_checked_against_the_period(domain):
    replies, _ = ask(domain, "en eentje van 15 nov 2024?", lang="nl", earlier=["factuur van okt 2023 inbrengen?"])
    said = " ".join(replies)
    assert "15 november 2024" in said and "31 oktober 2024" in said, said


@needs_index
def test_and_the_vat_after_a_projects_amount_is_that_projects_vat(domain, kb):
    maldegem = project(kb, "Maldegem")
    replies, _ = ask(
        domain, "en de btw?", lang="nl", slots={"organisation": maldegem.id}, earlier=["Maldegem bedrag excl btw?"]
    )
    assert format_eur(maldegem.vat, "nl") in " ".join(replies), replies


def test_a_project_asked_by_what_it_does_gets_its_row_and_description_then_its_vat(domain, kb):
    halle = project(kb, "Halle")
    events, replies = run(
        ActionAnswer(),
        tracker(
            "y a un CPAS dans l'AR 2023 qui fait des visites a domicile avec un velo cargo, c'est lequel deja ?",
            intent="ask_beneficiary",
        ),
        domain,
    )
    assert "Digiplek" in replies[0] and "vélo cargo" in replies[0]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    replies, _ = ask(domain, "ok top. et le montant de TVA chez eux ?", intent="ask_beneficiary", slots=slots)
    assert format_eur(halle.vat, "fr") in replies[0]


def test_the_2008_transfer_rule_is_computed_when_the_asker_moves_money_between_cost_categories(domain, kb):
    rate = kb.fact("ict_2008.transfer_rate").decimal
    replies, _ = ask(
        domain,
        "Avec un subside de 24.000 €, on pouvait déplacer combien au maximum entre les catégories de coûts ?",
        intent="ask_fact",
        earlier=["Je suis tombée sur un vieux manuel de 2008 du SPP IS sur la fracture numérique."],
    )
    assert format_eur(Decimal("24000") * rate, "fr") in replies[0]


@needs_index
def test_the_second_claim_asked_after_the_first_gets_the_second_claims_deadline(domain, kb):
    replies, _ = ask(
        domain,
        "Et la deuxième, on a jusqu'à quand ?",
        intent="ask_deadlines",
        earlier=["Première décla de créance envoyée à Digilab le 10 mai, ouf."],
    )
    assert "10 novembre 2024" in replies[0] and "12 mai" not in replies[0], replies[0]


def test_the_members_of_an_association_asked_get_its_description(domain):
    replies, _ = ask(domain, "et Integra Plus alors, c'est qui les CPAS fondateurs ?", intent="ask_beneficiary")
    assert "Durbuy" in replies[0] and "Rendeux" in replies[0], replies[0]


def test_the_smallest_advance_after_the_largest_gets_the_smallest_row(domain, kb):
    smallest = min(kb.beneficiaries, key=lambda b: b.total)
    replies, _ = ask(
        domain,
        "Et à l'inverse la plus petite avance de la liste ?",
        intent="ask_beneficiary",
        earlier=[
            "je compare les projets de l'annexe de l'AR du 8/12/2023 : quelle est la plus grosse avance et pour qui ?"
        ],
    )
    assert format_eur(smallest.advance, "fr") in replies[0], replies[0]


def test_a_member_of_an_association_not_finding_its_row_in_the_annex_is_told_its_associations(domain, kb):
    spot = project(kb, "SPOT")
    replies, _ = ask(
        domain,
        "Je suis AS au CPAS de Chaudfontaine. Un collègue dit qu'on est dans l'AR e-inclusion mais je ne trouve aucune "
        "ligne à notre nom dans l'annexe, c'est normal ?",
        intent="nlu_fallback",
    )
    assert "SPOT" in replies[0] and format_eur(spot.total, "fr") in " ".join(replies), replies


def test_the_2008_transfer_takes_the_cost_type_the_question_asks_about_not_the_plans_first(domain):
    replies, _ = ask(
        domain,
        "oproep 2008: subsidie van 12.000 euro, verdeeld als 8.000 personeel, 2.500 werking en 1.500 investering. "
        "Tot hoeveel mag de investering max oplopen via een verschuiving tussen kostensoorten?",
        intent="ask_fact",
        lang="nl",
    )
    assert "€ 1.500,00 + € 1.800,00 (15 % × € 12.000,00) = € 3.300,00" in replies[0], replies[0]


def test_what_a_named_project_holds_in_dutch_gets_its_description(domain, kb):
    ostend = project(kb, "Ostende")
    replies, _ = ask(
        domain,
        "Wat houdt het project E-trust van OCMW Oostende in en hoeveel subsidie krijgt het in totaal?",
        intent="ask_beneficiary",
        lang="nl",
    )
    assert ostend.description("nl") in replies[0] and format_eur(ostend.total, "nl") in replies[0]


def test_a_bare_number_after_euros_spent_starts_no_cluster_answer(domain):
    replies, _ = ask(
        domain,
        "et les 23.000 qui dépassent, on les perd ?",
        intent="ask_cluster",
        earlier=["Au 30 avril 2024 on a dépensé 95.000 € en tout. Dans la 1re décla on peut demander combien ?"],
    )
    assert "habitants" not in " ".join(replies), replies


@needs_index
def test_the_call_named_in_the_turn_before_is_the_one_a_follow_up_asks_about(domain):
    replies, _ = ask(
        domain,
        "Tot wanneer moesten de bewijsstukken binnen zijn?",
        intent="ask_deadlines",
        lang="nl",
        earlier=["Ik heb een vraag over de oude oproep uit 2008 rond initiatie en opleiding in ICT."],
    )
    assert "15 oktober 2009" in replies[0] and "2024" not in replies[0], replies[0]


def test_a_greeting_that_names_the_call_and_a_budget_is_remembered(domain):
    events, replies = run(
        ActionSmallTalk(),
        tracker(
            "Bonjour, notre CPAS a un projet de l'appel 2022 sur 3 ans, avec un budget annuel de septante-cinq mille "
            "euros.",
            intent="greet",
        ),
        domain,
    )
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert replies[0].startswith("Bonjour") and slots["call"] == "cpas_2022" and slots["grant"] == "75000"


def test_a_short_money_question_opening_with_ok_and_is_about_the_project_found_before(domain, kb):
    spot = project(kb, "SPOT")
    replies, _ = ask(
        domain,
        "ah ok, et c'est quel montant ?",
        intent="ask_cluster",
        slots={"organisation": spot.id, "call": "cpas_2023"},
        earlier=["Est-ce qu'on est concernés par un projet de l'AR de décembre 2023 ?"],
    )
    assert format_eur(spot.total, "fr") in replies[0], replies[0]


@needs_index
def test_whether_a_claim_sent_late_is_still_fine_gets_the_refusal_rule_whatever_the_intent(domain, kb):
    replies, _ = ask(
        domain,
        "c'est encore bon ou pas ?",
        intent="ask_remaining",
        slots={"organisation": project(kb, "Plombières").id},
        earlier=["Bonjour, CPAS de Plombières. Notre première déclaration de créance est partie le 15 mai 2024."],
    )
    said = " ".join(replies)
    assert "12 mai 2024" in said and "Subvention" not in said, said


@needs_index
def test_the_question_before_asked_of_another_call_gets_that_calls_rule(domain):
    replies, _ = ask(
        domain, "et pour l'appel 2022 c'est calculé pareil ?", intent="nlu_fallback", earlier=["avance 30%?"]
    )
    said = " ".join(replies)
    assert "budget annuel" in said and "Appel 2022" in said, said


@needs_index
def test_is_that_right_answers_the_claim_made_just_before(domain):
    replies, _ = ask(
        domain,
        "klopt da?",
        intent="affirm",
        lang="nl",
        earlier=[
            "Onze financieel verantwoordelijke zegt dat de eerste schuldvordering tegen eind mei 2024 binnen moest."
        ],
    )
    assert "12 mei 2024" in " ".join(replies), replies


@needs_index
def test_a_letters_salutation_and_signature_do_not_draw_the_answer(domain):
    letter = (
        "Bonjour,\n\nJ'ai une question sur l'exécution de notre protocole. Nous ne savons pas à qui écrire. "
        "Quelle adresse e-mail dois-je utiliser ?\n\nCordialement,\nEric Thiry, CPAS de Huy"
    )
    replies, _ = ask(domain, letter, intent="ask_contact")
    assert "digilab@mi-is.be" in replies[0], replies


@needs_index
def test_a_phone_number_asked_after_a_project_question_gets_digilabs_number(domain):
    replies, _ = ask(
        domain,
        "et pour une question sur notre dossier, je téléphone à quel numéro ?",
        intent="ask_contact",
        earlier=["CPAS de Ganshoren, projet Tous connectés : on a bien 600 € de TVA dans l'annexe ?"],
    )
    assert "508 85 86" in replies[0] and "pièces justificatives" not in " ".join(replies), replies


@needs_index
def test_figures_offered_as_options_are_no_questions_of_their_own(domain):
    replies, _ = ask(domain, "On doit garder les pièces justificatives combien d'années exactement ? 5 ans ? 10 ans ?")
    said = " ".join(replies)
    assert "Je ne trouve pas" in said and "Durée du projet" not in said, said


@needs_index
def test_a_count_by_region_no_document_gives_is_said_unknown(domain):
    replies, _ = ask(domain, "parmi les asbl retenues dans l'appel acteurs sociaux, combien sont en Flandre?")
    assert "Je ne trouve pas" in replies[0], replies
