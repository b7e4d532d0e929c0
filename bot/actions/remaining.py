"""What can still be claimed on a grant, and which claim deadline is next."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import kb, lang_of, say_error, say_facts
from rules.errors import RuleError
from rules.money import format_eur
from rules.payments import PaymentTerms, remaining_for
from rules.deadlines import next_deadline

DEADLINES = ("cpas_2023.first_claim_deadline", "cpas_2023.second_claim_deadline")


class ActionRemaining(Action):
    def name(self) -> Text:
        return "action_remaining"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        try:
            result = remaining_for(tracker.get_slot("grant"), [tracker.get_slot("received") or "0"],
                                   terms=PaymentTerms.of(kb()))
        except RuleError as error:
            say_error(dispatcher, error, lang)
            return _reset()
        cap = kb().fact("cpas_2023.first_claim_cap_rate")
        dispatcher.utter_message(response="utter_remaining",
                                 **{k: format_eur(v, lang) for k, v in vars(result).items()},
                                 source=kb().cite(cap.source, kb().fact(DEADLINES[1]).source, lang=lang))
        upcoming = next_deadline(date.today(), deadlines=[kb().fact(d) for d in DEADLINES])
        if upcoming.next:
            say_facts(dispatcher, [upcoming.next], lang)
        else:
            dispatcher.utter_message(response="utter_deadlines_passed")
            say_facts(dispatcher, upcoming.passed, lang)
        return _reset()


def _reset() -> List[Dict]:
    return [SlotSet("grant", None), SlotSet("received", None)]
