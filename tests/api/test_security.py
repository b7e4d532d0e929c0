"""Issue 10: what a caller meets when it sends too much, too often, or from a page: one error format, in FR or NL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import FailureLimit, Refused, limiter
from helpdesk import auth
from helpdesk.db import session_scope
from settings import get_settings
from tests.e2e.servers import free_port


@pytest.fixture
def limited(tmp_path, monkeypatch) -> Iterator[TestClient]:
    """The API with small limits, Rasa unreachable (its 503 still counts), its own SQLite database."""
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/digilab.db")
    monkeypatch.setenv("MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("CHAT_RATE_LIMIT", "3/minute")
    monkeypatch.setenv("FEEDBACK_RATE_LIMIT", "2/minute")
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "2/15minutes")
    monkeypatch.delenv("HELPDESK_TOKEN", raising=False)
    get_settings.cache_clear()
    limiter.reset()
    with TestClient(create_app()) as client:
        yield client
    limiter.reset()
    get_settings.cache_clear()


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(limited):
    big = {"sender": "web-1", "message": "x" * 5000}
    r = limited.post("/api/v1/chat?lang=nl", json=big)
    assert r.status_code == 413
    assert r.json()["code"] == "body_too_large" and "4096" in r.json()["message"] and "te lang" in r.json()["message"]


def test_a_streamed_body_without_length_is_cut_at_the_limit(limited):
    def chunks():
        for _ in range(10):
            yield b"x" * 1000

    r = limited.post("/helpdesk/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


def test_chat_posts_beyond_the_rate_get_429_with_when_to_retry(limited):
    statuses = [
        limited.post("/api/v1/chat", json={"sender": f"web-{i}", "message": "Bonjour"}).status_code for i in range(4)
    ]
    assert statuses == [503, 503, 503, 429]  # new senders each time: the limit is per address, not per sender
    r = limited.post("/api/v1/chat", json={"sender": "web-9", "message": "Bonjour"})
    assert r.json()["code"] == "too_many_requests" and "réessayez" in r.json()["message"]
    assert int(r.headers["Retry-After"]) == 60


def test_feedback_is_limited_too(limited):
    body = {"sender": "web-1", "question": "q", "answer": "a", "rating": 1}
    assert [limited.post("/api/v1/feedback", json=body).status_code for _ in range(3)] == [201, 201, 429]


def test_an_account_is_refused_after_its_failed_logins_even_with_the_right_password(limited):
    with session_scope(get_settings().database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password="correct horse battery")
    wrong = {"email": "agent@digilab.be", "password": "wrong password!"}
    assert [limited.post("/helpdesk/login", data=wrong).status_code for _ in range(2)] == [401, 401]
    right = {"email": "Agent@digilab.be", "password": "correct horse battery"}
    r = limited.post("/helpdesk/login", data=right, follow_redirects=False)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # A person at the login form reads it as a page, in their language.
    page = limited.post("/helpdesk/login?lang=nl", data=right, headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 429 and "text/html" in page.headers["content-type"] and "probeer opnieuw" in page.text
    # Another account is not held back by it.
    other = {"email": "other@digilab.be", "password": "wrong password!"}
    assert limited.post("/helpdesk/login", data=other).status_code == 401


def test_failed_logins_wait_longer_each_tier():
    """The first tier's short wait passes; one failure more past it falls in the next tier, which waits far longer."""
    failures = FailureLimit("2/1second;3/hour", "memory://")
    for _ in range(2):
        failures.check("agent@digilab.be")
        failures.failed("agent@digilab.be")
    with pytest.raises(Refused) as first:
        failures.check("AGENT@digilab.be")
    assert first.value.retry_after <= 1
    time.sleep(1.1)
    failures.check("agent@digilab.be")  # the short window has moved on
    failures.failed("agent@digilab.be")
    with pytest.raises(Refused) as second:
        failures.check("agent@digilab.be")
    assert second.value.retry_after > 3000
    failures.check("other@digilab.be")


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/nowhere", 404, "not_found"),
        ("delete", "/api/v1/chat", 405, "method_not_allowed"),
    ],
)
def test_every_4xx_has_the_same_format_in_the_asker_language(limited, method, path, status, code):
    r = getattr(limited, method)(path + "?lang=nl")
    assert r.status_code == status
    assert r.json()["code"] == code and r.json()["message"] and r.json()["detail"] == []


def test_an_unreadable_body_gets_the_error_format(limited):
    r = limited.post("/api/v1/chat", content=b"\xff\xfe{not json", headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["code"] in ("bad_request", "request_invalid")
    nested = b'{"sender": "w", "message": ' + b"[" * 1900 + b"]" * 1900 + b"}"
    r = limited.post("/api/v1/chat", content=nested, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["code"] in ("bad_request", "request_invalid")


def test_every_response_carries_security_headers_and_helpdesk_pages_are_not_cached(limited):
    page = limited.get("/helpdesk/login")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert limited.get("/health").headers["x-frame-options"] == "DENY"


def test_a_ticket_id_beyond_any_database_integer_is_a_422_not_a_500(limited, monkeypatch):
    # Found by the schema fuzzing: 2**70 reached SQLite and raised OverflowError.
    monkeypatch.setenv("HELPDESK_TOKEN", "a-token-long-enough-for-the-helpdesk-0123")
    get_settings.cache_clear()
    r = limited.post(
        f"/api/v1/helpdesk/tickets/{2**70}/answer",
        json={"answer": "Bonjour"},
        headers={"Authorization": "Bearer a-token-long-enough-for-the-helpdesk-0123"},
    )
    assert r.status_code == 422 and r.json()["code"] == "request_invalid"


def test_one_conversation_is_limited_whatever_the_address(limited, monkeypatch):
    monkeypatch.setenv("CHAT_RATE_LIMIT", "100/minute")
    monkeypatch.setenv("CONVERSATION_RATE_LIMIT", "2/minute")
    get_settings.cache_clear()
    limiter.reset()
    say = {"message": "Bonjour"}
    # The first post has no conversation yet (counted by address); the next ones count against its cookie.
    assert [limited.post("/api/v1/chat", json=say).status_code for _ in range(4)] == [503, 503, 503, 429]
    with TestClient(create_app()) as other:  # another browser: its own conversation
        assert [other.post("/api/v1/chat", json=say).status_code for _ in range(2)] == [503, 503]
