"""Which language a message is in (FR or NL), kept in the `language` slot."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from knowledge.loader import default_knowledge
from knowledge.search import find_beneficiaries

# Below these confidences the message is too short or mixed: keep the conversation's language.
MIN_CONFIDENCE = 0.75
MIN_CONFIDENCE_ONE_WORD = 0.95


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.DUTCH).build()


def _words_to_judge(text: str) -> str:
    """The message without numbers and CPAS names, which say nothing of its language."""
    kept = re.sub(r"[\d€.,:;!?()\"'%/+-]+", " ", text or "")
    for match in find_beneficiaries(default_knowledge(), kept):
        kept = re.sub(re.escape(match.matched), " ", kept, flags=re.IGNORECASE)
    return " ".join(kept.split())


def detect_language(text: str, current: Optional[str]) -> str:
    """'fr' or 'nl' for a message; a one-word or unclear message keeps the current language."""
    words = _words_to_judge(text)
    if not words:
        return current or "fr"
    best = _detector().compute_language_confidence_values(words)[0]
    lang = "fr" if best.language.name == "FRENCH" else "nl"
    one_word = len(words.split()) == 1
    if one_word and current:
        return current
    if best.value >= (MIN_CONFIDENCE_ONE_WORD if one_word else MIN_CONFIDENCE):
        return lang
    return current or "fr"


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message: sets `language`."""

    async def extract_language(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        message = tracker.latest_message or {}
        if (message.get("intent") or {}).get("name") == "request_language":
            asked = next((e.get("value") for e in message.get("entities", []) if e.get("entity") == "language"), None)
            if asked in ("fr", "nl"):
                return {"language": asked}
        text = message.get("text") or ""
        if text.startswith("/"):
            return {}
        return {"language": detect_language(text, tracker.get_slot("language"))}
