"""Actions answer from the rules and the knowledge base, in the asker's language, with the source."""
import pytest

from bot.actions.advance import ActionAdvance
from bot.actions.answers import ActionAnswer, INTENT_TOPICS
from bot.actions.beneficiary import ActionBeneficiary, ActionInform
from bot.actions.cluster import ActionCluster
from bot.actions.conversation import ActionDontKnow
from bot.actions.costs import ActionCosts
from bot.actions.remaining import ActionRemaining
from tests.bot.conftest import run, tracker


def test_cluster_for_42000_in_french(domain):
    events, replies = run(ActionCluster(), tracker(slots={"population": "42000"}), domain)
    assert "42\u202f000 habitants" in replies[0]
    assert "minimum 60\u202f000,00 € à maximum 120\u202f000,00 €" in replies[0]
    assert "Source : Présentation" in replies[0]
    assert events == [{"event": "slot", "timestamp": None, "name": "population", "value": None}]


def test_cluster_for_12500_in_dutch_says_no_minimum_is_stated(domain):
    _, replies = run(ActionCluster(), tracker(slots={"population": "12500", "language": "nl"}), domain)
    assert "12.500 inwoners" in replies[0] and "maximum € 60.000,00" in replies[0]
    assert "geen minimum" in replies[0] and "Bron:" in replies[0]


def test_a_small_cpas_is_told_it_cannot_apply_alone_and_what_it_can_do(domain):
    _, replies = run(ActionCluster(), tracker(slots={"population": "8000"}), domain)
    assert "ne peut pas introduire seul" in replies[0] and "partenariat" in replies[0]
    assert "Source :" in replies[1]


def test_exactly_10000_mentions_the_contradicting_slides(domain):
    _, replies = run(ActionCluster(), tracker(slots={"population": "10000"}), domain)
    assert any("ne concordent pas" in r and "10.000" in r for r in replies)


def test_advance_on_an_amount_shows_the_computation(domain):
    _, replies = run(ActionAdvance(), tracker(slots={"grant": "235022.50"}), domain)
    assert "30 % × 235\u202f022,50 € = 70\u202f506,75 €" in replies[0]
    assert "141\u202f013,50 €" in replies[0] and "Art. 6 §1" in replies[0]


def test_advance_for_a_named_cpas_uses_the_annex_and_flags_waterloo(domain, kb):
    waterloo = next(b for b in kb.beneficiaries if "Waterloo" in b.annex_name)
    slots = {"grant": str(waterloo.total), "language": "nl"}
    _, replies = run(ActionAdvance(), tracker("voorschot OCMW Waterloo", slots=slots), domain)
    assert "€ 46.219,46" in replies[0] and "€ 46.219,44" in replies[0]
    assert any("bronnen zijn het niet eens" in r for r in replies[1:])


def test_remaining_after_the_advance(domain):
    _, replies = run(ActionRemaining(), tracker(slots={"grant": "235022.50", "received": "70506.75"}), domain)
    assert "Encore à réclamer : 164\u202f515,75 €" in replies[0]
    assert "70\u202f506,75 €" in replies[0]


def test_remaining_refuses_more_received_than_granted_in_dutch(domain):
    _, replies = run(ActionRemaining(), tracker(slots={"grant": "1000", "received": "2000", "language": "nl"}), domain)
    assert replies == ["U geeft aan in totaal € 2.000,00 ontvangen of gevorderd te hebben, meer dan de subsidie van "
                       "€ 1.000,00: controleer de bedragen."]


def test_beneficiary_digikar_in_dutch(domain):
    _, replies = run(ActionBeneficiary(), tracker(slots={"organisation": "puurs_sint_amands", "language": "nl"}), domain)
    assert "Digikar" in replies[0] and "€ 103.172,23" in replies[0] and "€ 36.000,00" in replies[0]
    assert "Bron: Koninklijk besluit" in replies[0]


def test_a_name_alone_describes_the_project(domain):
    _, replies = run(ActionInform(), tracker("OCMW Gent", slots={"language": "nl"}), domain)
    assert "Digiclusie Gent" in replies[0] and "€ 399.998,64" in replies[0]


def test_a_number_alone_asks_what_it_is_for(domain):
    _, replies = run(ActionInform(), tracker("42 000"), domain)
    assert replies == ["Que voulez-vous savoir pour 42\u202f000 ?"]


@pytest.mark.parametrize("intent", sorted(INTENT_TOPICS))
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_fact_question_gets_a_sourced_answer(domain, intent, lang):
    _, replies = run(ActionAnswer(), tracker("?", intent=intent, slots={"language": lang}), domain)
    assert replies and ("\n\nSource : " if lang == "fr" else "\n\nBron: ") in replies[0]


def test_the_budget_question_names_both_disagreeing_sources(domain):
    _, replies = run(ActionAnswer(), tracker("quel est le budget total ?", intent="ask_programme"), domain)
    assert any("30\u202f000\u202f000" in r or "30 000 000" in r for r in replies)
    assert any("ne concordent pas" in r and "26" in r for r in replies)


def test_deadlines_of_the_2008_call_when_asked_for_2008(domain):
    t = tracker("date limite 2008", intent="ask_deadlines", entities=[{"entity": "call_year", "value": "2008"}])
    _, replies = run(ActionAnswer(), t, domain)
    assert "2008" in replies[0] and "Manuel technique" in replies[0]


def test_depreciation_is_not_eligible_under_the_2008_manual(domain):
    _, replies = run(ActionCosts(), tracker("on peut mettre les amortissements ?", intent="ask_costs"), domain)
    assert any(r.startswith("❌ Pas éligible.") and "Manuel technique" in r for r in replies)


def test_a_laptop_under_the_2023_call_depends_on_the_financial_plan(domain):
    _, replies = run(ActionCosts(), tracker("mogen we een laptop kopen?", intent="ask_costs",
                                            slots={"language": "nl"}), domain)
    assert any("Art. 5" in r for r in replies)


def test_dont_know_gives_the_digilab_contact(domain):
    _, replies = run(ActionDontKnow(), tracker("?"), domain)
    assert "digilab@mi-is.be" in replies[0] and "+32 2 508 85 86" in replies[0]


def test_a_named_ocmw_fills_the_grant_from_the_annex(domain):
    import asyncio
    from bot.actions.forms import ValidateAdvanceForm
    from rasa_sdk.executor import CollectingDispatcher
    t = tracker("Hoeveel voorschot krijgt OCMW Genk?", intent="ask_advance", slots={"language": "nl"})
    t.slots.update({"grant": None})
    events = asyncio.run(ValidateAdvanceForm().run(CollectingDispatcher(), t, domain))
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["grant"] == "235022.50"


def test_an_eligibility_question_with_a_population_gets_the_rule_first(domain):
    _, replies = run(ActionAnswer(), tracker("un CPAS de 8 000 habitants peut participer ?", intent="ask_eligibility"),
                     domain)
    assert replies[0].startswith("Avec 8\u202f000 habitants, votre CPAS est sous le seuil")


def test_the_programme_budget_question_starts_with_the_programme_facts(domain):
    _, replies = run(ActionAnswer(), tracker("wat is het budget van het programma?", intent="ask_programme",
                                             slots={"language": "nl"}), domain)
    assert "26 miljoen euro" in replies[0].split("\n\n")[0] or "€ 30.000.000" in replies[0].split("\n\n")[0]
