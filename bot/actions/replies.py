"""How actions speak: one fact or computed answer, with its source, in the asker's language."""
from __future__ import annotations

from typing import List, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.loader import DataIssue, KnowledgeBase, default_knowledge
from knowledge.models import Fact
from rules.discrepancies import describe, explain
from rules.errors import RuleError


def kb() -> KnowledgeBase:
    return default_knowledge()


def lang_of(tracker: Tracker) -> str:
    return "nl" if tracker.get_slot("language") == "nl" else "fr"


def say_facts(dispatcher: CollectingDispatcher, facts: Sequence[Fact], lang: str) -> None:
    """One message: the facts' wording, then every source they come from."""
    dispatcher.utter_message(response="utter_fact", answer="\n\n".join(f.text(lang) for f in facts),
                             source=kb().cite(*[f.source for f in facts], lang=lang))


def say_issues(dispatcher: CollectingDispatcher, issues: Sequence[DataIssue], lang: str) -> None:
    """Where sources disagree, say so and name them."""
    for issue in issues:
        dispatcher.utter_message(response="utter_data_issue", answer=describe(kb(), issue, lang),
                                 source=kb().cite(*issue.sources, lang=lang))


def say_error(dispatcher: CollectingDispatcher, error: RuleError, lang: str) -> None:
    dispatcher.utter_message(response="utter_plain", answer=explain(kb(), error, lang))


def entity_values(tracker: Tracker, name: str) -> List[str]:
    return [str(e.get("value")) for e in (tracker.latest_message or {}).get("entities", [])
            if e.get("entity") == name and e.get("value") is not None]


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text
