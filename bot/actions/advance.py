"""The 30 % advance and the first-claim cap, for an amount or a named 2023 beneficiary."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import kb, lang_of, say_error, say_issues
from bot.actions.values import recent_beneficiary
from rules.errors import RuleError
from rules.money import format_eur, format_percent
from rules.payments import PaymentTerms, advance_for


class ActionAdvance(Action):
    def name(self) -> Text:
        return "action_advance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        lang = lang_of(tracker)
        terms = PaymentTerms.of(kb())
        try:
            result = advance_for(tracker.get_slot("grant"), terms=terms)
        except RuleError as error:
            say_error(dispatcher, error, lang)
            return _reset()
        facts = [kb().fact("cpas_2023.advance_rate"), kb().fact("cpas_2023.first_claim_cap_rate")]
        eur = {k: format_eur(v, lang) for k, v in vars(result).items()}
        b = recent_beneficiary(tracker)
        if b and b.total == result.grant:
            dispatcher.utter_message(response="utter_advance_annex", organisation=b.name(lang), project=b.project,
                                     published=format_eur(b.advance, lang), rate=format_percent(terms.advance_rate, lang),
                                     **eur, source=kb().cite(b.source, *[f.source for f in facts], lang=lang))
            say_issues(dispatcher, kb().issues_of(b.id), lang)
        else:
            dispatcher.utter_message(response="utter_advance", rate=format_percent(terms.advance_rate, lang),
                                     cap_rate=format_percent(terms.first_claim_rate, lang), **eur,
                                     source=kb().cite(*[f.source for f in facts], lang=lang))
        return _reset()


def _reset() -> List[Dict]:
    return [SlotSet("grant", None)]
