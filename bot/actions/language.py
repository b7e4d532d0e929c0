"""Which language a message is in (FR or NL), kept in the `language` slot."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Text

import yaml

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from knowledge.loader import default_knowledge
from knowledge.search import find_beneficiaries

NLU_DIR = Path(__file__).resolve().parents[1] / "data" / "nlu"
# Below these confidences the message is too short or mixed: keep the conversation's language.
MIN_CONFIDENCE = 0.75
MIN_CONFIDENCE_ONE_WORD = 0.95
# Measured on the held-out test set (bot/evaluate.py): our own n-grams know "ocmw", "schuldvordering",
# "ja"; lingua knows general French and Dutch. Weighted 0.7 / 0.3 they beat either alone.
OWN_WEIGHT = 0.7


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.DUTCH).build()


@lru_cache(maxsize=1)
def _own_model():
    """Character n-gram naive Bayes over the FR and NL training examples (trained in a second)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    texts, langs = [], []
    for lang in ("fr", "nl"):
        data = yaml.safe_load((NLU_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        for item in data["nlu"]:
            for line in item.get("examples", "").splitlines():
                example = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                if example:
                    texts.append(example)
                    langs.append(lang)
    model = make_pipeline(CountVectorizer(analyzer="char_wb", ngram_range=(1, 4)), MultinomialNB(alpha=0.1))
    return model.fit(texts, langs)


def dutch_probability(words: str) -> float:
    own = _own_model()
    p_own = own.predict_proba([words])[0][list(own.classes_).index("nl")]
    p_lingua = next(c.value for c in _detector().compute_language_confidence_values(words)
                    if c.language.name == "DUTCH")
    return OWN_WEIGHT * p_own + (1 - OWN_WEIGHT) * p_lingua


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
    one_word = len(words.split()) == 1
    if one_word and current:
        return current
    p_nl = dutch_probability(words)
    lang, confidence = ("nl", p_nl) if p_nl > 0.5 else ("fr", 1 - p_nl)
    if current is None or confidence >= (MIN_CONFIDENCE_ONE_WORD if one_word else MIN_CONFIDENCE):
        return lang
    return current


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
