"""No amount, rate or date is typed in the replies: every number a reply states comes from knowledge/."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d+)*")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).lstrip("0") or "0"


@pytest.fixture(scope="module")
def known(kb):
    """Every number the knowledge base holds as a parameter, or in the titles of its sources (call years, dates)."""
    values = set()
    for fact in kb.facts.values():
        if fact.value is None:
            continue
        if fact.unit == "ratio":
            values.add(_digits(str(fact.decimal * 100).rstrip("0").rstrip(".")))
        elif fact.unit == "date":
            values |= {_digits(part) for part in fact.value.split("-")}
        else:
            values |= {_digits(fact.value), _digits(fact.value.split(".")[0])}
    for source in kb.sources.values():
        values |= {_digits(n) for n in _NUMBER.findall(f"{source.fr} {source.nl}")}
    return values


def _reply_texts():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variations in domain["responses"].items():
        for v in variations:
            yield name, v.get("text", "")
            for button in v.get("buttons", []):
                yield name, button["title"]
    messages = yaml.safe_load((ROOT / "knowledge" / "messages.yml").read_text(encoding="utf-8"))
    for code, message in messages.items():
        if not code.startswith("hd_"):  # the helpdesk's own pages are not answers
            yield code, message["fr"]
            yield code, message["nl"]


def typed(texts, known):
    """(name, number) for each number stated outside a {parameter} that knowledge/ does not hold."""
    return [
        (name, n)
        for name, text in texts
        for n in _NUMBER.findall(re.sub(r"\{[^}]*\}", "", text))
        if _digits(n) not in known
    ]


def test_every_number_in_a_reply_is_a_knowledge_parameter(known):
    assert typed(_reply_texts(), known) == []


def test_a_typed_figure_is_caught_but_a_parameter_is_not(known):
    texts = [("utter_x", "Avance de 30 % ({rate}) sur 4 711,50 €")]
    assert typed(texts, known) == [("utter_x", "4 711,50")]
