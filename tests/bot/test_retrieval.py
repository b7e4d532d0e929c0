"""Every knowledge item can be reached: a question it never learnt from brings it first."""

from collections import defaultdict

import pytest

from bot.retrieval import HELD_OUT, answerable, examples, held_out
from bot.retrieval import retriever as built


@pytest.fixture(scope="module")
def retriever(kb):
    return built()


@pytest.mark.model  # ranks every held-out question: about 30 s
def test_every_fact_cost_item_and_disagreement_is_reached_by_a_held_out_question(kb, retriever):
    first = defaultdict(bool)
    for item_id, _, question in held_out(kb):
        ranked = answerable(retriever.rank(question))
        first[item_id] |= bool(ranked) and ranked[0].id == item_id
    items = {*kb.facts, *(c.id for c in kb.costs), *(i.id for i in kb.recorded_issues())}
    assert set(first) == items and [i for i in items if not first[i]] == []


def test_held_out_questions_are_never_learnt(kb):
    learnt = {text for _, text in examples(kb)}
    assert all(question not in learnt for _, _, question in held_out(kb))
    assert len(held_out(kb)) == 2 * HELD_OUT * len(kb.questions)


def test_staffs_abbreviations_are_spelled_out_before_ranking():
    from bot.retrieval import spelled_out

    assert spelled_out("wa moet er allemaal bij de SV") == "wa moet er allemaal bij de schuldvordering"
    assert spelled_out("les PJ de la DC de mai") == "les pièces justificatives de la déclaration de créance de mai"
