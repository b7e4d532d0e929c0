"""Answer a question about a topic with the knowledge base's facts, best matching first."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.cluster import answer_cluster
from bot.actions.replies import entity_values, kb, lang_of, latest_text, say_facts, say_issues
from bot.actions.values import numbers
from knowledge.models import Fact
from knowledge.search import normalise

# Which topics of knowledge/ answer which intent (the facts themselves live there).
INTENT_TOPICS: Dict[str, List[str]] = {
    "ask_eligibility": ["eligibility"],
    "ask_target_groups": ["target_groups"],
    "ask_objectives": ["objectives"],
    "ask_deadlines": ["deadlines"],
    "ask_duration": ["period"],
    "ask_double_funding": ["double_funding"],
    "ask_cofinancing": ["cofinancing"],
    "ask_payment_schedule": ["payment"],
    "ask_claim_documents": ["claim_documents"],
    "ask_refusal_refund": ["refusal", "refund"],
    "ask_controls": ["controls"],
    "ask_evaluation": ["evaluation"],
    "ask_obligations": ["obligations", "intervisions", "communication"],
    "ask_dnsh": ["dnsh"],
    "ask_application": ["application", "selection"],
    "ask_programme": ["programme", "amounts"],
    "ask_definition": ["definitions", "digilab"],
    "ask_figures": ["figures"],
    "ask_contact": ["contacts"],
}
# Staff ask first about the call they manage (2023), then the one they apply to.
CALL_ORDER = ["cpas_2023", "cpas_2022", "calls_2023_2024", "programme", "social_actors", "ict_2008"]
# Questions about the programme as a whole are answered by its own facts first.
PROGRAMME_FIRST = ["programme", "calls_2023_2024", "social_actors", "cpas_2023", "cpas_2022", "ict_2008"]
INTENT_CALL_ORDER = {"ask_programme": PROGRAMME_FIRST, "ask_definition": PROGRAMME_FIRST,
                     "ask_figures": PROGRAMME_FIRST}
YEAR_CALLS = {"2008": ["ict_2008"], "2009": ["ict_2008"], "2022": ["cpas_2022"],
              "2023": ["cpas_2023", "calls_2023_2024"], "2024": ["cpas_2023", "calls_2023_2024"]}
MAX_FACTS = 4
_STOP = set("le la les de des du un une et ou a au aux en est pour que qui quoi quel quelle quels quelles on nous "
            "vous il elle ce c ca d l je j y pas ne se sur par dans avec het de een en of van voor wat welke wie "
            "is zijn we wij u jullie ik mag kan moet er op in te met aan om bij".split())


def pick_facts(intent: str, text: str, years: List[str], lang: str = "fr") -> List[Fact]:
    """The facts of the intent's topics, those sharing words with the question (in its language) first."""
    facts = [f for topic in INTENT_TOPICS.get(intent, []) for f in kb().about(topic)]
    calls = [c for y in years for c in YEAR_CALLS.get(y, [])]
    if calls and any(f.call in calls for f in facts):
        facts = [f for f in facts if f.call in calls]
    words = set(normalise(text)) - _STOP
    order = INTENT_CALL_ORDER.get(intent, CALL_ORDER)

    def rank(item):
        index, fact = item
        # A word counts inside a longer one too: "budget" in "totaalbudget", "avance" in "avances".
        fact_words = set(normalise(fact.text(lang)))
        overlap = sum(1 for w in words if len(w) > 3 and any(w in fw for fw in fact_words))
        return (-overlap, order.index(fact.call), index)

    return [f for _, f in sorted(enumerate(facts), key=rank)[:MAX_FACTS]]


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        intent: Optional[str] = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "ask_eligibility":
            # "8 000 habitants, on peut participer ?": the rule answers before the general conditions.
            population = numbers(tracker, "population")
            if population:
                answer_cluster(dispatcher, population[0], lang)
        facts = pick_facts(intent or "", latest_text(tracker), entity_values(tracker, "call_year"), lang)
        if not facts:
            dispatcher.utter_message(response="utter_dont_know", contact=kb().fact("digilab.contact").text(lang))
            return []
        say_facts(dispatcher, facts, lang)
        topics = {f.topic for f in facts}
        say_issues(dispatcher, [i for t in topics for i in kb().issues_about(t)], lang)
        return []
