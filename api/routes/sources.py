"""The source documents as readable pages: /sources/{doc}, one anchor per article or section (issue 13)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import get_knowledge, get_lang
from knowledge.documents import Library, Passage, default_library
from knowledge.loader import KnowledgeBase
from knowledge.models import DOCS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
# As the chat page: nothing but our own files.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
router = APIRouter(prefix="/sources", include_in_schema=False)

WORDS = {
    "fr": {
        "sources": "Documents sources",
        "back": "Retour à l'assistant",
        "contents": "Sommaire",
        "skip": "Aller au texte",
        "language": "Langue de la page",
        "only_fr": "",
        "intro": "Le texte du document tel que l'assistant le cite, une ancre par article ou section.",
        "top": "Haut de page",
    },
    "nl": {
        "sources": "Brondocumenten",
        "back": "Terug naar de assistent",
        "contents": "Inhoud",
        "skip": "Naar de tekst",
        "language": "Taal van de pagina",
        "only_fr": "Dit document bestaat alleen in het Frans: de titels zijn vertaald, de tekst is de "
        "oorspronkelijke Franse tekst.",
        "intro": "De tekst van het document zoals de assistent het citeert, een anker per artikel of afdeling.",
        "top": "Naar boven",
    },
}


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    lines: tuple[str, ...]


_DROP = [re.compile(p, re.S) for p in (r"\[image:[^\]]*\]", r"\[bookmark: [^\]]*\]", r"\]\s*$")]
_BULLET = re.compile(r"^\s*(?:[-•·*]|\u2022)\s+")


def _clean(line: str) -> str:
    line = re.sub(r"\[([^\]]+)\]\((?:mailto:|https?://)[^)]*\)", r"\1", line)  # [text](link) → text
    line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
    line = re.sub(r"<sup>(.*?)</sup>", r"\1", line)
    line = re.sub(r"\^\{(.*?)\}", r"\1", line)
    line = re.sub(r"\[footnoteRef:(\d+)\]", r"[\1]", line)
    line = re.sub(r"<[^>]+>", "", line)
    line = re.sub(r"^#+\s*", "", line).replace("**", "").replace("\t", " — ")
    return line.replace("*", "").strip()


def blocks(text: str) -> list[Block]:
    """A passage's plain text as paragraphs and lists, the extraction's markup and image stubs removed."""
    for pattern in _DROP[:2]:
        text = pattern.sub("", text)
    text = re.sub(r"</?(?:p|li|ul)[^>]*>", "\n", text)
    out: list[Block] = []
    current: list[str] = []
    kind = "p"

    def flush() -> None:
        nonlocal current
        if current:
            out.append(Block(kind, tuple(current)))
        current = []

    for raw in text.split("\n"):
        bullet = bool(_BULLET.match(raw))
        line = _clean(_BULLET.sub("", raw) if bullet else raw)
        if not line or line in {"]", "--"}:
            flush()
            continue
        wanted = "ul" if bullet else "p"
        if wanted != kind or wanted == "ul" and not bullet:
            flush()
            kind = wanted
        current.append(line)
    flush()
    return out


def heading(kb: KnowledgeBase, passage: Passage, lang: str) -> str:
    """The passage's title; in Dutch where references_nl translates it."""
    if lang != "nl":
        return passage.title
    return kb.references_nl.get(passage.title) or passage.title


def get_library() -> Library:
    return default_library()


@router.get("", response_class=HTMLResponse)
def index(request: Request, lang: str = Depends(get_lang), kb: KnowledgeBase = Depends(get_knowledge)):
    documents = [(doc, kb.sources[doc].nl if lang == "nl" else kb.sources[doc].fr) for doc in DOCS]
    return TEMPLATES.TemplateResponse(
        request, "sources/index.html", headers=HEADERS, context={"lang": lang, "w": WORDS[lang], "documents": documents}
    )


@router.get("/{doc}", response_class=HTMLResponse)
def document(
    request: Request,
    doc: str,
    lang: str = Depends(get_lang),
    kb: KnowledgeBase = Depends(get_knowledge),
    library: Library = Depends(get_library),
):
    if doc not in library.documents:
        raise HTTPException(status_code=404, detail="no such document")
    source = kb.sources[doc]
    passages = [(p.id, heading(kb, p, lang), blocks(p.text)) for p in library.documents[doc].passages]
    return TEMPLATES.TemplateResponse(
        request,
        "sources/document.html",
        headers=HEADERS,
        context={
            "lang": lang,
            "w": WORDS[lang],
            "doc": doc,
            "title": source.nl if lang == "nl" else source.fr,
            "passages": passages,
        },
    )
