"""Prometheus metrics on /metrics, and one request id from the API to Rasa."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from settings import get_settings
from tests.e2e.servers import free_port

FALLBACK = [
    {
        "text": "Je ne trouve pas cela dans les documents. Digilab : digilab@mi-is.be",
        "buttons": [{"title": "Transmettre ma question à Digilab", "payload": "/human_handoff"}],
    }
]


@pytest.fixture
def rasa() -> Iterator[list[dict]]:
    """A stand-in for Rasa's REST channel that answers every message with the fallback; it records the headers."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(dict(self.headers))
            self._json(FALLBACK)

        def do_GET(self):
            self._json({"slots": {"language": "fr"}})

        def _json(self, body):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seen.append({"url": f"http://127.0.0.1:{server.server_address[1]}"})
    yield seen
    server.shutdown()


@pytest.fixture
def client_for(monkeypatch, tmp_path):
    def make(rasa_url: str) -> TestClient:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/digilab.db")
        monkeypatch.setenv("RASA_URL", rasa_url)
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
        get_settings.cache_clear()
        return TestClient(create_app())

    yield make
    get_settings.cache_clear()


def sample(client: TestClient, name: str, **labels) -> float:
    """A sample's value on /metrics, 0 when absent."""
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_requests_and_their_latency_are_counted_per_route(client_for):
    client = client_for(f"http://127.0.0.1:{free_port()}")
    before = sample(client, "digilab_api_requests_total", route="/api/v1/cluster", status="200")
    assert client.get("/api/v1/cluster", params={"population": 42000}).status_code == 200
    assert sample(client, "digilab_api_requests_total", route="/api/v1/cluster", status="200") == before + 1
    assert sample(client, "digilab_api_request_duration_seconds_count", route="/api/v1/cluster") >= 1
    assert client.get("/no/such/page").status_code == 404
    assert sample(client, "digilab_api_requests_total", route="unmatched", status="404") >= 1


def test_a_rasa_that_is_down_counts_as_a_rasa_error(client_for):
    client = client_for(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    before = sample(client, "digilab_rasa_errors_total", kind="unavailable")
    assert client.post("/api/v1/chat", json={"message": "Bonjour"}).status_code == 503
    assert sample(client, "digilab_rasa_errors_total", kind="unavailable") == before + 1


def test_fallbacks_and_handoffs_are_counted_and_the_request_id_reaches_rasa(client_for, rasa):
    client = client_for(rasa[0]["url"])
    fallbacks, handoffs = sample(client, "digilab_chat_fallbacks_total"), sample(client, "digilab_chat_handoffs_total")
    response = client.post(
        "/api/v1/chat", json={"message": "Quel est le leefloon ?"}, headers={"X-Request-ID": "req-1234abcd"}
    )
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-1234abcd"
    assert rasa[-1].get("X-Request-ID") == "req-1234abcd"
    client.post("/api/v1/chat", json={"message": "/human_handoff"})
    assert sample(client, "digilab_chat_fallbacks_total") == fallbacks + 2
    assert sample(client, "digilab_chat_handoffs_total") == handoffs + 1


def test_a_request_without_a_sane_id_gets_one_of_its_own(client_for):
    client = client_for(f"http://127.0.0.1:{free_port()}")
    given = client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"}).headers["x-request-id"]
    assert len(given) == 32 and given.isalnum()
