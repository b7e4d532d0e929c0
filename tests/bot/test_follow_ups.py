"""A short follow-up swaps its word into the question before it; a cited article brings its items forward."""

import pytest

from bot.actions.answers import swapped, with_article
from bot.retrieval import Scored


@pytest.mark.parametrize(
    ("earlier", "text", "expected"),
    [
        (
            "over welke periode gaat de eerste schuldvordering?",
            "en de tweede?",
            "over welke periode gaat de tweede schuldvordering?",
        ),
        (
            "vulnérabilité numérique en 2021 en Belgique ?",
            "et en Wallonie ?",
            "vulnérabilité numérique en 2021 en Wallonie ?",
        ),
        (
            "quel est le montant minimum pour l'appel 2022 ?",
            "et en 2008 ?",
            "quel est le montant minimum pour l'appel 2008 ?",
        ),
    ],
)
def test_a_short_follow_up_swaps_its_word_into_the_question_before(earlier, text, expected):
    assert swapped(earlier, text) == expected


@pytest.mark.parametrize(
    ("earlier", "text"),
    [
        ("Appel 2022 CPAS : formulaire à rendre pour quand ?", "a quelle heure max ?"),
        ("la première déclaration, c'est quand ?", "et la première déclaration, il faut quels documents exactement ?"),
    ],
)
def test_nothing_is_swapped_without_a_counterpart_or_in_a_long_follow_up(earlier, text):
    assert swapped(earlier, text) is None


def test_the_items_of_a_cited_article_come_forward():
    ranking = [Scored("cpas_2023.balance_condition_objectives", -0.6), Scored("cpas_2023.refund_cases", -0.7)]
    ahead = with_article(ranking, "art. 8 de l'AR : si le projet n'atteint pas les cibles ?")
    assert ahead[0].id == "cpas_2023.refund_cases" and ahead[0].score == pytest.approx(-0.4)
    assert with_article(ranking, "si le projet n'atteint pas les cibles ?") == ranking


@pytest.mark.parametrize(
    ("best", "calls", "expected"),
    [
        ("cpas_2023.period_start", ["cpas_2022"], "cpas_2022.funding_period"),
        ("ict_2008.coverage_rate", ["cpas_2022"], "cpas_2022.cofinancing_rate"),
        ("cpas_2023.vat", ["ict_2008"], "ict_2008.vat"),
        ("ict_2008.period_end", [], "cpas_2023.period_end"),
    ],
)
def test_a_question_worded_like_another_calls_item_gets_the_item_of_the_call_asked(best, calls, expected):
    from bot.actions.answers import THRESHOLD, choose

    ranking = [Scored(best, -0.1), Scored("programme.budget_project_page", -0.9)]
    chosen = choose(ranking, calls=calls, threshold=THRESHOLD, two=False)
    assert [s.id for s in chosen] == [expected] and chosen[0].score == pytest.approx(-0.2)


def test_an_item_without_a_counterpart_in_the_call_asked_is_not_replaced():
    from bot.actions.answers import THRESHOLD, choose

    assert choose([Scored("ict_2008.min_grant", -0.1)], calls=["cpas_2022"], threshold=THRESHOLD, two=False) == []
