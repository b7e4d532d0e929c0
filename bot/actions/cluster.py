"""Cluster and subsidy range for a population (call 2022); without a population, the clusters themselves."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import calls_named
from bot.actions.replies import kb, lang_of, latest_text, say_error, say_facts, say_issues
from bot.actions.values import numbers
from bot.sentences import unaccent
from rules.clusters import amount_fits, cluster_allowing, cluster_for
from rules.errors import RuleError
from rules.money import format_eur, format_number
from rules.parsing import population_said, read_quantities

# A partner joining the asker's project: "si on s'associe avec le CPAS voisin", "een gezamenlijk project met …".
PARTNER = re.compile(
    r"\b(s'?associ\w*|associ\w* avec|ensemble|partenari\w*|projet commun|commun avec|avec le cpas|avec la commune"
    r"|samen|samenwerk\w*|gezamenlijk\w*|met het ocmw|met de gemeente|met de buur\w*|partner\w*)\b"
)


def cluster(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """The population of this message, else the one given earlier; without one, the table and a question."""
    lang, text = lang_of(tracker), latest_text(tracker)
    found = numbers(tracker, "population")
    # Read with its words first: "sous les 10 000 habitants" is below 10 000, "50.800 om precies te zijn" is 50 800.
    said = population_said(text)
    population = said if said is not None else found[0] if found else tracker.get_slot("population")
    if "cpas_2023" in calls_named(text):
        # "les montants min et max par cluster pour l'appel CPAS 2023 ?": the 2023 decree has none, its annex has an
        # amount per project; the 2022 clusters are given for comparison, said to be the 2022 call's.
        dispatcher.utter_message(
            response="utter_plain", answer=kb().message("clusters_only_2022", lang, contact=kb().contact(lang))
        )
        say_clusters(dispatcher, lang)
        return [SlotSet("pending", None)]
    if population is None:
        say_clusters(dispatcher, lang)
        dispatcher.utter_message(response="utter_ask_population")
        return [SlotSet("pending", "cluster")]
    earlier = tracker.get_slot("population")
    if said is not None and earlier and PARTNER.search(unaccent(text)) and Decimal(earlier) != Decimal(said):
        # "8 000 habitants", then "et si on s'associe avec le CPAS d'à côté qui fait 9 500 hab ?": one project, both
        # populations.
        total = Decimal(earlier) + Decimal(said)
        dispatcher.utter_message(
            response="utter_plain",
            answer=kb().message(
                "cluster_partnership",
                lang,
                own=format_number(Decimal(earlier), lang),
                partner=format_number(Decimal(said), lang),
                total=format_number(total, lang),
                threshold=format_number(kb().fact("cpas_2022.population_threshold").decimal, lang),
            ),
        )
        population = total
    asked = [q.value for q in read_quantities(text) if q.role == "eur" and q.value > 0]
    answer_cluster(dispatcher, population, lang, asked=asked[0] if asked else None)
    return [SlotSet("population", str(population)), SlotSet("pending", None)]


def say_clusters(dispatcher: CollectingDispatcher, lang: str) -> None:
    """The four clusters of the 2022 call, each with its population range and subsidy."""
    rows = []
    for c in kb().clusters:
        rows.append(
            kb().message(
                "cluster_row",
                lang,
                name=c.nl if lang == "nl" else c.fr,
                minimum=format_eur(c.min_subsidy, lang) if c.min_subsidy else "—",
                maximum=format_eur(c.max_subsidy, lang),
            )
        )
    dispatcher.utter_message(
        response="utter_fact", answer="\n".join(rows), source=kb().cite(kb().clusters[0].source, lang=lang)
    )


def answer_cluster(
    dispatcher: CollectingDispatcher, population: Any, lang: str, *, asked: Decimal | None = None
) -> None:
    """The cluster and subsidy range for a population, or why it cannot apply alone, with sources; a grant `asked` for
    ("mogen we dan 100.000 euro aanvragen?") is set against that range first."""
    try:
        result = cluster_for(population, clusters=kb().clusters)
    except RuleError as error:
        say_error(dispatcher, error, lang)
        return
    people = format_number(result.population, lang)
    source = kb().cite(result.source, lang=lang)
    if not result.eligible:
        threshold = kb().fact("cpas_2022.population_threshold")
        dispatcher.utter_message(
            response="utter_cluster_not_eligible", population=people, threshold=format_number(result.threshold, lang)
        )
        say_facts(dispatcher, [threshold], lang)
    else:
        c = result.cluster
        if asked is not None:
            fits = amount_fits(asked, c)
            # "on rentre dans les grandes villes avec un plafond de 400.000 ?": whose ceiling that is.
            other = cluster_allowing(asked, kb().clusters) if fits == "above" else None
            dispatcher.utter_message(
                response="utter_plain",
                answer=kb().message(
                    "cluster_amount_above_other" if other else f"cluster_amount_{fits}",
                    lang,
                    amount=format_eur(asked, lang),
                    minimum=format_eur(c.min_subsidy, lang) if c.min_subsidy else "",
                    maximum=format_eur(c.max_subsidy, lang),
                    other=(other.nl if lang == "nl" else other.fr) if other else "",
                    other_maximum=format_eur(other.max_subsidy, lang) if other else "",
                ),
            )
        response = "utter_cluster_range" if c.min_subsidy is not None else "utter_cluster_max_only"
        dispatcher.utter_message(
            response=response,
            population=people,
            cluster=c.nl if lang == "nl" else c.fr,
            minimum=format_eur(c.min_subsidy, lang) if c.min_subsidy else "",
            maximum=format_eur(c.max_subsidy, lang),
            source=source,
        )
    if result.on_threshold:
        say_issues(dispatcher, [i for i in kb().issues if i.id == "cpas_2022.threshold_boundary"], lang)
