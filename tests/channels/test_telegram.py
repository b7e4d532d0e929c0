"""The bridge's pure parts: cutting long texts, Rasa replies as keyboards, the payload map, languages, settings."""

import io
import logging
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import channels.telegram
from channels.rasa import Answer, Button, answers_from_rasa
from channels.telegram import (
    PayloadMap,
    WebhookSecretMissing,
    build_application,
    keyboard,
    language_payload,
    reply_language,
    requested_language,
    sender_for,
    split_text,
    telegram_language,
    telegram_messages,
    webhook_options,
)
from settings import Settings

GREETING = {
    "recipient_id": "telegram-42",
    "text": "Bonjour ! Je suis l'assistant Digilab.",
    "buttons": [
        {"title": "Quel cluster ?", "payload": "/ask_cluster"},
        {"title": "Calculer l'avance", "payload": "/ask_advance"},
    ],
}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_short_answer_is_one_message():
    assert split_text("Source : Arrêté royal, Art. 6 §1") == ["Source : Arrêté royal, Art. 6 §1"]


def test_an_empty_answer_is_no_message():
    assert split_text("  \n ") == []


def test_a_long_answer_is_cut_between_paragraphs():
    paragraphs = [f"§{i} " + " ".join(["mot"] * 400) for i in range(6)]  # 1 602 characters each
    parts = split_text("\n\n".join(paragraphs))
    # Two paragraphs fit in 4 096 characters, three do not.
    assert parts == ["\n\n".join(paragraphs[i : i + 2]) for i in (0, 2, 4)]


def test_a_paragraph_longer_than_a_message_is_cut_between_lines():
    lines = [f"ligne {i:03d} " + "x" * 90 for i in range(100)]
    parts = split_text("\n".join(lines))
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert all(p.startswith("ligne ") and p.endswith("x") for p in parts)


def test_a_line_without_spaces_is_cut_hard_at_the_limit():
    assert [len(p) for p in split_text("a" * 10000)] == [4096, 4096, 1808]


def test_the_limit_counts_utf16_units_as_telegram_does():
    # 😀 is outside the BMP: two UTF-16 units, so only 2048 of them fit in one message.
    parts = split_text("😀" * 3000)
    assert [utf16(p) for p in parts] == [4096, 1904]


@given(st.text(alphabet=st.sampled_from("ab é€😀 \n"), max_size=300), st.integers(min_value=2, max_value=40))
def test_cutting_keeps_every_character_and_respects_the_limit(text, limit):
    parts = split_text(text, limit=limit)
    assert all(p and p == p.strip() and utf16(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_rasa_buttons_become_an_inline_keyboard_one_button_per_row():
    (answer,) = answers_from_rasa([GREETING])
    assert answer.buttons == [Button("Quel cluster ?", "/ask_cluster"), Button("Calculer l'avance", "/ask_advance")]
    markup = keyboard(answer.buttons, PayloadMap())
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [
        [("Quel cluster ?", "/ask_cluster")],
        [("Calculer l'avance", "/ask_advance")],
    ]


def test_an_answer_and_its_source_go_out_as_one_telegram_message():
    answers = answers_from_rasa([{"text": "Avance = 30 % × 100 €."}, {"text": "Source : Arrêté royal, Art. 6 §1"}])
    assert telegram_messages(answers, PayloadMap()) == [
        ("Avance = 30 % × 100 €.\n\nSource : Arrêté royal, Art. 6 §1", None)
    ]


def test_the_keyboard_of_a_long_answer_rides_on_its_last_part():
    long = Answer("paragraphe " * 800, buttons=[Button("Échéances", "/ask_deadlines")])
    sent = telegram_messages([Answer("Bonjour"), long], PayloadMap())
    assert [markup is not None for _, markup in sent] == [False, False, False, True]
    assert sent[0][0] == "Bonjour"


def test_a_payload_that_fits_64_bytes_is_its_own_callback_data():
    payloads = PayloadMap()
    assert payloads.data_for('/request_language{"language":"nl"}') == '/request_language{"language":"nl"}'
    assert payloads.payload_for("/ask_cluster") == "/ask_cluster"


def test_a_long_payload_gets_a_short_id_that_leads_back_to_it():
    payloads = PayloadMap()
    payload = '/ask_advance{"amount": "235022.50", "organisation": "CPAS de Saint-Josse-ten-Noode"}'
    data = payloads.data_for(payload)
    assert len(data.encode()) <= 64 and data.startswith("#")
    assert payloads.payload_for(data) == payload
    assert payloads.data_for(payload) == data  # the same payload keeps its id


def test_a_payload_is_measured_in_bytes_not_characters():
    payload = '/inform{"organisation": "' + "é" * 30 + '"}'  # 57 characters, 87 bytes
    assert PayloadMap().data_for(payload).startswith("#")


def test_a_payload_that_looks_like_an_id_is_mapped_too():
    payloads = PayloadMap()
    data = payloads.data_for("#hashtag")
    assert data != "#hashtag" and payloads.payload_for(data) == "#hashtag"


def test_old_ids_are_forgotten_beyond_the_capacity():
    payloads = PayloadMap(capacity=2)
    ids = [payloads.data_for("/inform" + "x" * 60 + str(i)) for i in range(3)]
    assert payloads.payload_for(ids[0]) is None
    assert payloads.payload_for(ids[2]).endswith("2")


def test_an_unknown_id_has_no_payload():
    assert PayloadMap().payload_for("#ff") is None


def test_one_rasa_conversation_per_chat():
    assert sender_for(42) == "telegram-42" and sender_for(-1001234) == "telegram--1001234"


@pytest.mark.parametrize(
    "payload, lang",
    [
        ('/request_language{"language":"nl"}', "nl"),
        ('/request_language{"language": "fr"}', "fr"),
        ('/request_language{"language":"de"}', None),
        ("/request_language", None),
        ("/ask_cluster", None),
    ],
)
def test_the_language_a_payload_asks_for(payload, lang):
    assert requested_language(payload) == lang


def test_the_lang_buttons_send_the_request_language_intent():
    assert language_payload("fr") == '/request_language{"language":"fr"}'
    assert requested_language(language_payload("nl")) == "nl"


@pytest.mark.parametrize(
    "code, lang",
    [
        ("nl", "nl"),
        ("nl-BE", "nl"),
        ("fr-BE", "fr"),
        ("FR", "fr"),
        ("en", None),
        ("de", None),
        (None, None),
        ("", None),
    ],
)
def test_telegram_language_codes(code, lang):
    assert telegram_language(code) == lang


def test_the_reply_language_is_the_chats_then_telegrams_then_french():
    assert reply_language(known="fr", language_code="nl-BE") == "fr"
    assert reply_language(known=None, language_code="nl-BE") == "nl"
    assert reply_language(known=None, language_code="en") == "fr"
    assert reply_language(known=None, language_code=None) == "fr"


SECRET = "k3Yq_9vVx-2LmT8pR4sW6zN1"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.be/telegram")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_PORT", "8443")
    monkeypatch.delenv("RASA_URL", raising=False)
    settings = Settings()
    assert settings.telegram_bot_token == "1:abc" and settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_webhook_url == "https://bot.example.be/telegram" and settings.telegram_webhook_port == 8443
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_by_default_the_bridge_polls_telegram_itself(monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.telegram_bot_token is None and settings.telegram_webhook_url is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"


def test_in_webhook_mode_the_bridge_listens_on_the_public_urls_path(monkeypatch):
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.be/digilab/telegram")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    assert webhook_options(Settings()) == {
        "listen": "0.0.0.0",
        "port": 8443,
        "url_path": "digilab/telegram",
        "webhook_url": "https://bot.example.be/digilab/telegram",
        "secret_token": SECRET,
    }


@pytest.mark.parametrize("secret", [None, "s3cret", "x" * 23, "with space and long enough to pass the length"])
def test_webhook_mode_refuses_a_missing_short_or_malformed_secret(monkeypatch, secret):
    # Issue 10: without a secret the bridge accepted forged updates posted to its URL.
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.be/digilab/telegram")
    if secret is None:
        monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    else:
        monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    with pytest.raises(WebhookSecretMissing, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(Settings())


def test_updates_are_handled_concurrently(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    assert build_application(Settings()).update_processor.max_concurrent_updates > 1


def test_every_telegram_message_exists_in_french_and_in_dutch(kb):
    # The codes the bridge says, read from its code: a message it uses cannot be missing or left untranslated.
    used = set(re.findall(r'"(telegram_\w+)"', Path(channels.telegram.__file__).read_text()))
    assert used and used <= set(kb.messages)
    for code in used:
        fr, nl = (kb.message(code, lang, contact="C", limit=1) for lang in ("fr", "nl"))
        assert fr and nl and fr != nl, code


def test_a_sourced_answer_carries_the_address_of_each_passage_it_cites():
    answers = answers_from_rasa(
        [
            {
                "text": "Avance de 30 %.\n\nSource : Arrêté royal du 8 décembre 2023 (appel « e-inclusion "
                "for Belgium — CPAS 2023 », publié le 16 septembre 2024), Art. 6 §1 ; Art. 7 §2"
            }
        ]
    )
    [(text, _)] = telegram_messages(answers, PayloadMap(), base_url="https://digilab.example/")
    assert text.endswith(
        "Art. 6 §1 ; Art. 7 §2\nhttps://digilab.example/sources/decree_2023?lang=fr#art-6-1\n"
        "https://digilab.example/sources/decree_2023?lang=fr#art-7-2"
    )


def test_a_dutch_source_links_to_the_dutch_page():
    answers = answers_from_rasa(
        [
            {
                "text": "Voorschot.\n\nBron: Koninklijk besluit van 8 december 2023 (oproep „e-inclusion "
                "for Belgium — OCMW 2023”, bekendgemaakt op 16 september 2024), Art. 6 §1"
            }
        ]
    )
    [(text, _)] = telegram_messages(answers, PayloadMap(), base_url="https://digilab.example")
    assert text.endswith("\nhttps://digilab.example/sources/decree_2023?lang=nl#art-6-1")


def test_the_bridge_logs_no_personal_data_of_a_failed_update():
    # The bridge's own logging set-up, as `make telegram` runs it: a handler on the root logger, then the filter.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        channels.telegram.configure_logging()
        channels.telegram.logger.warning("Update from %s failed: %s", "marie@cpasliege.be", "bel me op 0475 12 34 56")
    finally:
        logging.getLogger().removeHandler(handler)
    assert "marie@cpasliege.be" not in stream.getvalue() and "0475" not in stream.getvalue()
    assert "[e-mail]" in stream.getvalue()
