"""Deflection figures read from Rasa's own tracker store: conversations, handoffs, unanswered questions, intents."""

import json
from collections import Counter
from datetime import date, datetime, timezone

import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from api.routes.helpdesk.json_api import StatsOut
from helpdesk.analytics import (
    OUTCOMES,
    SOURCE_LINE,
    TIMEZONE,
    EventRow,
    conversations_from,
    deflection_rate,
    fallbacks_yaml,
    helpdesk_stats,
    read_events,
    window,
)
from helpdesk.db import session_scope
from tests.helpdesk.conftest import OUTCOMES_BY_HAND, ROOT, fill_outcomes, fill_scenario

NOW = datetime(2024, 5, 10, 15, 30, tzinfo=TIMEZONE)


def _stats(database_url, tracker_url, days=30):
    with session_scope(database_url) as session:
        return helpdesk_stats(tracker_store_url=tracker_url, helpdesk_session=session, days=days, now=NOW)


def test_conversations_handoffs_and_deflection_rate(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    stats = _stats(database_url, tracker_url)
    assert (stats.conversations, stats.handoffs) == (5, 2)
    assert stats.deflection_rate == 0.6


def test_conversations_are_counted_per_belgian_day(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    per_day = {
        d.day.isoformat(): (d.conversations, d.handoffs, d.deflection_rate)
        for d in _stats(database_url, tracker_url).per_day
    }
    assert len(per_day) == 30 and min(per_day) == "2024-04-11" and max(per_day) == "2024-05-10"
    # The ticket of "c" was created at 00:25 Brussels time, still 9 May in UTC: it counts on 10 May.
    assert per_day["2024-05-10"] == (3, 1, 0.6667)
    assert per_day["2024-05-09"] == (1, 0, 1.0)
    assert per_day["2024-05-08"] == (1, 1, 0.0)
    assert per_day["2024-05-07"] == (0, 0, None)


def test_unanswered_questions_keep_their_text_and_language(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    fallbacks = _stats(database_url, tracker_url).fallbacks
    assert [(f.sender_id, f.language, f.intent) for f in fallbacks] == [
        ("c", "fr", "ask_costs"),
        ("b", "nl", "nlu_fallback"),
        ("d", "nl", "out_of_scope"),
    ]
    assert fallbacks[0].text == "peut-on payer un abonnement internet ?"


def test_top_intents_are_split_by_language(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    top = _stats(database_url, tracker_url).top_intents
    assert top["fr"][0] == ("ask_cluster", 2)
    assert dict(top["fr"]) == {"ask_cluster": 2, "greet": 1, "thank": 1, "ask_costs": 1, "human_handoff": 1}
    assert dict(top["nl"]) == {"ask_advance": 1, "nlu_fallback": 1, "out_of_scope": 1}


def test_feedback_counts_come_with_the_stats(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    assert _stats(database_url, tracker_url).feedback == {"up": 2, "down": 1}


def test_a_longer_window_reaches_older_conversations(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    stats = _stats(database_url, tracker_url, days=60)
    assert (stats.conversations, len(stats.fallbacks)) == (6, 4)


def test_the_stats_json_has_the_agreed_shape(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    body = json.loads(StatsOut.of(_stats(database_url, tracker_url, days=7)).json())
    assert {"conversations", "handoffs", "deflection_rate", "fallbacks", "per_day", "top_intents", "feedback"} <= set(
        body
    )
    assert body["fallbacks"] == 3 and len(body["per_day"]) == 7
    assert body["per_day"][-1] == {"date": "2024-05-10", "conversations": 3, "handoffs": 1, "deflection_rate": 0.6667}
    assert body["top_intents"]["nl"][0]["count"] == 1 and set(body["top_intents"]) == {"fr", "nl"}


def test_the_export_is_rasa_nlu_yaml_with_one_todo_intent_per_language(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    text = fallbacks_yaml(_stats(database_url, tracker_url).fallbacks, exported_on=NOW.date())
    assert "# TODO intent (fr)" in text and "# TODO intent (nl)" in text
    examples = {(m.get("intent"), m.get("text")) for m in RasaYAMLReader().reads(text).intent_examples}
    assert examples == {
        ("todo_fr", "peut-on payer un abonnement internet ?"),
        ("todo_nl", "kunnen we een reis naar Rome financieren?"),
        ("todo_nl", "wat is het leefloon?"),
    }


def test_an_empty_export_still_parses():
    text = fallbacks_yaml([], exported_on=NOW.date())
    assert RasaYAMLReader().reads(text).intent_examples == []


def test_a_tracker_store_rasa_has_not_created_yet_gives_no_conversations(tmp_path):
    assert read_events(f"sqlite:///{tmp_path}/trackers.db", since=0) == []
    assert not (tmp_path / "trackers.db").exists()


def test_the_language_set_after_a_message_is_the_language_of_that_message():
    rows = [
        EventRow("s", "session_started", 1.0),
        EventRow("s", "user", 2.0, "ask_advance", data='{"text": "hoeveel voorschot?"}'),
        EventRow("s", "slot", 2.1, data='{"event": "slot", "name": "language", "value": "nl"}'),
        EventRow("s", "user", 3.0, "greet", data='{"text": "bonjour"}'),
        EventRow("s", "slot", 3.1, data='{"event": "slot", "name": "language", "value": "fr"}'),
    ]
    [conversation] = conversations_from(rows)
    assert [t.language for t in conversation.turns] == ["nl", "fr"]


def test_no_conversations_means_no_rate():
    assert deflection_rate(0, 0) is None and deflection_rate(4, 1) == 0.75


def test_the_window_ends_today_in_belgium():
    late_utc = datetime(2024, 5, 10, 23, 30, tzinfo=timezone.utc)  # already 11 May in Brussels
    since, until, start = window(days=2, now=late_utc)
    assert (since, until) == (date(2024, 5, 10), date(2024, 5, 11))
    assert start == datetime(2024, 5, 10, tzinfo=TIMEZONE).timestamp()


def test_each_conversation_has_one_outcome_as_counted_by_hand(conversations, database_url, tracker_url):
    fill_outcomes(conversations, database_url, now=NOW)
    result = _stats(database_url, tracker_url, days=7).breakdown
    by_hand = Counter(outcome for _, _, outcome in OUTCOMES_BY_HAND.values())
    assert (
        result.total
        == {"answered": 3, "fell_back": 1, "handed_off": 1, "thumbs_down": 1, "abandoned": 2, "no_answer": 2}
        == {o: by_hand[o] for o in OUTCOMES}
    )
    assert result.answered_rate == 0.3


def test_the_outcomes_are_split_per_day_and_language_as_counted_by_hand(conversations, database_url, tracker_url):
    fill_outcomes(conversations, database_url, now=NOW)
    per_day = dict(_stats(database_url, tracker_url, days=7).breakdown.per_day)
    for days_ago, day in ((0, date(2024, 5, 10)), (1, date(2024, 5, 9))):
        for lang in ("fr", "nl"):
            by_hand = Counter(o for d, lg, o in OUTCOMES_BY_HAND.values() if (d, lg) == (days_ago, lang))
            assert per_day[day][lang] == {o: by_hand[o] for o in OUTCOMES}, (day, lang)
    assert per_day[date(2024, 5, 10)]["fr"] == {
        "answered": 2,
        "fell_back": 0,
        "handed_off": 1,
        "thumbs_down": 1,
        "abandoned": 0,
        "no_answer": 0,
    }
    assert sum(per_day[date(2024, 5, 8)]["fr"].values()) == 0


def test_the_stats_json_carries_the_breakdown_beside_todays_keys(conversations, database_url, tracker_url):
    fill_outcomes(conversations, database_url, now=NOW)
    body = json.loads(StatsOut.of(_stats(database_url, tracker_url, days=7)).json())
    breakdown = body["breakdown"]
    assert {k: breakdown[k] for k in ("answered", "fell_back", "handed_off", "thumbs_down", "abandoned")} == {
        "answered": 3,
        "fell_back": 1,
        "handed_off": 1,
        "thumbs_down": 1,
        "abandoned": 2,
    }
    assert breakdown["no_answer"] == 2 and breakdown["answered_rate"] == 0.3
    assert breakdown["per_language"]["nl"]["abandoned"] == 2
    assert breakdown["per_day"][-1]["date"] == "2024-05-10" and breakdown["per_day"][-1]["fr"]["answered"] == 2
    assert body["conversations"] == 10 and body["feedback"] == {"up": 1, "down": 2}


def test_every_response_that_cites_a_source_is_seen_as_an_answer():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    cited = [
        v["text"] for variations in domain["responses"].values() for v in variations if "{source}" in v.get("text", "")
    ]
    assert len(cited) > 10
    for text in cited:
        assert SOURCE_LINE.search(text.replace("{source}", "Arrêté royal, art. 5")), text


def test_what_is_typed_into_the_handoff_form_is_no_unanswered_question():
    rows = [
        EventRow("s", "session_started", 1.0),
        EventRow("s", "user", 2.0, "human_handoff", data='{"text": "/human_handoff"}'),
        EventRow("s", "active_loop", 2.1, data='{"event": "active_loop", "name": "handoff_form"}'),
        EventRow("s", "user", 3.0, "nlu_fallback", data='{"text": "Namur"}'),
        EventRow("s", "action", 3.1, action_name="action_dont_know"),
        EventRow("s", "user", 4.0, "nlu_fallback", data='{"text": "marie@cpasliege.be"}'),
        EventRow("s", "active_loop", 4.1, data='{"event": "active_loop", "name": null}'),
        EventRow("s", "user", 5.0, "nlu_fallback", data='{"text": "et la météo ?"}'),
    ]
    [conversation] = conversations_from(rows)
    assert [t.text for t in conversation.turns if t.fallback] == ["et la météo ?"]
    assert [t.form_input for t in conversation.turns] == [False, True, True, False]


def test_unanswered_questions_are_grouped_by_wording_and_language_most_asked_first():
    from helpdesk.analytics import Turn, filter_groups, group_questions, page_of

    turns = [
        Turn("a", 1.0, "Peut-on payer internet ?", "ask_costs", "fr"),
        Turn("b", 2.0, "peut-on payer  INTERNET", "nlu_fallback", "fr"),
        Turn("c", 3.0, "mag ik naar Rome?", "nlu_fallback", "nl"),
        Turn("d", 4.0, "/human_handoff", "human_handoff", "fr"),
    ]
    groups = group_questions(turns)
    assert [(g.language, g.text, g.count, g.conversations) for g in groups] == [
        ("fr", "peut-on payer  INTERNET", 2, ["b", "a"]),
        ("nl", "mag ik naar Rome?", 1, ["c"]),
    ]
    assert dict(groups[0].intents) == {"ask_costs": 1, "nlu_fallback": 1}
    assert [g.language for g in filter_groups(groups, language="nl")] == ["nl"]
    assert [g.count for g in filter_groups(groups, contains="Payer internet")] == [2]
    page = page_of(list(range(60)), number=3, size=25)
    assert (page.rows, page.number, page.pages, page.total) == (list(range(50, 60)), 3, 3, 60)
    assert page_of([], number=4, size=25).number == 1
