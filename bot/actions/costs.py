"""Whether a cost can be paid with the subsidy, per call, from the knowledge base."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import CALL_ORDER, YEAR_CALLS
from bot.actions.replies import entity_values, kb, lang_of, latest_text, say_facts
from knowledge.search import find_costs

MAX_ITEMS = 3


class ActionCosts(Action):
    def name(self) -> Text:
        return "action_costs"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        text = " ".join([latest_text(tracker), *entity_values(tracker, "cost_item")])
        items = find_costs(kb(), text)
        calls = [c for y in entity_values(tracker, "call_year") for c in YEAR_CALLS.get(y, [])]
        if calls and any(i.call in calls for i in items):
            items = [i for i in items if i.call in calls]
        items = sorted(items, key=lambda i: CALL_ORDER.index(i.call))[:MAX_ITEMS]
        if items:
            for item in items:
                dispatcher.utter_message(response=f"utter_cost_{item.verdict}", answer=item.text(lang),
                                         source=kb().cite(item.source, lang=lang))
            return []
        # No listed item: the general rule of the call being managed, then the 2022 conditions.
        say_facts(dispatcher, kb().about("costs", "cpas_2023")[:2] + kb().about("costs", "cpas_2022")[:1], lang)
        return []
