"""/sources/{doc}: every document as a page, one anchor per passage, Dutch titles where they exist."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import app
from api.routes.sources import blocks
from knowledge.documents import default_library
from knowledge.models import DOCS

client = TestClient(app)


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_document_is_a_page_with_an_anchor_per_passage(doc, lang):
    r = client.get(f"/sources/{doc}", params={"lang": lang})
    assert r.status_code == 200 and f'<html lang="{lang}">' in r.text
    ids = set(re.findall(r'<section class="passage" id="([^"]+)"', r.text))
    assert ids == {p.id for p in default_library().documents[doc].passages}
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_the_dutch_page_says_the_text_is_french_and_translates_the_titles():
    text = client.get("/sources/decree_2023", params={"lang": "nl"}).text
    assert "Dit document bestaat alleen in het Frans" in text and ">Bijlage <a" in text
    assert '<div lang="fr">' in text


def test_an_unknown_document_is_a_404():
    assert client.get("/sources/nothing").status_code == 404


def test_the_index_lists_the_five_documents():
    text = client.get("/sources").text
    assert all(f'href="/sources/{doc}?lang=fr"' in text for doc in DOCS)


def test_extraction_markup_is_cleaned_into_paragraphs_and_lists():
    out = blocks("## Titre\n\n- **un** point\n- deux<sup>e</sup>\n[image: logo]\nFin <p>texte</p>")
    assert [(b.kind, b.lines) for b in out] == [
        ("p", ("Titre",)),
        ("ul", ("un point", "deuxe")),
        ("p", ("Fin", "texte")),
    ]
