"""A granted 2023 project by name: annex amounts and what it does."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import kb, lang_of, say_issues
from bot.actions.values import beneficiary, numbers
from knowledge.models import Beneficiary
from rules.money import format_eur, format_number


class ActionBeneficiary(Action):
    def name(self) -> Text:
        return "action_beneficiary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        describe(dispatcher, kb().beneficiary(tracker.get_slot("organisation")), lang_of(tracker))
        return [SlotSet("organisation", None)]


class ActionInform(Action):
    """A name or a number given outside a question: describe the project, or ask what it is for."""

    def name(self) -> Text:
        return "action_inform"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        named = beneficiary(tracker)
        if named:
            describe(dispatcher, named, lang)
            return []
        found = numbers(tracker, "population") or numbers(tracker, "amount")
        if found:
            shown = format_number(found[0], lang)
            dispatcher.utter_message(response="utter_what_for_number", number=shown, raw=str(found[0]))
        else:
            dispatcher.utter_message(response="utter_dont_know", contact=kb().fact("digilab.contact").text(lang))
        return []


def describe(dispatcher: CollectingDispatcher, b: Beneficiary, lang: str) -> None:
    """The annex row of one beneficiary, its project, its source and any data issue."""
    dispatcher.utter_message(
        response="utter_beneficiary", organisation=b.name(lang), project=b.project,
        excl=format_eur(b.amount_excl_vat, lang), vat=format_eur(b.vat, lang),
        total=format_eur(b.total, lang), advance=format_eur(b.advance, lang),
        description=b.description(lang), source=kb().cite(b.source, b.description_source, lang=lang),
    )
    say_issues(dispatcher, kb().issues_of(b.id), lang)
