"""The Rasa server says politely that a part is down instead of going silent (bot/rasa_server.py)."""

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException

from bot.rasa_server import _polite_agent, _polite_remote_action


class Tracker:
    def __init__(self, language):
        self.language = language

    def get_slot(self, name):
        return self.language if name == "language" else None


class Action:
    def name(self):
        return "action_answer"


def test_an_unreachable_action_server_gives_the_polite_reply_in_the_conversations_language():
    async def refused(*_):
        raise RasaException("Failed to execute custom action 'action_answer'. Couldn't connect to the server")

    events = asyncio.run(_polite_remote_action(refused)(Action(), None, None, Tracker("nl"), None))
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text.startswith("Een deel van de Digilab-assistent is tijdelijk niet beschikbaar")
    assert "digilab@mi-is.be" in events[0].text


def test_a_message_rasa_cannot_store_gets_the_polite_reply_in_both_languages():
    async def store_down(*_):
        raise ConnectionError("could not connect to server: Connection refused")

    collector = CollectingOutputChannel()
    asyncio.run(_polite_agent(store_down)(None, UserMessage("Bonjour", collector, "web-1")))
    french, dutch = collector.messages  # one paragraph per language
    assert {french["recipient_id"], dutch["recipient_id"]} == {"web-1"}
    assert "momentanément indisponible" in french["text"] and "ce que vous m'avez déjà dit est gardé" in french["text"]
    assert "tijdelijk niet beschikbaar" in dutch["text"]
