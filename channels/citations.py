"""Source lines as links: each document and article a channel shows opens its passage at /sources/{doc}#{anchor}."""

from __future__ import annotations

from urllib.parse import urlencode

from knowledge.documents import cited_parts, default_library
from knowledge.loader import default_knowledge


def source_path(doc: str, *, lang: str, anchor: str | None = None) -> str:
    """Where the API serves a document (`api/routes/sources.py`), opened at a passage."""
    return f"/sources/{doc}?{urlencode({'lang': lang})}" + (f"#{anchor}" if anchor else "")


def source_links(source: str, *, lang: str) -> list[tuple[str, str | None]]:
    """A source line as runs of (text, path or None); joined, the texts are the line."""
    return [
        (p.text, source_path(p.doc, lang=lang, anchor=p.anchor) if p.doc else None)
        for p in cited_parts(default_knowledge(), default_library(), source, lang=lang)
    ]


def passage_urls(source: str, *, lang: str, base_url: str) -> list[str]:
    """The full address of every passage a source line cites, once each, in order (for text-only channels)."""
    urls: list[str] = []
    for part in cited_parts(default_knowledge(), default_library(), source, lang=lang):
        if part.anchor:
            url = base_url.rstrip("/") + source_path(part.doc, lang=lang, anchor=part.anchor)
            if url not in urls:
                urls.append(url)
    return urls
