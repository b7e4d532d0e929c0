"""The answer action keeps the ranking score of the item it gave: the helpdesk's review queue reads it."""

import pytest

from bot.actions.route import ActionAnswer
from tests.bot.conftest import run, tracker

pytestmark = pytest.mark.model  # the knowledge index that `make train` builds


def test_a_knowledge_answer_keeps_its_ranking_score(domain):
    events, replies = run(ActionAnswer(), tracker("c'est quoi le principe DNSH ?", intent="ask_dnsh"), domain)
    [score] = [e["value"] for e in events if e.get("name") == "answer_score"]
    assert isinstance(score, float) and score >= -0.45 and "Source" in replies[-1]


def test_i_dont_know_keeps_no_score(domain):
    events, _ = run(ActionAnswer(), tracker("quelle est la météo à Namur demain ?", intent="out_of_scope"), domain)
    assert not [e for e in events if e.get("name") == "answer_score"]
