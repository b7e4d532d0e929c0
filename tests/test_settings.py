"""One settings module: each variable has a meaning, and `make run` can read its servers' settings ahead."""

from settings import Settings, settings_from


def test_every_setting_says_what_it_is_for():
    assert [name for name, field in Settings.__fields__.items() if not field.field_info.description] == []


def test_the_settings_of_a_started_server_come_from_its_environment_alone(monkeypatch):
    monkeypatch.setenv("TRACKER_STORE_URL", "memory")
    settings = settings_from({"REDIS_URL": "redis://cache.internal:6380/2", "rasa_port": "6005"})
    assert settings.redis_url == "redis://cache.internal:6380/2" and settings.rasa_port == 6005
    assert settings.tracker_store_url == Settings.__fields__["tracker_store_url"].default
