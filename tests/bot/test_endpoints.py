"""Embedded stores by default; PostgreSQL tracker store and Redis lock store from the environment."""

from bot.endpoints import endpoints


def test_defaults_are_a_sqlite_tracker_store_and_no_lock_server():
    config = endpoints({})
    assert config["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": "trackers.db"}
    assert "lock_store" not in config
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"


def test_production_settings_come_from_the_environment():
    config = endpoints(
        {
            "TRACKER_STORE_URL": "postgresql://rasa:secret@db.internal:5433/assistant",
            "REDIS_URL": "redis://cache.internal:6380/2",
        }
    )
    assert config["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "assistant",
        "username": "rasa",
        "password": "secret",
    }
    assert config["lock_store"] == {"type": "redis", "url": "cache.internal", "port": 6380, "db": 2}


def test_connection_options_of_the_tracker_store_url_reach_the_driver():
    config = endpoints({"TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dt1"})
    assert config["tracker_store"]["query"] == {"options": "-csearch_path=t1"}


def test_the_tracker_store_can_be_kept_in_memory():
    assert "tracker_store" not in endpoints({"TRACKER_STORE_URL": "memory"})


def test_the_rasa_server_still_refuses_a_malformed_action_response():
    import pytest
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_server import _validate_action_result

    action = RemoteAction("action_answer", None)
    assert _validate_action_result(action, {"events": [], "responses": [{"text": "ok"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        _validate_action_result(action, {"events": [{"event": "slot", "name": 3}], "responses": []})
