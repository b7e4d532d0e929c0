"""Find beneficiaries and cost items in what people type: accents, case and small typos tolerated."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

from knowledge.loader import KnowledgeBase
from knowledge.models import Beneficiary, CostItem

# Words that say "a CPAS" without naming one.
_GENERIC = {
    "cpas",
    "ocmw",
    "de",
    "d",
    "du",
    "des",
    "van",
    "het",
    "la",
    "le",
    "l",
    "project",
    "projet",
    "association",
    "vereniging",
    "the",
    "of",
}


def normalise(text: str) -> list[str]:
    """Lowercase ASCII words, accents and punctuation dropped."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def _key(words: Sequence[str]) -> str:
    return "".join(w for w in words if w not in _GENERIC)


def _typos_allowed(length: int) -> int:
    return 0 if length < 4 else 1 if length < 8 else 2


@dataclass(frozen=True)
class Match:
    beneficiary: Beneficiary
    score: int  # 100 exact, lower for typos or prefixes
    matched: str


def _names(b: Beneficiary) -> list[str]:
    return [b.organisation, b.organisation_nl, b.annex_name, b.project, *b.aliases]


def name_words(b: Beneficiary) -> set[str]:
    """The words of a beneficiary's names, normalised, but the generic ones ("cpas", "de", "projet")."""
    return {w for name in _names(b) for w in normalise(name) if w not in _GENERIC}


def name_positions(b: Beneficiary, text: str) -> list[int]:
    """Where `text` names a beneficiary: the indexes of its words (normalised) that are words of its names."""
    names = name_words(b)
    return [i for i, w in enumerate(normalise(text)) if w in names]


# Every name of every beneficiary, normalised once per knowledge base (this runs on every message).
_INDEXES: dict[int, tuple[KnowledgeBase, list[tuple[Beneficiary, str, list[str]]]]] = {}


def _index(kb: KnowledgeBase) -> list[tuple[Beneficiary, str, list[str]]]:
    if id(kb) not in _INDEXES:
        _INDEXES[id(kb)] = (
            kb,
            [
                (b, name, [w for w in normalise(name) if w not in _GENERIC])
                for b in kb.beneficiaries
                for name in _names(b)
            ],
        )
    return _INDEXES[id(kb)][1]


def find_beneficiaries(kb: KnowledgeBase, text: str, *, prefix: bool = False, limit: int = 5) -> list[Match]:
    """Beneficiaries named in `text`, best first; `prefix` also accepts the start of a name."""
    every = normalise(text)
    words = [w for w in every if w not in _GENERIC]
    best: dict[str, Match] = {}
    for b, name, name_words in _index(kb):
        if _too_short_alone(name_words, every):
            continue
        score = _score(words, name_words, prefix=prefix)
        if score and (b.id not in best or score > best[b.id].score):
            best[b.id] = Match(b, score, name)
    ranked = sorted(best.values(), key=lambda m: -m.score)
    if ranked and ranked[0].score == 100:
        ranked = [m for m in ranked if m.score == 100]
    return ranked[:limit]


def association_of(kb: KnowledgeBase, name: str) -> Beneficiary | None:
    """The association of CPAS that `name` (a CPAS outside the annex's rows, as written) belongs to, if any:
    'Hotton' is one of Integra Plus's members."""
    words = [w for w in normalise(name) if w not in _GENERIC]
    return next(
        (b for b in kb.beneficiaries for member in b.members if _score(words, normalise(member), prefix=False) >= 90),
        None,
    )


# The words before a short name that make it one ("CPAS d'Ans", "plus qu'Ans").
# ("Entre Ans et Flémalle", "Flémalle ou Ans": side by side with another name, "ans" is no count of years.)
_BEFORE_A_NAME = (
    "cpas",
    "ocmw",
    "d",
    "de",
    "du",
    "van",
    "te",
    "a",
    "pour",
    "voor",
    "qu",
    "entre",
    "tussen",
    "et",
    "ou",
)


def _too_short_alone(name_words: list[str], every: list[str]) -> bool:
    """'Ans' is a CPAS only as 'CPAS d'Ans', 'OCMW Ans' or 'on est à Ans': alone, 'ans' means years."""
    target = "".join(name_words)
    if len(target) > 3 or len(every) == len(name_words):
        return False
    return not any(w == target and i > 0 and every[i - 1] in _BEFORE_A_NAME for i, w in enumerate(every))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """French and Dutch function words and greetings, lowercase ASCII: 'alle' is no typo of 'Halle', nor 'tous' of
    'Tours'.
    spaCy's lists, read from their files: importing `spacy.lang.fr` builds its tokenizer exceptions, which kept an
    action server from listening for 5 s (of 11) when it starts or restarts."""
    return frozenset(normalise(" ".join([*_spacy_stop_words("fr"), *_spacy_stop_words("nl")]))) | _GREETINGS | _COMMON


# Greetings open many messages and are no typo of a name either: "Hallo, ik werk bij OCMW Antwerpen" is not Halle.
_GREETINGS = frozenset({"hallo", "hello", "hey", "salut", "bonjour", "bonsoir", "goeiedag", "goedemorgen", "dag"})


# Common words one typo from a name: "au grand maximum" is not the CPAS de Gand.
_COMMON = frozenset({"grand", "grande", "grands", "grandes"})


def _spacy_stop_words(lang: str) -> set[str]:
    path = Path(importlib.util.find_spec("spacy").origin).parent / "lang" / lang / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"spacy_stop_words_{lang}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STOP_WORDS


def _score(words: list[str], name_words: list[str], *, prefix: bool) -> int:
    """100 when a window of `words` spells the name, less per typo (never for a common word); 0 when it does not."""
    if not words or not name_words:
        return 0
    target = "".join(name_words)
    best = 0
    size = len(name_words)
    for width in {size - 1, size, size + 1} - {0}:
        for start in range(0, max(len(words) - width + 1, 0)):
            window_words = words[start : start + width]
            window = "".join(window_words)
            distance = OSA.distance(window, target)
            if distance and any(
                w != n and w in function_words() for w, n in zip(window_words, name_words, strict=False)
            ):
                # A typo is never a common word: "numérique pour nos …" is not the project "Numérique pour tous".
                continue
            if distance <= _typos_allowed(len(target)):
                best = max(best, 100 - 10 * distance)
    if prefix and best == 0:
        query = "".join(words)
        if len(query) >= 3 and target.startswith(query):
            best = 60
    return best


def find_costs(kb: KnowledgeBase, text: str) -> list[CostItem]:
    """Cost items whose terms (FR or NL) occur in `text`, singular or plural."""
    words = normalise(text)
    joined = f" {' '.join(words)} "
    found = []
    for item in kb.costs:
        for term in [*item.terms_fr, *item.terms_nl]:
            term_words = normalise(term)
            if not term_words:
                continue
            phrase = " ".join(term_words)
            if f" {phrase} " in joined or f" {phrase}s " in joined or f" {phrase}en " in joined:
                found.append(item)
                break
    return found


def beneficiary_names(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(name, beneficiary id) for every way a beneficiary is written: feeds the NLU lookup table."""
    return [(name, b.id) for b in kb.beneficiaries for name in dict.fromkeys(_names(b))]


# A word is distinctive of a project when at most this many project descriptions use it ("vélo cargo", "bus",
# "mamans"), not "formation" or "numérique", which most of them use, and no other fact does: "documents",
# "responsable", "krijgen" are the words of every question.
_DISTINCTIVE = 2
# Stems: "visites"/"visite", "bakfiets"/"bakfietsen" count as one word.
_STEM = 6


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in normalise(text) if len(w) >= 3 and w not in function_words() and w not in _GENERIC}


def _project_words(kb: KnowledgeBase) -> tuple[list[tuple[Beneficiary, set[str]]], set[str]]:
    """Each project's description words, and the words of everything else the knowledge says (not the example
    questions: "un vélo cargo pour les visites à domicile, c'est finançable ?" asks about costs). Read at each call
    (a few milliseconds): only a question asking which project does something gets here."""
    described = [(b, _stems(f"{b.project} {b.description_fr} {b.description_nl}")) for b in kb.beneficiaries]
    said = [f"{item.fr} {item.nl}" for item in [*kb.facts.values(), *kb.costs]]
    return described, _stems(" ".join(said))


def project_doing(kb: KnowledgeBase, text: str) -> Beneficiary | None:
    """The 2023 project whose description alone holds what `text` describes ("celui qui fait des visites à domicile
    avec un vélo cargo" is Halle's Digiplek), when one project stands out by two distinctive words, or one that no
    other description uses; else None."""
    described, general = _project_words(kb)
    asked = _stems(text) - general
    counts: dict[str, int] = {}
    for _, stems in described:
        for stem in stems & asked:
            counts[stem] = counts.get(stem, 0) + 1
    # A word only one description uses counts twice: "bakfiets", "welzijnsapp" alone name their project.
    weight = {stem: _DISTINCTIVE + 1 - n for stem, n in counts.items() if n <= _DISTINCTIVE}
    scored = sorted(((sum(weight.get(s, 0) for s in stems), b) for b, stems in described), key=lambda pair: -pair[0])
    best, runner_up = scored[0][0], scored[1][0]
    return scored[0][1] if best >= 2 and best > runner_up else None
