"""Faults on `make run-prod`'s topology, with PostgreSQL and Redis: what a person in the web chat sees when a part
dies or goes away, and that it comes back by itself. Each test names what the user sees."""

from __future__ import annotations

import os
import secrets
import signal
import time
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.serve import Supervised, free_ports
from tests.e2e.servers import reachable
from tests.faults.proxy import Proxy
from tests.faults.topology import WebChat

pytestmark = pytest.mark.faults

UNAVAILABLE_FR = "Une partie de l'assistant Digilab est momentanément indisponible"
UNAVAILABLE_NL = "Een deel van de Digilab-assistent is tijdelijk niet beschikbaar"
CONTACT = "digilab@mi-is.be"
RASA_TIMEOUT_SECONDS = 15  # this machine is shared: a replica restarting (TensorFlow import) takes a core


@pytest.fixture(scope="module")
def stand(tmp_path_factory, postgres_url):
    if not reachable("127.0.0.1", 6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    ports = free_ports()
    ports["pg"], ports["redis"] = ports.pop("spare0"), ports.pop("spare1")
    with Proxy("127.0.0.1", 5432, ports["pg"]) as pg, Proxy("127.0.0.1", 6379, ports["redis"]) as redis:
        database = postgres_url.replace("127.0.0.1:5432/", f"127.0.0.1:{ports['pg']}/")
        env = {
            **os.environ,
            **{k: str(v) for k, v in ports.items() if k.isupper()},
            "TRACKER_STORE_URL": database,
            "DATABASE_URL": database,
            "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/3",
            "RASA_TOKEN": secrets.token_urlsafe(32),
            "WEB_CHAT_SECRET": secrets.token_urlsafe(32),
            "RASA_TIMEOUT_SECONDS": str(RASA_TIMEOUT_SECONDS),
            "RASA_REPLICAS": "2",
            "ACTION_REPLICAS": "2",
            "API_WORKERS": "2",
            "TELEGRAM_BOT_TOKEN": "",
        }
        env.pop("RASA_URL", None)
        prod = Supervised(tmp_path_factory.mktemp("prod"), env)
        try:
            prod.start()
            for _ in range(4):  # each action server and Rasa replica answers once before the faults
                assert WebChat(prod.api).send("Bonjour").status_code == 200
            yield SimpleNamespace(prod=prod, pg=pg, redis=redis, database=postgres_url)
        finally:
            prod.stop()


def test_a_rasa_replica_killed_mid_form_costs_nothing_the_next_message_goes_on_with_its_slots(stand):
    """The user is asked for the population, a replica dies (kill -9), they answer: the cluster comes, as if nothing
    happened. supervisord starts the replica again."""
    chat = WebChat(stand.prod.api)
    assert "Combien d'habitants" in chat.say("on tombe dans quel cluster ?")
    killed = stand.prod.signal("rasa-0")
    try:
        # Between two messages: the user answers once the replica is dead, not in the 70 ms it takes to die.
        stand.prod.wait_down("rasa-0")
        answer = chat.say("42 000")
        assert "Projets de taille moyenne" in answer and "120\u202f000,00 €" in answer
    finally:
        # Whatever the answer, the next fault starts from a whole stand, not from a replica still loading.
        stand.prod.wait_up("rasa-0", 180)
    assert stand.prod.pid("rasa-0") != killed


def test_one_action_server_killed_goes_unnoticed(stand):
    """HAProxy sends the action calls to the other action server."""
    chat = WebChat(stand.prod.api, "nl")
    stand.prod.signal("actions-0")
    answer = chat.say("Hoeveel voorschot krijgt OCMW Genk?")
    assert "€ 70.506,75" in answer
    stand.prod.wait_up("actions-0", 30)


def test_every_action_server_killed_gives_a_polite_reply_within_2_s_and_they_are_back_within_10_s(stand):
    """Within 2 s a polite 'temporarily unavailable' with the Digilab contact, not silence and not a stack trace; the
    rules API and the web chat page keep answering; the action servers are back by themselves within 10 s, and the
    form goes on where it was."""
    api = stand.prod.api
    chat = WebChat(api)
    assert "Combien d'habitants" in chat.say("on tombe dans quel cluster ?")
    killed_at = time.monotonic()
    for name in ("actions-0", "actions-1"):
        stand.prod.signal(name)
    sent = time.monotonic()
    answer = chat.say("42 000")
    assert time.monotonic() - sent < 2
    assert UNAVAILABLE_FR in answer and CONTACT in answer and "Traceback" not in answer
    assert httpx.get(f"{api}/api/v1/cluster", params={"population": 42000}).json()["max_subsidy"] == 120000
    assert httpx.get(f"{api}/").status_code == 200
    while not (stand.prod.is_up("actions-0") and stand.prod.is_up("actions-1")) and time.monotonic() - killed_at < 10:
        time.sleep(0.2)
    assert stand.prod.is_up("actions-0") and stand.prod.is_up("actions-1")
    answer = ""
    while "120\u202f000,00 €" not in answer and time.monotonic() - killed_at < 10:
        answer = chat.say("42 000")  # HAProxy's check takes the servers back within a second
    assert "Projets de taille moyenne" in answer and "120\u202f000,00 €" in answer


def test_postgresql_unreachable_for_10_s_a_ticket_being_made_is_kept_and_made_when_the_user_retries(stand):
    """While PostgreSQL is unreachable, the message that would create the ticket gets the polite reply (FR and NL,
    the conversation's language cannot be read) saying to try again and that what was said is kept; the rules API
    answers. When it is back, without any restart, the same message creates the ticket."""
    chat = WebChat(stand.prod.api)
    chat.say("/human_handoff")
    chat.say("Peut-on financer un minibus ?")
    chat.say("CPAS de Namur")
    stand.pg.cut()
    cut_at = time.monotonic()
    try:
        answer = chat.say("agent@cpas-namur.be")
        assert UNAVAILABLE_FR in answer and UNAVAILABLE_NL in answer and "Réessayez" in answer and CONTACT in answer
        assert httpx.get(f"{stand.prod.api}/api/v1/advance", params={"grant": "235022.50"}).status_code == 200
        time.sleep(max(0.0, 10 - (time.monotonic() - cut_at)))
    finally:
        stand.pg.restore()
    answer = chat.say("agent@cpas-namur.be")
    assert "ticket n°" in answer
    number = int(answer.split("ticket n°")[1].split()[0].strip(".,"))
    engine = create_engine(stand.database, future=True)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT email, question FROM helpdesk_tickets WHERE id = :id"), {"id": number}
            ).one()
    finally:
        engine.dispose()
    assert row.email == "agent@cpas-namur.be" and "minibus" in row.question


def test_redis_unreachable_the_lock_store_refuses_the_message_politely_and_recovers_without_restart(stand):
    """Rasa's Redis lock store cannot issue the conversation's ticket, so Rasa processes nothing rather than process
    a message unlocked: the user gets the polite reply, and nothing is written to the conversation. The API's abuse
    limits count in memory meanwhile. When Redis is back, the same question is answered with the slots kept."""
    chat = WebChat(stand.prod.api)
    assert "164\u202f515,75 €" in chat.say(
        "subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?"
    )
    stand.redis.cut()
    try:
        answer = chat.say("et notre avance ?")
        assert UNAVAILABLE_FR in answer and CONTACT in answer
    finally:
        stand.redis.restore()
    assert "70\u202f506,75 €" in chat.say("et notre avance ?")


def test_rasa_slower_than_the_timeout_gives_a_503_with_the_french_or_dutch_message(stand):
    """Both replicas frozen (SIGSTOP): after RASA_TIMEOUT_SECONDS the web chat shows the 'does not answer' message in
    the page's language; once they run again, answers come back."""
    for name in ("rasa-0", "rasa-1"):
        stand.prod.signal(name, signal.SIGSTOP)
    try:
        french = WebChat(stand.prod.api).send("Bonjour")
        dutch = WebChat(stand.prod.api, "nl").send("Dag")
    finally:
        for name in ("rasa-0", "rasa-1"):
            stand.prod.signal(name, signal.SIGCONT)
    assert french.status_code == 503 and french.json()["code"] == "assistant_unavailable"
    assert french.json()["message"].startswith("L'assistant Digilab ne répond pas pour le moment.")
    assert dutch.status_code == 503 and dutch.json()["message"].startswith("De Digilab-assistent antwoordt momenteel")
    stand.prod.wait_up("balancer")
    chat = WebChat(stand.prod.api)
    deadline = time.monotonic() + 30
    while chat.send("Bonjour").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "assistant Digilab" in chat.say("Bonjour")


def test_everything_stopped_and_started_again_keeps_each_conversations_history_and_slots(stand):
    """After a full stop and start, the same browser (its cookie) goes on: a form half-filled is finished, an amount
    given before is remembered, and the conversation's history is still in the tracker store."""
    in_form, with_grant = WebChat(stand.prod.api), WebChat(stand.prod.api)
    assert "Combien d'habitants" in in_form.say("on tombe dans quel cluster ?")
    first = "subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?"
    response = with_grant.send(first)
    conversation = response.json()["conversation"]
    stand.prod.stop()
    stand.prod.start()
    answer = in_form.say("42 000")
    assert "Projets de taille moyenne" in answer and "120\u202f000,00 €" in answer
    assert "70\u202f506,75 €" in with_grant.say("et notre avance ?")
    tracker = httpx.get(
        f"{stand.prod.topology.rasa_url}/conversations/{conversation}/tracker",
        params={"token": stand.prod.env["RASA_TOKEN"]},
        timeout=30,
    ).json()
    assert first in [event.get("text") for event in tracker["events"] if event["event"] == "user"]
