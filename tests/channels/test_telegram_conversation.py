"""A Telegram user talks to the real assistant through the real bridge, in French and in Dutch."""

import httpx
import pytest

from tests.channels.bridge import bot_api, bridge, buttons, new_user, texts
from tests.e2e.servers import assistant

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with assistant(tmp_path_factory.mktemp("assistant")) as urls:
        yield urls


@pytest.fixture(scope="module")
def api(servers, tmp_path_factory):
    with (
        bot_api() as api,
        bridge(
            api, rasa_url=servers["rasa"], rasa_token=servers["rasa_token"], workdir=tmp_path_factory.mktemp("telegram")
        ),
    ):
        yield api


def said(*parts: str):
    return lambda messages: all(p in texts(messages) for p in parts)


def with_keyboard(messages) -> bool:
    return bool(messages[-1].get("reply_markup"))


def test_start_greets_with_the_first_questions_as_buttons(api, servers):
    user = new_user(api, "fr")
    greeting = user.ask("/start", with_keyboard)[-1]
    assert "assistant Digilab" in greeting["text"]
    assert buttons(greeting)["Quel cluster ?"] == "/ask_cluster"
    assert len(buttons(greeting)) == 4
    tracker = httpx.get(
        f"{servers['rasa']}/conversations/telegram-{user.chat_id}/tracker",
        params={"token": servers["rasa_token"]},
        timeout=30,
    ).json()
    assert any(e.get("event") == "user" for e in tracker["events"])  # one Rasa conversation for this chat


def test_a_french_question_gets_a_french_answer_with_its_source(api):
    user = new_user(api, "fr")
    answer = texts(
        user.ask("subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?", said("Source :"))
    )
    assert "Encore à réclamer : 164\u202f515,75 €" in answer


def test_a_dutch_question_gets_a_dutch_answer_with_its_source(api):
    user = new_user(api, "nl")
    answer = texts(user.ask("Hoeveel voorschot krijgt OCMW Genk?", said("Bron:")))
    assert "Vlotte balie" in answer and "voorschot volgens de bijlage € 70.506,75" in answer


def test_pressing_a_button_sends_its_payload(api):
    user = new_user(api, "fr")
    greeting = user.ask("/start", with_keyboard)[-1]
    asked = user.after(
        lambda: user.press(greeting, "Quel cluster ?"), said("Combien d'habitants"), what="pressing « Quel cluster ? »"
    )
    assert "Combien d'habitants" in texts(asked)
    assert not user.messages()[0].get("reply_markup")  # the used keyboard is gone
    answer = texts(user.ask("42 000", said("Source :")))
    assert "Projets de taille moyenne" in answer and "120\u202f000,00 €" in answer


def test_lang_switches_the_conversation_to_dutch(api):
    user = new_user(api, "fr")
    prompt = user.ask("/lang", with_keyboard)[-1]
    switched = user.after(lambda: user.press(prompt, "NL · Nederlands"), said("Nederlands"), what="pressing NL")
    assert "ik ga verder in het Nederlands" in texts(switched)
    capabilities = user.ask("/help", with_keyboard)[-1]
    assert "Elk antwoord vermeldt zijn bron" in capabilities["text"]
    assert "Welke cluster?" in buttons(capabilities)


def test_help_says_what_the_assistant_can_answer(api):
    user = new_user(api, "fr")
    capabilities = user.ask("/help", with_keyboard)[-1]
    assert "Chaque réponse cite sa source" in capabilities["text"]
    assert buttons(capabilities)["Dépenses éligibles"] == "/ask_costs"
