"""Deflection figures read from Rasa's own tracker store: conversations, handoffs, unanswered questions, intents."""
import json
from datetime import date, datetime, timezone

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from helpdesk.analytics import (TIMEZONE, EventRow, conversations_from, deflection_rate, fallbacks_yaml,
                                helpdesk_stats, read_events, window)
from api.routes.helpdesk.json_api import StatsOut
from helpdesk.db import session_scope
from tests.helpdesk.conftest import fill_scenario

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
    per_day = {d.day.isoformat(): (d.conversations, d.handoffs, d.deflection_rate)
               for d in _stats(database_url, tracker_url).per_day}
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
        ("c", "fr", "ask_costs"), ("b", "nl", "nlu_fallback"), ("d", "nl", "out_of_scope")]
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
    assert {"conversations", "handoffs", "deflection_rate", "fallbacks", "per_day", "top_intents",
            "feedback"} <= set(body)
    assert body["fallbacks"] == 3 and len(body["per_day"]) == 7
    assert body["per_day"][-1] == {"date": "2024-05-10", "conversations": 3, "handoffs": 1, "deflection_rate": 0.6667}
    assert body["top_intents"]["nl"][0]["count"] == 1 and set(body["top_intents"]) == {"fr", "nl"}


def test_the_export_is_rasa_nlu_yaml_with_one_todo_intent_per_language(conversations, database_url, tracker_url):
    fill_scenario(conversations, database_url, now=NOW)
    text = fallbacks_yaml(_stats(database_url, tracker_url).fallbacks, exported_on=NOW.date())
    assert "# TODO intent (fr)" in text and "# TODO intent (nl)" in text
    examples = {(m.get("intent"), m.get("text")) for m in RasaYAMLReader().reads(text).intent_examples}
    assert examples == {("todo_fr", "peut-on payer un abonnement internet ?"),
                        ("todo_nl", "kunnen we een reis naar Rome financieren?"),
                        ("todo_nl", "wat is het leefloon?")}


def test_an_empty_export_still_parses():
    text = fallbacks_yaml([], exported_on=NOW.date())
    assert RasaYAMLReader().reads(text).intent_examples == []


def test_a_tracker_store_rasa_has_not_created_yet_gives_no_conversations(tmp_path):
    assert read_events(f"sqlite:///{tmp_path}/trackers.db", since=0) == []
    assert not (tmp_path / "trackers.db").exists()


def test_the_language_set_after_a_message_is_the_language_of_that_message():
    rows = [EventRow("s", "session_started", 1.0),
            EventRow("s", "user", 2.0, "ask_advance", data='{"text": "hoeveel voorschot?"}'),
            EventRow("s", "slot", 2.1, data='{"event": "slot", "name": "language", "value": "nl"}'),
            EventRow("s", "user", 3.0, "greet", data='{"text": "bonjour"}'),
            EventRow("s", "slot", 3.1, data='{"event": "slot", "name": "language", "value": "fr"}')]
    [conversation] = conversations_from(rows)
    assert [t.language for t in conversation.turns] == ["nl", "fr"]


def test_no_conversations_means_no_rate():
    assert deflection_rate(0, 0) is None and deflection_rate(4, 1) == 0.75


def test_the_window_ends_today_in_belgium():
    late_utc = datetime(2024, 5, 10, 23, 30, tzinfo=timezone.utc)  # already 11 May in Brussels
    since, until, start = window(days=2, now=late_utc)
    assert (since, until) == (date(2024, 5, 10), date(2024, 5, 11))
    assert start == datetime(2024, 5, 10, tzinfo=TIMEZONE).timestamp()
