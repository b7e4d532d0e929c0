"""The real bridge against the Bot API stand-in, with the assistant down (no model needed)."""

import os
import subprocess
import sys

import pytest

from tests.channels.bridge import ROOT, bot_api, bridge, buttons, new_user, texts
from tests.e2e.servers import free_port

DOWN_FR = "L'assistant Digilab ne répond pas pour le moment"
DOWN_NL = "De Digilab-assistent antwoordt momenteel niet"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    # Nothing listens on this port: every call to the assistant fails at once.
    with (
        bot_api() as api,
        bridge(api, rasa_url=f"http://127.0.0.1:{free_port()}", workdir=tmp_path_factory.mktemp("telegram-offline")),
    ):
        yield api


def said(text: str):
    return lambda messages: text in texts(messages)


def test_with_the_assistant_down_a_french_user_gets_a_polite_message_and_the_contact(api):
    user = new_user(api, "fr")
    reply = texts(user.ask("/start", said(DOWN_FR)))
    assert "digilab@mi-is.be" in reply and "Réessayez" in reply
    assert any(
        c.params["chat_id"] == user.chat_id and c.params["action"] == "typing" for c in api.called("sendChatAction")
    )


def test_with_the_assistant_down_a_dutch_telegram_user_is_answered_in_dutch(api):
    user = new_user(api, "nl-BE")
    assert "digilab@mi-is.be" in texts(user.ask("Hoeveel voorschot krijgt OCMW Genk?", said(DOWN_NL)))


def test_with_the_assistant_down_a_user_of_another_language_is_answered_in_french(api):
    for code in ("en", None):
        assert new_user(api, code).ask("/help", said(DOWN_FR))


def test_the_language_chosen_with_lang_wins_over_telegrams_language(api):
    user = new_user(api, "fr")
    prompt = user.ask("/lang", lambda m: m[-1].get("reply_markup"))[-1]
    assert "Dans quelle langue" in prompt["text"]
    assert buttons(prompt) == {
        "FR · Français": '/request_language{"language":"fr"}',
        "NL · Nederlands": '/request_language{"language":"nl"}',
    }
    user.after(lambda: user.press(prompt, "NL · Nederlands"), said(DOWN_NL), what="pressing NL")
    assert user.ask("nog een vraag", said(DOWN_NL))


def test_a_pressed_button_is_answered_and_its_keyboard_removed(api):
    user = new_user(api, "nl")
    prompt = user.ask("/lang", lambda m: m[-1].get("reply_markup"))[-1]
    user.after(lambda: user.press(prompt, "FR · Français"), said(DOWN_FR), what="pressing FR")
    assert not user.messages()[0].get("reply_markup")
    assert any(c.params.get("message_id") == prompt["message_id"] for c in api.called("editMessageReplyMarkup"))
    assert api.called("answerCallbackQuery")


def test_a_button_whose_id_was_forgotten_says_so(api):
    user = new_user(api, "fr")
    stale = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": user.chat_id, "type": "private"},
        "text": "…",
        "reply_markup": {"inline_keyboard": [[{"text": "Ancien", "callback_data": "#ff"}]]},
    }
    user.press(stale, "Ancien")
    alert = api.wait(lambda: [c for c in api.called("answerCallbackQuery") if c.params.get("text")], 30)[-1]
    assert "plus valable" in alert.params["text"] and alert.params["show_alert"] == "true"


def test_a_photo_gets_asked_for_text(api):
    user = new_user(api, "nl")
    assert user.after(user.send_photo, said("enkel tekstberichten"), what="a photo")


def test_the_commands_are_described_in_french_and_in_dutch(api):
    menus = {c.params.get("language_code"): c.params["commands"] for c in api.called("setMyCommands")}
    assert set(menus) == {None, "fr", "nl"}
    assert [c["command"] for c in menus["nl"]] == ["start", "help", "lang"]
    assert "néerlandais" in menus["fr"][2]["description"] and "Nederlands" not in menus["fr"][2]["description"]
    assert menus[None] == menus["fr"]


def test_the_bridge_only_calls_bot_api_methods_it_knows(api):
    known = {
        "getMe",
        "deleteWebhook",
        "getUpdates",
        "setMyCommands",
        "sendMessage",
        "sendChatAction",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
    }
    assert {c.method for c in api.calls} <= known


def test_without_a_token_the_bridge_stops_and_says_what_to_set():
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    run = subprocess.run(
        [sys.executable, "-m", "channels.telegram"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0 and "TELEGRAM_BOT_TOKEN is not set" in run.stderr


def test_a_message_longer_than_any_question_is_refused_in_the_users_language(api):
    # Issue 10: Telegram had no maximum; the web chat stops at 2000 characters.
    user = new_user(api, "nl")
    reply = texts(user.ask("vraag " * 400, said("te lang")))
    assert "2000" in reply and DOWN_NL not in reply
