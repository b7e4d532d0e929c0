"""Conversation plumbing: fallback, language switch, clearing half-given values."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import lang_of, say_dont_know
from bot.actions.route import ActionAnswer


class ActionDontKnow(Action):
    """Say honestly that the sources do not answer, and give the Digilab contact."""

    def name(self) -> str:
        return "action_dont_know"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        say_dont_know(dispatcher, lang_of(tracker))
        return []


class ActionSwitchLanguage(Action):
    """The language slot is already set by the slot-mapping validation; confirm it. A message that names no language
    was no such request ("en Vlaanderen en Brussel?" after a figure for Wallonia): it is answered as a question."""

    def name(self) -> str:
        return "action_switch_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        if next(tracker.get_latest_entity_values("language"), None) is None:
            return ActionAnswer().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_language_switched")
        return []


class ActionResetValues(Action):
    def name(self) -> str:
        return "action_reset_values"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        return [SlotSet(s, None) for s in ("population", "grant", "received", "organisation")]
