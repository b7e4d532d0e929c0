"""A long message with a question in it is not small talk, whatever it starts with."""

import pytest

from bot.nlu import not_small_talk


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Bonjour, je reprends le dossier de ma collègue : on peut acheter des laptops avec le subside ?", "greet"),
        ("komt er een infosessie in het Nederlands voor de volgende oproep?", "request_language"),
        ("merci pour la réponse, et pour les tablettes c'est éligible aussi ?", "thank"),
    ],
)
def test_a_question_in_a_long_message_is_not_small_talk(text, intent):
    assert not_small_talk(text, intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Bonjour !", "greet"),
        ("kunt ge overschakelen naar het Frans, mijn collega is franstalig?", "request_language"),
        ("mag het in het Frans? dat is voor mijn collega ook handiger", "request_language"),
        ("suis-je en train de parler à un ordinateur ou à un humain ?", "bot_challenge"),
        ("merci beaucoup pour votre aide précieuse et bonne journée à toute l'équipe", "thank"),
        ("on peut acheter des laptops avec le subside, quel est le plafond ?", "ask_costs"),
    ],
)
def test_small_talk_and_real_intents_are_kept(text, intent):
    assert not not_small_talk(text, intent)
