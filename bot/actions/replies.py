"""How actions speak: one fact or computed answer, with its source, in the asker's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.loader import DataIssue, KnowledgeBase, default_knowledge
from knowledge.models import CostItem, Fact
from rules.deadlines import all_past
from rules.discrepancies import describe, explain
from rules.errors import RuleError
from rules.parsing import parse_dates

Item = Fact | CostItem | DataIssue
# Topics whose dates are deadlines or periods: when they are all past, the answer says so.
# What is said when one dated fact of a topic is past, and when several are.
DATED_TOPICS = {
    "deadlines": ("utter_deadline_passed", "utter_deadline_passed_all"),
    "period": ("utter_period_over", "utter_period_over_all"),
}


def kb() -> KnowledgeBase:
    return default_knowledge()


def lang_of(tracker: Tracker) -> str:
    return "nl" if tracker.get_slot("language") == "nl" else "fr"


def say_facts(dispatcher: CollectingDispatcher, facts: Sequence[Fact], lang: str) -> None:
    """One message: the facts' wording, then every source they come from."""
    dispatcher.utter_message(
        response="utter_fact",
        answer="\n\n".join(f.text(lang) for f in facts),
        source=kb().cite(*[f.source for f in facts], lang=lang),
    )


def say_items(dispatcher: CollectingDispatcher, items: Sequence[Item], lang: str, *, today: date) -> None:
    """The answer first: each item in its own words with its source; then what is past, then disagreements."""
    facts = [i for i in items if isinstance(i, Fact)]
    if facts:
        say_facts(dispatcher, facts, lang)
    for item in items:
        if isinstance(item, CostItem):
            dispatcher.utter_message(
                response=f"utter_cost_{item.verdict}", answer=item.text(lang), source=kb().cite(item.source, lang=lang)
            )
    past = [
        fact.topic
        for fact in facts
        if fact.topic in DATED_TOPICS
        and all_past([fact.as_date] if fact.unit == "date" else parse_dates(fact.fr), today=today)
    ]
    for topic in dict.fromkeys(past):
        # Said once: "these deadlines are past" after the two claim deadlines, not the same sentence twice.
        dispatcher.utter_message(response=DATED_TOPICS[topic][past.count(topic) > 1])
    linked = [i for i in items if isinstance(i, DataIssue)]
    linked += [i for f in facts for i in kb().issues_of_fact(f.id) if i not in linked]
    say_issues(dispatcher, linked, lang)


def say_dont_know(dispatcher: CollectingDispatcher, lang: str, *, part: str | None = None) -> None:
    """The documents do not answer (or not `part`, one question of the message): said, with the Digilab contact."""
    contact = kb().contact(lang)
    if part:
        dispatcher.utter_message(response="utter_dont_know_rest", part=part, contact=contact)
    else:
        dispatcher.utter_message(response="utter_dont_know", contact=contact)


def say_issues(dispatcher: CollectingDispatcher, issues: Sequence[DataIssue], lang: str) -> None:
    """Where sources disagree, say so and name them."""
    for issue in issues:
        dispatcher.utter_message(
            response="utter_data_issue", answer=describe(kb(), issue, lang), source=kb().cite(*issue.sources, lang=lang)
        )


def say_error(dispatcher: CollectingDispatcher, error: RuleError, lang: str) -> None:
    dispatcher.utter_message(response="utter_plain", answer=explain(kb(), error, lang))


def entity_values(tracker: Tracker, name: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in (tracker.latest_message or {}).get("entities", [])
        if e.get("entity") == name and e.get("value") is not None
    ]


def intent_of(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def previous_texts(tracker: Tracker, count: int) -> list[str]:
    """The user's `count` messages before the latest one, most recent first (buttons left out)."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"][:-1]
    return [t for t in reversed(texts) if t and not t.startswith("/")][:count]


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text
