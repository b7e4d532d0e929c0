"""Which language a message is in, FR or NL: character n-grams learnt from our own examples.

Measured on the held-out set (bot/evaluate.py), cold start: FR 0.977, NL 0.986. Combining it
with the general-purpose `lingua` detector gained nothing there (0.979 / 0.986), so it stays alone.
Numbers and CPAS names say nothing of a language and are left out before judging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline, make_pipeline

from knowledge.loader import default_knowledge
from knowledge.search import find_beneficiaries, function_words, name_words, normalise

# A one-word message ("ok", "merci") changes the conversation's language only when unmistakable.
MIN_CONFIDENCE = 0.6
SHORT_WORDS = 3
SWITCH_CONFIDENCE_SHORT = 0.9
# Words staff write in both languages, English or trade words: they say nothing of the language ("laptops ok ?" in a
# French conversation sounded Dutch at 1.0 on its letters alone, "deadline 2e decla?" too).
SHARED_WORDS = frozenset(
    "ok oke okay laptop laptops pc pcs smartphone smartphones tablet tablets gsm wifi software hardware deadline"
    " deadlines email e-mail mail mails online internet digilab cluster clusters budget info infos top super sorry"
    " please thanks hello hi".split()
)
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def examples(paths: Iterable[tuple[str, Path]]) -> tuple[Sequence[str], Sequence[str]]:
    """(texts, languages) from Rasa NLU files, entity annotations removed."""
    texts, langs = [], []
    for lang, path in paths:
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            for line in item.get("examples", "").splitlines():
                text = _ANNOTATION.sub(r"\1", line.strip()[2:])
                if text and "intent" in item:
                    texts.append(text)
                    langs.append(lang)
    return texts, langs


@dataclass(frozen=True)
class LanguageModel:
    """Character n-gram naive Bayes, and the words each language's examples use."""

    ngrams: Pipeline
    words: dict[str, frozenset[str]]

    def dutch_probability(self, text: str) -> float:
        return self.ngrams.predict_proba([text])[0][list(self.ngrams.classes_).index("nl")]

    def word_language(self, word: str) -> str | None:
        """The one language whose examples use this word ("goeiemorgen"); None for shared ones ("ok", "merci")."""
        owners = [lang for lang, words in self.words.items() if word.lower() in words]
        return owners[0] if len(owners) == 1 else None


def train(texts: Sequence[str], langs: Sequence[str]) -> LanguageModel:
    ngrams = make_pipeline(CountVectorizer(analyzer="char_wb", ngram_range=(1, 4)), MultinomialNB(alpha=0.1))
    words: dict[str, set] = {}
    for text, lang in zip(texts, langs, strict=False):
        words.setdefault(lang, set()).update(re.findall(r"\w+", text.lower()))
    return LanguageModel(ngrams.fit(texts, langs), {lang: frozenset(w) for lang, w in words.items()})


def load_names() -> None:
    """Load what judging a message reads — the knowledge's CPAS names and the function words — before the first
    message, which otherwise waited 3 to 10 s for them."""
    find_beneficiaries(default_knowledge(), "")
    function_words()


def words_to_judge(text: str) -> str:
    """The message without numbers, punctuation and CPAS names."""
    # "23k", "1,5M": the letter is part of the number, no word of either language.
    kept = re.sub(r"\d[\d.,]*\s?[kKmM]\b", " ", text or "")
    # "2e", "2de", "1ère": an ordinal's ending is no word either ("deadline 2e decla?" left "e" behind, read as Dutch).
    kept = re.sub(r"\b\d+\s?(?:e|er|ere|ère|re|eme|ème|de|ste|st|nd|th)\b", " ", kept, flags=re.IGNORECASE)
    kept = re.sub(r"[\d€.,:;!?()\"'%/+-]+", " ", kept)
    found = find_beneficiaries(default_knowledge(), kept)
    for match in found:
        kept = re.sub(re.escape(match.matched), " ", kept, flags=re.IGNORECASE)
    # And every word of every name of the projects named ("digit help waterloo" names Waterloo's project twice).
    names = {word for match in found for word in name_words(match.beneficiary)} - function_words()
    return " ".join(
        word for word in kept.split() if "".join(normalise(word)) not in names and word.lower() not in SHARED_WORDS
    )


def message_language(text: str, model: LanguageModel) -> str | None:
    """'fr' or 'nl' when the message says which, None when it is too short or unclear to tell."""
    words = words_to_judge(text)
    if not words:
        return None
    if len(words.split()) == 1:
        # One word: only a word of one language's examples, or an unmistakable one, decides.
        # A word neither language's examples use says nothing ("bron?" was read as French at 0.95).
        return model.word_language(words)
    elif len(words.split()) <= SHORT_WORDS:
        # "et en Wallonie ?", "en Brussel?": a short follow-up's words are shared by both languages too often;
        # it says its language only when that is clear, else the conversation keeps its own.
        threshold = SWITCH_CONFIDENCE_SHORT
    else:
        threshold = MIN_CONFIDENCE
    p_nl = model.dutch_probability(words)
    lang, confidence = ("nl", p_nl) if p_nl > 0.5 else ("fr", 1 - p_nl)
    return lang if confidence >= threshold else None


def detect_language(text: str, current: str | None, model: LanguageModel) -> str:
    """The conversation's language after this message: the message's own, else the current one, else French."""
    return message_language(text, model) or current or "fr"
