"""The web chat API: answers split from their source, a clear 503 when the assistant is away, feedback stored."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from helpdesk.db import session_scope
from helpdesk.models import Feedback
from settings import get_settings
from tests.e2e.servers import free_port


@pytest.fixture
def settings_for(monkeypatch, tmp_path):
    """Points the API at a database and a Rasa URL through the environment, as in production."""

    def apply(*, database_url: str = "", rasa_url: str = "", timeout: float = 5.0):
        monkeypatch.setenv("DATABASE_URL", database_url or f"sqlite:///{tmp_path}/digilab.db")
        monkeypatch.setenv("RASA_URL", rasa_url or f"http://127.0.0.1:{free_port()}")  # nothing listens there
        monkeypatch.setenv("RASA_TIMEOUT_SECONDS", str(timeout))
        get_settings.cache_clear()
        return get_settings()

    yield apply
    get_settings.cache_clear()


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


# ---- the assistant is away ----------------------------------------------------------------------------------------


def test_a_stopped_assistant_gives_a_503_with_the_french_message(settings_for, client):
    settings_for()
    r = client.post("/api/v1/chat", json={"sender": "web-1", "message": "Bonjour"})
    assert r.status_code == 503
    assert r.json()["code"] == "assistant_unavailable"
    assert r.json()["message"].startswith("L'assistant Digilab ne répond pas pour le moment.")
    assert "digilab@mi-is.be" in r.json()["message"]


def test_a_stopped_assistant_gives_the_dutch_message_with_lang_nl(settings_for, client):
    settings_for()
    r = client.post("/api/v1/chat", params={"lang": "nl"}, json={"sender": "web-1", "message": "Dag"})
    assert r.status_code == 503
    assert r.json()["message"].startswith("De Digilab-assistent antwoordt momenteel niet.")


def test_an_assistant_that_never_answers_gives_a_503_after_the_timeout(settings_for, client):
    # A socket that accepts the connection and then stays silent, as a hung Rasa does.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        settings_for(rasa_url=f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.5)
        r = client.post("/api/v1/chat", json={"sender": "web-1", "message": "Bonjour"})
        assert r.status_code == 503 and r.json()["code"] == "assistant_unavailable"
    finally:
        for connection, _ in accepted:
            connection.close()
        listener.close()


# ---- bad messages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "web-1", "message": ""},
        {"sender": "web-1", "message": "   "},
        {"sender": "web-1", "message": "x" * 2001},
        {"sender": "s" * 129, "message": "Bonjour"},
        {"sender": "web-1"},
    ],
)
def test_an_empty_or_too_long_message_is_refused_with_a_reason(settings_for, client, body):
    settings_for()
    r = client.post("/api/v1/chat", json=body)
    assert r.status_code == 422
    assert r.json()["code"] == "request_invalid" and r.json()["message"].startswith("Requête invalide : ")


def test_the_reason_comes_in_dutch_with_lang_nl(settings_for, client):
    settings_for()
    r = client.post("/api/v1/chat", params={"lang": "nl"}, json={"sender": "web-1", "message": ""})
    assert r.status_code == 422 and r.json()["message"].startswith("Ongeldige aanvraag: ")
    assert "message" in r.json()["message"]


# ---- the page -----------------------------------------------------------------------------------------------------


def test_the_chat_page_is_served_at_the_root_with_its_own_files_only(settings_for, client):
    settings_for()
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'for="message"' in page.text and "http://" not in page.text and "https://" not in page.text
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/chat.css").status_code == 200


# ---- feedback -----------------------------------------------------------------------------------------------------


def _conversation(client: TestClient) -> str:
    """The conversation the server gives this client (its signed cookie rides on the client from now on)."""
    return client.post("/api/v1/chat/restart").json()["conversation"]


def _thumbs_down_is_stored(client: TestClient, database_url: str) -> None:
    sender = _conversation(client)
    r = client.post(
        "/api/v1/feedback",
        params={"lang": "nl"},
        json={
            "sender": "web-42",
            "question": "Hoeveel voorschot krijgt OCMW Genk?",
            "answer": "Voorschot = 30 % × € 235.022,50 = € 70.506,75.\n\nBron: Koninklijk besluit, Art. 6 §1",
            "rating": -1,
        },
    )
    assert r.status_code == 201 and isinstance(r.json()["id"], int)
    with session_scope(database_url) as session:
        rows = session.execute(select(Feedback).where(Feedback.conversation_id == sender)).scalars().all()
        assert [(f.question, f.rating, f.language) for f in rows] == [("Hoeveel voorschot krijgt OCMW Genk?", -1, "nl")]
        assert rows[0].answer.endswith("Bron: Koninklijk besluit, Art. 6 §1")


def test_a_thumbs_down_is_stored_with_its_question_in_sqlite(settings_for, client, tmp_path):
    settings = settings_for(database_url=f"sqlite:///{tmp_path}/feedback.db")
    _thumbs_down_is_stored(client, settings.database_url)


def test_a_thumbs_down_is_stored_with_its_question_in_postgresql(settings_for, client, postgres_url):
    settings_for(database_url=postgres_url)
    _thumbs_down_is_stored(client, postgres_url)


@pytest.mark.parametrize("rating", [0, 2, "up", None])
def test_a_rating_other_than_up_or_down_is_refused(settings_for, client, rating):
    settings_for()
    r = client.post("/api/v1/feedback", json={"sender": "web-1", "question": "q", "answer": "a", "rating": rating})
    assert r.status_code == 422 and r.json()["code"] == "request_invalid"


def test_a_thumbs_down_keeps_what_was_wrong(settings_for, client, tmp_path):
    settings = settings_for(database_url=f"sqlite:///{tmp_path}/reason.db")
    sender = _conversation(client)
    r = client.post(
        "/api/v1/feedback",
        json={
            "sender": "web-7",
            "question": "Quel cluster ?",
            "answer": "Moyen.",
            "rating": -1,
            "reason": "not_my_question",
        },
    )
    assert r.status_code == 201
    with session_scope(settings.database_url) as session:
        [row] = session.execute(select(Feedback).where(Feedback.conversation_id == sender)).scalars().all()
        assert (row.rating, row.reason) == (-1, "not_my_question")


@pytest.mark.parametrize("rating, reason", [(1, "wrong"), (-1, "boring")])
def test_a_reason_is_only_one_of_four_and_only_with_a_thumbs_down(settings_for, client, rating, reason):
    settings_for()
    r = client.post(
        "/api/v1/feedback", json={"sender": "web-1", "question": "q", "answer": "a", "rating": rating, "reason": reason}
    )
    assert r.status_code == 422 and r.json()["code"] == "request_invalid"


def test_an_older_database_gets_the_reason_column(tmp_path):
    import sqlite3

    from helpdesk.db import engine_for

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE answer_feedback (id INTEGER PRIMARY KEY, created_at DATETIME NOT NULL, "
            "conversation_id VARCHAR(128) NOT NULL, language VARCHAR(2) NOT NULL, question TEXT NOT NULL, "
            "answer TEXT NOT NULL, rating INTEGER NOT NULL)"
        )
    engine_for(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert "reason" in [row[1] for row in db.execute("PRAGMA table_info(answer_feedback)")]


def test_a_source_line_comes_with_the_links_of_its_passages():
    from api.routes.chat import message_out
    from channels.rasa import answers_from_rasa

    [answer] = answers_from_rasa(
        [
            {
                "text": "Avance.\n\nBron: Koninklijk besluit van 8 december 2023 (oproep „e-inclusion "
                "for Belgium — OCMW 2023”, bekendgemaakt op 16 september 2024), Art. 6 §1"
            }
        ]
    )
    out = message_out(answer, lang="fr")
    assert "".join(p.text for p in out.source_parts) == out.source
    assert [p.href for p in out.source_parts if p.href] == [
        "/sources/decree_2023?lang=nl",
        "/sources/decree_2023?lang=nl#art-6-1",
    ]


def test_the_conversation_is_the_servers_signed_cookie_not_the_posted_sender(settings_for, client, tmp_path):
    # Issue 10: a post with sender "telegram-<id>" wrote into that Telegram user's conversation.
    settings = settings_for(database_url=f"sqlite:///{tmp_path}/cookie.db")
    rate = {"sender": "telegram-4242", "question": "q", "answer": "a", "rating": 1}
    client.post("/api/v1/feedback", json=rate)
    cookie = client.cookies.get("digilab_chat")
    assert cookie and "telegram" not in cookie
    client.post("/api/v1/feedback", json=rate)  # the same cookie: the same conversation
    # A cookie the server did not sign is no conversation: a new one is issued.
    client.cookies.clear()
    client.cookies.set("digilab_chat", cookie.rsplit(".", 1)[0] + ".forged")
    client.post("/api/v1/feedback", json=rate)
    with session_scope(settings.database_url) as session:
        ids = [f.conversation_id for f in session.execute(select(Feedback).order_by(Feedback.id)).scalars()]
    assert ids[0] == ids[1] != ids[2] and all(i.startswith("web-") for i in ids)
