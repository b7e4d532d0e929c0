"""Cluster and subsidy range for a population (call 2022)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import kb, lang_of, say_error, say_facts, say_issues
from rules.clusters import cluster_for
from rules.errors import RuleError
from rules.money import format_eur, format_number


class ActionCluster(Action):
    def name(self) -> Text:
        return "action_cluster"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        answer_cluster(dispatcher, tracker.get_slot("population"), lang_of(tracker))
        return [SlotSet("population", None)]


def answer_cluster(dispatcher: CollectingDispatcher, population: Any, lang: str) -> None:
    """The cluster and subsidy range for a population, or why it cannot apply alone, with sources."""
    try:
        result = cluster_for(population, clusters=kb().clusters)
    except RuleError as error:
        say_error(dispatcher, error, lang)
        return
    people = format_number(result.population, lang)
    source = kb().cite(result.source, lang=lang)
    if not result.eligible:
        threshold = kb().fact("cpas_2022.population_threshold")
        dispatcher.utter_message(response="utter_cluster_not_eligible", population=people)
        say_facts(dispatcher, [threshold], lang)
    else:
        cluster = result.cluster
        response = "utter_cluster_range" if cluster.min_subsidy is not None else "utter_cluster_max_only"
        dispatcher.utter_message(response=response, population=people, cluster=cluster.nl if lang == "nl" else cluster.fr,
                                 minimum=format_eur(cluster.min_subsidy, lang) if cluster.min_subsidy else "",
                                 maximum=format_eur(cluster.max_subsidy, lang), source=source)
    if result.on_threshold:
        say_issues(dispatcher, [i for i in kb().issues if i.id == "cpas_2022.threshold_boundary"], lang)
