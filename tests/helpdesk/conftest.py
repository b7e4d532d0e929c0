"""Real databases for the helpdesk: a temporary SQLite file, and PostgreSQL when port 5432 answers.

PostgreSQL tests run in a schema of their own, dropped at the end, so that they never touch
what other test runs keep in the shared `test` database.
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.main import create_app
from helpdesk.analytics import TIMEZONE, tracker_engine
from helpdesk.db import engine_for, session_scope
from helpdesk.feedback import record_feedback
from helpdesk.models import Base
from helpdesk.tickets import create_ticket
from settings import get_settings
from tests.e2e.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-helpdesk-token-4f9a"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """The helpdesk database, empty at the start of each test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/digilab.db"
        return
    url = request.getfixturevalue("postgres_url")
    _empty(url)
    yield url
    _empty(url)


def _empty(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        if inspect(connection).has_table("events"):
            connection.execute(text("DELETE FROM events"))


@pytest.fixture
def tracker_url(database_url, tmp_path) -> str:
    """Rasa's tracker store: its own SQLite file as in `make run`, or the same PostgreSQL schema."""
    return f"sqlite:///{tmp_path}/trackers.db" if database_url.startswith("sqlite") else database_url


@pytest.fixture
def settings(database_url, tracker_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("HELPDESK_TOKEN", TOKEN)
    for name in ("SMTP_HOST", "SMTP_PORT", "HELPDESK_EMAIL", "HELPDESK_SESSION_SECRET"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def client(settings) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


# ---- a local SMTP server ----------------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


# ---- Rasa's tracker store, filled the way Rasa fills it ----------------------------------------------------------


@pytest.fixture(scope="session")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml"))


class Conversations:
    """Saves trackers of real Rasa events through Rasa's own SQLTrackerStore."""

    def __init__(self, url: str, domain):
        from rasa.core.tracker_store import SQLTrackerStore

        self.domain = domain
        dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        # A full URL in `host` is used as is (SQLTrackerStore.get_db_url).
        self.store = SQLTrackerStore(domain, dialect=dialect, host=url)

    def save(self, sender_id: str, events: list) -> None:
        from rasa.shared.core.trackers import DialogueStateTracker

        # Rasa loads the latest session only, appends to it and saves what is new.
        tracker = asyncio.run(self.store.retrieve(sender_id))
        if tracker is None:
            tracker = DialogueStateTracker(sender_id, self.domain.slots)
        for event in events:
            tracker.update(event)
        asyncio.run(self.store.save(tracker))

    def close(self) -> None:
        self.store.engine.dispose()


@pytest.fixture
def conversations(tracker_url, domain) -> Iterator[Conversations]:
    store = Conversations(tracker_url, domain)
    yield store
    store.close()
    tracker_engine(tracker_url).dispose()


def session_start(at: float) -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def user(text: str, intent: str, *, at: float, lang: str | None = None, confidence: float = 0.93) -> list:
    """A user message, then the language slot set right after it, as the bot's validation action does."""
    from rasa.shared.core.events import SlotSet, UserUttered

    events = [
        UserUttered(
            text,
            intent={"name": intent, "confidence": confidence},
            timestamp=at,
            parse_data={"intent": {"name": intent, "confidence": confidence}, "entities": []},
        )
    ]
    return events + ([SlotSet("language", lang, timestamp=at + 0.1)] if lang else [])


def action(name: str, *, at: float) -> list:
    from rasa.shared.core.events import ActionExecuted

    return [ActionExecuted(name, timestamp=at), ActionExecuted("action_listen", timestamp=at + 0.2)]


def bot(response: str, *, at: float) -> list:
    """A reply rendered from a domain response by a custom action (Rasa records `utter_action`)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    return [
        ActionExecuted("action_answer", timestamp=at),
        BotUttered("…", metadata={"utter_action": response}, timestamp=at + 0.1),
        ActionExecuted("action_listen", timestamp=at + 0.2),
    ]


def at(now: datetime, *, days_ago: int, hour: int, minute: int = 0) -> float:
    """Epoch seconds of hour:minute, Belgian time, `days_ago` days before `now`."""
    day = now.astimezone(TIMEZONE).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIMEZONE).timestamp()


def fill_scenario(conversations: Conversations, database_url: str, *, now: datetime) -> None:
    """Six conversations of five senders, two handed over, three unanswered questions; one is too old to count.

    today     a (fr): greet, ask_cluster                                  resolved
    today     b (nl): ask_advance; nlu_fallback -> action_dont_know       resolved, 1 fallback
    today     c (fr): ask_costs -> utter_dont_know; human_handoff, ticket  handoff, 1 fallback
    2 days    d (nl): out_of_scope -> action_dont_know; ticket only        handoff, 1 fallback
    1 day     a (fr), new session: ask_cluster, thank                     resolved
    40 days   e (fr): nlu_fallback                                        outside the 30 days
    """
    today = lambda h, m=0: at(now, days_ago=0, hour=h, minute=m)  # noqa: E731
    conversations.save(
        "e",
        session_start(at(now, days_ago=40, hour=9))
        + user("la météo à Namur ?", "nlu_fallback", at=at(now, days_ago=40, hour=9, minute=1), lang="fr")
        + action("action_dont_know", at=at(now, days_ago=40, hour=9, minute=2)),
    )
    conversations.save(
        "d",
        session_start(at(now, days_ago=2, hour=14))
        + user("wat is het leefloon?", "out_of_scope", at=at(now, days_ago=2, hour=14, minute=1), lang="nl")
        + action("action_dont_know", at=at(now, days_ago=2, hour=14, minute=2)),
    )
    conversations.save(
        "a",
        session_start(at(now, days_ago=1, hour=8))
        + user("et pour 12 000 habitants ?", "ask_cluster", at=at(now, days_ago=1, hour=8, minute=1), lang="fr")
        + action("action_cluster", at=at(now, days_ago=1, hour=8, minute=2))
        + user("merci", "thank", at=at(now, days_ago=1, hour=8, minute=3), lang="fr"),
    )
    conversations.save(
        "a",
        session_start(today(0, 5))
        + user("bonjour", "greet", at=today(0, 6), lang="fr")
        + user("on a 42 000 habitants, combien ?", "ask_cluster", at=today(0, 7), lang="fr")
        + action("action_cluster", at=today(0, 8)),
    )
    conversations.save(
        "b",
        session_start(today(0, 10))
        + user("hoeveel voorschot krijgt OCMW Gent?", "ask_advance", at=today(0, 11), lang="nl")
        + action("action_advance", at=today(0, 12))
        + user("kunnen we een reis\nnaar Rome financieren?", "nlu_fallback", at=today(0, 13), lang="nl")
        + action("action_dont_know", at=today(0, 14)),
    )
    conversations.save(
        "c",
        session_start(today(0, 20))
        + user("peut-on payer un abonnement internet ?", "ask_costs", at=today(0, 21), lang="fr")
        + bot("utter_dont_know", at=today(0, 22))
        + user("je veux parler à quelqu'un", "human_handoff", at=today(0, 23), lang="fr"),
    )
    with session_scope(database_url) as session:
        for sender, moment in (("c", today(0, 25)), ("d", at(now, days_ago=2, hour=14, minute=5))):
            ticket = create_ticket(
                session, conversation_id=sender, question="?", organisation="CPAS de Namur", email="agent@cpas-namur.be"
            )
            ticket.created_at = datetime.fromtimestamp(moment, timezone.utc)
        for rating in (1, 1, -1):
            record_feedback(session, conversation_id="a", question="q", answer="a", rating=rating)


def answer(text: str, *, at: float) -> list:
    """A reply of the answer action with its text (a source line, or none)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    return [
        ActionExecuted("action_answer", timestamp=at),
        BotUttered(text, metadata={"utter_action": "utter_answer"}, timestamp=at + 0.1),
        ActionExecuted("action_listen", timestamp=at + 0.2),
    ]


def score(value: float, *, at: float) -> list:
    """The ranking score of the knowledge item just given, as the answer action keeps it."""
    from rasa.shared.core.events import SlotSet

    return [SlotSet("answer_score", value, timestamp=at)]


def form(name: str | None, *, at: float) -> list:
    """The handoff form starting (a name) or stopping (None)."""
    from rasa.shared.core.events import ActiveLoop

    return [ActiveLoop(name, timestamp=at)]


SOURCED_FR = "L'avance est de 30 %.\n\nSource : Arrêté royal du 8 décembre 2023, art. 5"
SOURCED_NL = "Het voorschot is 30 %.\n\nBron: Koninklijk besluit van 8 december 2023, art. 5"

# The outcome of each conversation of fill_outcomes, counted by hand from its events: (days ago, language, outcome).
OUTCOMES_BY_HAND = {
    "o1": (0, "fr", "answered"),  # sourced answer, then a thumbs up
    "o2": (0, "nl", "fell_back"),  # sourced answer, then a question that fell back
    "o3": (0, "fr", "answered"),  # fell back, then a sourced answer
    "o4": (0, "fr", "thumbs_down"),  # sourced answer, then a thumbs down
    "o5": (0, "nl", "abandoned"),  # asked for a person, the form started and was stopped: no ticket
    "o6": (0, "fr", "handed_off"),  # "I don't know", a person asked for, a ticket made
    "o7": (1, "fr", "no_answer"),  # a greeting alone
    "o8": (1, "nl", "answered"),  # sourced answer, thumbs down, then another sourced answer
    "o9": (1, "fr", "no_answer"),  # a reply without a source
    "o10": (1, "nl", "abandoned"),  # the handoff form started and left open
}


def fill_outcomes(conversations: Conversations, database_url: str, *, now: datetime) -> None:
    """Ten conversations, one or two of each outcome, over two days (see OUTCOMES_BY_HAND)."""

    def t(days_ago: int, minute: int) -> float:
        return at(now, days_ago=days_ago, hour=10, minute=minute)

    def start(sender: str, days_ago: int, events: list) -> None:
        conversations.save(sender, session_start(t(days_ago, 0)) + events)

    start("o1", 0, user("quelle avance ?", "ask_advance", at=t(0, 1), lang="fr") + answer(SOURCED_FR, at=t(0, 2)))
    start(
        "o2",
        0,
        user("hoeveel voorschot?", "ask_advance", at=t(0, 1), lang="nl")
        + answer(SOURCED_NL, at=t(0, 2))
        + user("mag ik naar Rome?", "nlu_fallback", at=t(0, 3), lang="nl")
        + action("action_dont_know", at=t(0, 4)),
    )
    start(
        "o3",
        0,
        user("météo ?", "nlu_fallback", at=t(0, 1), lang="fr")
        + action("action_dont_know", at=t(0, 2))
        + user("et l'avance ?", "ask_advance", at=t(0, 3), lang="fr")
        + answer(SOURCED_FR, at=t(0, 4)),
    )
    start("o4", 0, user("quelle avance ?", "ask_advance", at=t(0, 1), lang="fr") + answer(SOURCED_FR, at=t(0, 2)))
    start(
        "o5",
        0,
        user("hoeveel voorschot?", "ask_advance", at=t(0, 1), lang="nl")
        + answer(SOURCED_NL, at=t(0, 2))
        + user("/human_handoff", "human_handoff", at=t(0, 3), lang="nl")
        + form("handoff_form", at=t(0, 4))
        + user("stop", "stop", at=t(0, 5), lang="nl")
        + form(None, at=t(0, 6)),
    )
    start(
        "o6",
        0,
        user("un abonnement internet ?", "ask_costs", at=t(0, 1), lang="fr")
        + bot("utter_dont_know", at=t(0, 2))
        + user("/human_handoff", "human_handoff", at=t(0, 3), lang="fr")
        + form("handoff_form", at=t(0, 4))
        + form(None, at=t(0, 8)),
    )
    start("o7", 1, user("bonjour", "greet", at=t(1, 1), lang="fr"))
    start(
        "o8",
        1,
        user("hoeveel voorschot?", "ask_advance", at=t(1, 1), lang="nl")
        + answer(SOURCED_NL, at=t(1, 2))
        + user("en de deadline?", "ask_deadlines", at=t(1, 5), lang="nl")
        + answer(SOURCED_NL, at=t(1, 6)),
    )
    start(
        "o9",
        1,
        user("qui es-tu ?", "bot_challenge", at=t(1, 1), lang="fr")
        + answer("Je suis l'assistant Digilab.", at=t(1, 2)),
    )
    start(
        "o10",
        1,
        user("ik wil iemand spreken over mijn dossier", "inform", at=t(1, 1), lang="nl")
        + form("handoff_form", at=t(1, 2)),
    )
    with session_scope(database_url) as session:
        ticket = create_ticket(
            session,
            conversation_id="o6",
            question="un abonnement internet ?",
            organisation="CPAS de Namur",
            email="agent@cpas-namur.be",
        )
        ticket.created_at = datetime.fromtimestamp(t(0, 8), timezone.utc)
        for sender, rating, moment in (("o1", 1, t(0, 3)), ("o4", -1, t(0, 3)), ("o8", -1, t(1, 3))):
            item = record_feedback(session, conversation_id=sender, question="q", answer="a", rating=rating)
            item.created_at = datetime.fromtimestamp(moment, timezone.utc)
