"""Rasa's replies put back together as answers with their sources, for every channel."""

import asyncio
import re
import socket
from pathlib import Path

import pytest
import yaml

from channels.rasa import (
    SOURCE_LABELS,
    Answer,
    AssistantUnavailable,
    RasaClient,
    answers_from_rasa,
    language_of_sources,
    split_source,
)


# Rasa's REST channel cuts each reply at its blank lines: these lists have the shape it sends.
def _rest(*parts, buttons=None):
    replies = [{"recipient_id": "web-1", "text": part} for part in parts]
    if buttons:
        replies[-1]["buttons"] = [{"title": t, "payload": p} for t, p in buttons]
    return replies


@pytest.mark.parametrize(
    "replies, text, source",
    [
        (
            _rest("Avance = 30 % × 100 €.", "Source : Arrêté royal, Art. 6 §1"),
            "Avance = 30 % × 100 €.",
            "Arrêté royal, Art. 6 §1",
        ),
        (
            _rest("Voorschot = 30 %.", "Bron: Koninklijk besluit, Art. 6 §1"),
            "Voorschot = 30 %.",
            "Koninklijk besluit, Art. 6 §1",
        ),
        (
            _rest("⚠️ Attention, les sources ne concordent pas : x", "Sources : A — B"),
            "⚠️ Attention, les sources ne concordent pas : x",
            "A — B",
        ),
        (_rest("⚠️ Let op: x", "Bronnen: A — B"), "⚠️ Let op: x", "A — B"),
        (
            _rest("Projet « Source : vie »", "Description.", "Source : Annexe"),
            "Projet « Source : vie »\n\nDescription.",
            "Annexe",
        ),
        (_rest("Au revoir !"), "Au revoir !", None),
    ],
)
def test_an_answer_comes_as_one_message_with_its_source_apart(replies, text, source):
    [message] = answers_from_rasa(replies)
    assert (message.text, message.source) == (text, source)


def test_each_sourced_answer_of_a_turn_is_a_message_of_its_own():
    messages = answers_from_rasa(
        _rest(
            "Encore à réclamer : 164 515,75 €",
            "Source : Art. 7 §2",
            "Attention : les échéances sont dépassées.",
            "La deuxième déclaration…",
            "Source : Art. 7 §3",
        )
    )
    assert [(m.text, m.source) for m in messages] == [
        ("Encore à réclamer : 164 515,75 €", "Art. 7 §2"),
        ("Attention : les échéances sont dépassées.\n\nLa deuxième déclaration…", "Art. 7 §3"),
    ]


def test_a_reply_with_buttons_keeps_its_source_and_its_buttons():
    # Replies with buttons are not cut at blank lines.
    [message] = answers_from_rasa(
        _rest(
            "Je ne trouve pas la réponse.\n\nSource : Slides 2022",
            buttons=[("Transmettre ma question à Digilab", "/human_handoff")],
        )
    )
    assert (message.text, message.source) == ("Je ne trouve pas la réponse.", "Slides 2022")
    assert [(b.title, b.payload) for b in message.buttons] == [("Transmettre ma question à Digilab", "/human_handoff")]


def test_buttons_sent_on_their_own_join_the_answer_before_them():
    [message] = answers_from_rasa(
        _rest("Bonjour !", buttons=[("Quel cluster ?", "/ask_cluster")])
        + [{"recipient_id": "web-1", "buttons": [{"title": "Échéances", "payload": "/ask_deadlines"}]}]
    )
    assert [(b.title, b.payload) for b in message.buttons] == [
        ("Quel cluster ?", "/ask_cluster"),
        ("Échéances", "/ask_deadlines"),
    ]


def test_custom_payloads_are_dropped_and_an_image_travels_as_its_link():
    answers = answers_from_rasa([{"text": "Un"}, {"custom": {"x": 1}}, {"image": "https://example.org/slide.png"}])
    assert [a.text for a in answers] == ["Un\n\nhttps://example.org/slide.png"]


def test_a_plain_text_channel_prints_the_source_under_the_answer():
    [answer] = answers_from_rasa(_rest("Voorschot = 30 %.", "Bron: Koninklijk besluit, Art. 6 §1"))
    assert answer.with_source() == "Voorschot = 30 %.\n\nBron: Koninklijk besluit, Art. 6 §1"
    assert language_of_sources([answer]) == "nl"
    assert Answer("Au revoir !").with_source() == "Au revoir !"


def test_an_assistant_that_never_answers_is_unavailable_after_the_timeout():
    with socket.socket() as silent:
        # Connections queue in the backlog and get no answer.
        silent.bind(("127.0.0.1", 0))
        silent.listen()

        async def ask():
            async with RasaClient(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5) as assistant:
                await assistant.send(sender="telegram-1", message="Bonjour")

        with pytest.raises(AssistantUnavailable, match="Timeout"):
            asyncio.run(ask())


def test_replies_of_an_unexpected_shape_are_skipped_not_a_crash():
    # Issue 10: a reply that was not an object, or buttons that were not a list of objects, gave a 500.
    replies = [
        1,
        "text",
        None,
        {"text": 5, "buttons": "none"},
        {"text": "Bonjour", "buttons": [1, {"title": None}, {"title": "Oui", "payload": "/affirm"}]},
    ]
    answers = answers_from_rasa(replies)
    assert [a.text for a in answers] == ["5\n\nBonjour"]
    assert [(b.title, b.payload) for b in answers[0].buttons] == [("Oui", "/affirm")]


def test_a_form_prompt_asks_and_a_sourced_answer_does_not():
    [prompt] = answers_from_rasa([{"text": "Combien d'habitants compte votre commune ? Je vous dirai votre cluster."}])
    [answer] = answers_from_rasa([{"text": "Cluster moyen.\n\nSource : Présentation, Montant"}])
    [unknown] = answers_from_rasa([{"text": "Je ne trouve pas la réponse. L'équipe Digilab peut vous répondre."}])
    assert (prompt.asks, answer.asks, unknown.asks) == (True, False, False)


def _domain_variants():
    """(response, language, text) of every domain response that cites a source."""
    responses = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))[
        "responses"
    ]
    for name, variants in responses.items():
        for variant in variants:
            if "{source}" in variant.get("text", ""):
                conditions = variant.get("condition") or []
                lang = next((c["value"] for c in conditions if c.get("name") == "language"), "fr")
                yield name, lang, variant["text"]


@pytest.mark.parametrize("name, lang, text", list(_domain_variants()))
def test_every_sourced_response_is_split_by_a_label_of_its_language(name, lang, text):
    # Issue 9: the channels find the source by the reply's wording; a response reworded in domain.yml must
    # still be split, and its label must say the reply's language.
    reply = text.replace("{source}", "Arrêté royal, Art. 6 §1")
    body, source, label = split_source(re.sub(r"\{\w+\}", "x", reply))
    assert source == "Arrêté royal, Art. 6 §1" and SOURCE_LABELS[label] == lang, name
