"""The five source documents cut into passages, and which passage a cited `ref` names.

The texts are the plain-text extractions of `data/documents/` (the ground truth, shipped as they are);
`data/passages.yml` says where each passage starts and how knowledge/ cites it. Nothing here knows
how a passage is shown: the API renders it, a channel links to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError, constr

from knowledge.loader import DATA_DIR, KnowledgeBase, KnowledgeError, _UniqueKeyLoader, default_knowledge
from knowledge.models import DOCS, SourceRef, Strict

DOCUMENTS_DIR = DATA_DIR / "documents"
PASSAGES_FILE = DATA_DIR / "passages.yml"
# "Art. 7 §2 et §3", "Art. 1 §1–§2", "Art. 5 §3, xxiii": an article, its first paragraph, an item of it.
ARTICLE = re.compile(r"^Art\. (\d+)(?: §(\d+))?(?:[^,]*, ([ivx]+)\.?)?")


class PassageSpec(Strict):
    id: constr(regex=r"^[a-z0-9]+(-[a-z0-9]+)*$")  # type: ignore[valid-type]
    title: str
    starts: str
    also: list[str] = []


@dataclass(frozen=True)
class Passage:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Document:
    doc: str
    passages: tuple[Passage, ...]

    def passage(self, anchor: str) -> Passage | None:
        return next((p for p in self.passages if p.id == anchor), None)


@dataclass(frozen=True)
class Library:
    """Every document by its id, and every title or alias a ref may use, by document."""

    documents: dict[str, Document]
    names: dict[str, dict[str, str]]

    def anchor(self, doc: str, piece: str) -> str | None:
        """The passage one piece of a ref names ("Art. 7 §2", "Coûts éligibles — TVA"), or the closest above it."""
        names = self.names.get(doc, {})
        piece = _clean(piece)
        if doc == "decree_2023":
            found = ARTICLE.match(piece)
            if found:
                art, para, item = found.groups()
                for anchor in (f"art-{art}-{para}-{item}", f"art-{art}-{para}", f"art-{art}"):
                    if self.documents[doc].passage(anchor):
                        return anchor
        while piece:
            if piece in names:
                return names[piece]
            piece = _shorter(piece)
        return None

    def anchors(self, ref: SourceRef) -> list[str | None]:
        """One anchor (or None) per piece of a ref: 'Art. 4 ; Art. 1 §3' names two passages."""
        return [self.anchor(ref.doc, piece) for piece in ref.ref.split(" ; ")]


def _clean(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("...", "…").split()).strip()


def _shorter(piece: str) -> str:
    """The title one level up: the last ' — ', ', ' or ' (…)' part dropped; '' at the top."""
    for cut in (r"\s*\([^)]*\)$", r" — [^—]*$", r", [^,]*$"):
        shorter = re.sub(cut, "", piece)
        if shorter != piece:
            return shorter.strip()
    return ""


def _cut(doc: str, text: str, specs: list[PassageSpec]) -> tuple[Passage, ...]:
    starts = []
    at = 0
    # The extractions keep the no-break spaces of the originals ("2\xa0types"): they match a space.
    haystack = text.replace("\xa0", " ")
    for spec in specs:
        found = haystack.find(spec.starts, at)
        if found < 0:
            raise KnowledgeError(
                PASSAGES_FILE, f"{doc}.{spec.id}", f"starts {spec.starts!r} not found after " f"the previous passage"
            )
        starts.append(found)
        at = found + 1
    # The first passage also holds what comes before it (a title page): no character of the text is left out.
    starts[:1] = [0]
    ends = starts[1:] + [len(text)]
    return tuple(Passage(s.id, s.title, text[a:b]) for s, a, b in zip(specs, starts, ends, strict=False))


def load_library(kb: KnowledgeBase, path: Path = PASSAGES_FILE) -> Library:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    documents, names = {}, {}
    for doc, items in (raw.get("documents") or {}).items():
        if doc not in DOCS:
            raise KnowledgeError(path, doc, f"unknown document (one of {', '.join(DOCS)})")
        try:
            specs = [PassageSpec(**item) for item in items]
        except ValidationError as exc:
            raise KnowledgeError(path, doc, str(exc)) from exc
        ids = [s.id for s in specs]
        if len(set(ids)) != len(ids):
            raise KnowledgeError(path, doc, "two passages share an id")
        text = (DOCUMENTS_DIR / kb.sources[doc].file).read_text(encoding="utf-8")
        documents[doc] = Document(doc, _cut(doc, text, specs))
        names[doc] = {_clean(name): s.id for s in specs for name in [s.title, *s.also]}
    missing = set(DOCS) - set(documents)
    if missing:
        raise KnowledgeError(path, "documents", f"no passages for {', '.join(sorted(missing))}")
    return Library(documents, names)


@lru_cache(maxsize=1)
def default_library() -> Library:
    return load_library(default_knowledge())


@dataclass(frozen=True)
class CitedPart:
    """A run of a source line; `doc` when it names a document, `anchor` when it names a passage of it."""

    text: str
    doc: str | None = None
    anchor: str | None = None


def cited_parts(kb: KnowledgeBase, library: Library, source: str, *, lang: str) -> list[CitedPart]:
    """A source line as `KnowledgeBase.cite` wrote it, cut into runs; each document title and ref links to its passage.

    Joined back, the runs are the line unchanged.
    """
    titles = sorted(((s.nl if lang == "nl" else s.fr, doc) for doc, s in kb.sources.items()), key=lambda t: -len(t[0]))
    found = sorted((m.start(), title, doc) for title, doc in titles for m in re.finditer(re.escape(title), source))
    parts: list[CitedPart] = []
    at = 0
    for i, (start, title, doc) in enumerate(found):
        if start < at:
            continue
        if start > at:
            parts.append(CitedPart(source[at:start]))
        end = found[i + 1][0] if i + 1 < len(found) else len(source)
        refs_text = source[start + len(title) : end]
        parts.append(CitedPart(title, doc))
        parts.extend(_ref_parts(kb, library, doc, refs_text, lang=lang))
        at = end
    if at < len(source):
        parts.append(CitedPart(source[at:]))
    return [p for p in parts if p.text]


def _ref_parts(kb: KnowledgeBase, library: Library, doc: str, text: str, *, lang: str) -> list[CitedPart]:
    """', Art. 6 §1 ; Art. 7 §2 — ' → ', ' + 'Art. 6 §1' (linked) + ' ; ' + 'Art. 7 §2' (linked) + ' — '."""
    lead = re.match(r"^(, )?", text).group(0)
    tail = re.search(r"( — )?$", text[len(lead) :]).group(0)
    body = text[len(lead) : len(text) - len(tail)]
    french = _french_refs(kb, lang)
    parts = [CitedPart(lead)]
    pieces = body.split(" ; ") if body else []
    for i, piece in enumerate(pieces):
        if i:
            parts.append(CitedPart(" ; "))
        anchors = [library.anchor(doc, p) for p in french.get(piece, piece).split(" ; ")]
        anchor = next((a for a in anchors if a), None)
        parts.append(CitedPart(piece, doc if anchor else None, anchor))
    parts.append(CitedPart(tail))
    return parts


@lru_cache(maxsize=2)
def _french_refs_cached(translations: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {nl: fr for fr, nl in translations}


def _french_refs(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    """Dutch ref wording → the French ref it translates (the documents, and their anchors, are French)."""
    if lang != "nl":
        return {}
    back = _french_refs_cached(tuple(sorted(kb.references_nl.items())))
    return {**back, **{nl.replace("; ", " ; "): fr for nl, fr in back.items()}}
