"""The conversation's language follows the user; short or mixed messages keep it."""
import pytest

from bot.actions.language import ValidateSlotMappings, detect_language
from tests.bot.conftest import tracker


@pytest.mark.parametrize("text, current, expected", [
    ("Bonjour, on a 42 000 habitants, quel cluster ?", None, "fr"),
    ("Wij hebben 42.000 inwoners, welke cluster?", None, "nl"),
    ("hoeveel voorschot krijgt OCMW Gent", "fr", "nl"),
    ("c'est quoi le projet de l'OCMW van Gent", "nl", "fr"),
    ("ok", "nl", "nl"),
    ("ok", "fr", "fr"),
    ("42 000", "nl", "nl"),
    ("Digikar", "nl", "nl"),
    ("", None, "fr"),
])
def test_detect_language(text, current, expected):
    assert detect_language(text, current) == expected


def test_asking_for_dutch_switches_even_in_french_words():
    t = tracker("en néerlandais svp", intent="request_language", entities=[{"entity": "language", "value": "nl"}])
    import asyncio
    assert asyncio.run(ValidateSlotMappings().extract_language(None, t, {})) == {"language": "nl"}
