"""Talk to the real servers through Rasa's REST channel, in French and in Dutch."""

import re
import uuid

import httpx
import pytest

from tests.e2e.servers import Chat, assistant, reachable

pytestmark = pytest.mark.e2e

STORES = {
    "embedded": {},
    "production": {
        "TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/test",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    },
}


@pytest.fixture(scope="module", params=sorted(STORES))
def servers(request, tmp_path_factory):
    if request.param == "production" and not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        pytest.skip("PostgreSQL and Redis are not running on 127.0.0.1")
    with assistant(tmp_path_factory.mktemp(request.param), STORES[request.param]) as urls:
        yield urls


def chat(servers) -> Chat:
    return Chat(servers["rasa"], f"e2e-{uuid.uuid4().hex[:8]}")


def test_french_cluster_form_asks_for_the_population_then_answers(servers):
    c = chat(servers)
    assert "assistant Digilab" in c.say("Bonjour")
    assert "Combien d'habitants" in c.say("on tombe dans quel cluster ?")
    answer = c.say("42 000")
    assert "cluster « Projets de taille moyenne" in answer and "120\u202f000,00 €" in answer and "Source :" in answer


def test_dutch_advance_for_a_named_ocmw(servers):
    c = chat(servers)
    answer = c.say("Hoeveel voorschot krijgt OCMW Genk?")
    assert "Vlotte balie" in answer and "€ 70.506,75" in answer and "Bron:" in answer


def test_the_form_can_be_cancelled(servers):
    c = chat(servers)
    assert "Combien d'habitants" in c.say("combien de subside max pour notre cpas selon la taille ?")
    assert "annulé" in c.say("stop")


def test_a_question_outside_the_sources_gets_the_digilab_contact(servers):
    c = chat(servers)
    answer = c.say("Wat is het leefloon voor een alleenstaande?")
    assert "digilab@mi-is.be" in answer


def test_switching_language_mid_conversation(servers):
    c = chat(servers)
    assert "Bonjour" in c.say("bonjour")
    assert "Nederlands" in c.say("in het Nederlands aub")
    assert "Bron:" in c.say("tegen wanneer moet de tweede schuldvordering binnen?")


def test_remaining_with_grant_and_received_in_one_message(servers):
    c = chat(servers)
    answer = c.say("subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?")
    assert "Encore à réclamer : 164\u202f515,75 €" in answer


def _listening_hosts(port: int) -> set:
    """The addresses a TCP port is listened on, from /proc/net/tcp (IPv4) and tcp6."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                hosts.add("127.0.0.1" if address == "0100007F" else "::1" if address.endswith("01000000") else address)
    return hosts


def test_the_action_server_and_rasa_listen_on_loopback_only(servers):
    # Issue 10: the action server listened on 0.0.0.0, and a forged call from the network created a ticket.
    for name in ("actions", "rasa"):
        port = int(servers[name].rsplit(":", 1)[1])
        assert _listening_hosts(port) == {"127.0.0.1"}, name


def test_rasa_http_api_needs_its_token(servers):
    url = f"{servers['rasa']}/conversations/someone/tracker"
    assert httpx.get(url, timeout=30).status_code == 401
    assert httpx.get(url, params={"token": servers["rasa_token"]}, timeout=30).status_code == 200


def _ticket_question(servers, number: str) -> str:
    from helpdesk.db import session_scope
    from helpdesk.models import Ticket

    with session_scope(servers["database_url"]) as session:
        return session.get(Ticket, int(number)).question


def test_the_handoff_offers_the_unanswered_question_to_confirm(servers):
    c = chat(servers)
    question = "Quel est le montant du revenu d'intégration pour une personne isolée ?"
    c.say(question)
    offered = c.say("/human_handoff")
    assert "Est-ce la question à transmettre ?" in offered and f"« {question} »" in offered
    assert "Pour quel CPAS" in c.say("/affirm")
    assert "adresse e-mail" in c.say("CPAS de Namur")
    done = c.say("agent@cpas-namur.be")
    number = re.search(r"ticket n° (\d+)", done).group(1)
    assert _ticket_question(servers, number) == question


def test_the_offered_question_can_be_typed_anew_in_dutch(servers):
    c = chat(servers)
    c.say("Wat is het leefloon voor een alleenstaande?")
    assert "Is dit de vraag die u wilt doorgeven?" in c.say("/human_handoff")
    typed = "Hoeveel bedraagt het leefloon voor een samenwonende met kinderen?"
    assert "Voor welk OCMW" in c.say(typed)
    c.say("OCMW Gent")
    number = re.search(r"ticket nr\. (\d+)", c.say("jan@ocmw-gent.be")).group(1)
    assert _ticket_question(servers, number) == typed


def test_without_an_earlier_question_the_handoff_asks_for_it(servers):
    c = chat(servers)
    assert "Quelle est votre question ?" in c.say("/human_handoff")
