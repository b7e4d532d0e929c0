"""The source documents cut into passages; every source cited in knowledge/ opens a passage that exists."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest
from pydantic import BaseModel

from knowledge.documents import DOCUMENTS_DIR, cited_parts, default_library, load_library
from knowledge.loader import KnowledgeError, default_knowledge
from knowledge.models import DOCS, SourceRef


def refs_in(value, found):
    """Every SourceRef reachable from the knowledge base: facts, clusters, costs, the annex, disagreements."""
    if isinstance(value, SourceRef):
        found.add((value.doc, value.ref))
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            refs_in(item, found)
    elif is_dataclass(value):
        for f in fields(value):
            refs_in(getattr(value, f.name), found)
    elif isinstance(value, dict):
        for item in value.values():
            refs_in(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            refs_in(item, found)
    return found


KB = default_knowledge()
ALL_REFS = sorted(refs_in([KB.facts, KB.clusters, KB.costs, KB.beneficiaries, KB.issues], set()))


def test_the_knowledge_base_cites_many_refs():
    assert len(ALL_REFS) > 150


@pytest.mark.parametrize("doc,ref", ALL_REFS, ids=lambda v: v)
def test_every_cited_ref_resolves_to_a_passage_that_exists(doc, ref):
    library = default_library()
    anchors = library.anchors(SourceRef(doc=doc, ref=ref))
    assert None not in anchors, f"{doc}: {ref!r} names no passage of knowledge/data/passages.yml"
    assert all(library.documents[doc].passage(a) for a in anchors)


@pytest.mark.parametrize("doc,ref", ALL_REFS, ids=lambda v: v)
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_source_line_links_each_of_its_refs_in_both_languages(doc, ref, lang):
    line = KB.cite(SourceRef(doc=doc, ref=ref), lang=lang)
    parts = cited_parts(KB, default_library(), line, lang=lang)
    assert "".join(p.text for p in parts) == line  # nothing lost or added
    assert [p.doc for p in parts if p.doc and not p.anchor] == [doc]  # the document title
    assert any(p.anchor for p in parts), line


def test_the_documents_are_shipped_whole_and_every_character_is_in_one_passage():
    library = default_library()
    for doc in DOCS:
        text = (DOCUMENTS_DIR / KB.sources[doc].file).read_text(encoding="utf-8")
        assert "".join(p.text for p in library.documents[doc].passages) == text


def test_articles_resolve_to_their_paragraph_or_item():
    library = default_library()
    assert library.anchor("decree_2023", "Art. 7 §2 et §3") == "art-7-2"
    assert library.anchor("decree_2023", "Art. 5 §3, xxiii") == "art-5-3-xxiii"
    assert library.anchor("decree_2023", "Art. 6 §2, a)") == "art-6-2"
    assert library.anchor("decree_2023", "Art. 4") == "art-4"


def test_a_section_title_resolves_to_the_closest_passage_above_it():
    assert (
        default_library().anchor("manual_2008", "Coûts éligibles — Frais de fonctionnement — Energie")
        == "frais-de-fonctionnement"
    )


def test_an_unknown_ref_resolves_to_nothing():
    assert default_library().anchor("slides_2022", "Slide 99 — Nulle part") is None


def test_a_passage_that_does_not_start_where_it_says_is_refused_naming_it(tmp_path):
    bad = tmp_path / "passages.yml"
    bad.write_text(
        "documents:\n  slides_2022:\n    - {id: nowhere, title: X, starts: 'no such text'}\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="slides_2022.nowhere"):
        load_library(KB, bad)


def test_a_dutch_source_line_links_through_its_translated_refs():
    line = KB.cite(SourceRef(doc="decree_2023", ref="Art. 12 ; signature"), lang="nl")
    linked = [(p.text, p.anchor) for p in cited_parts(KB, default_library(), line, lang="nl") if p.anchor]
    assert linked == [("Art. 12; ondertekening", "art-12")]
