"""A new ticket reaches the helpdesk mailbox, an answer reaches the asker; nothing is sent without SMTP_HOST."""

from helpdesk.db import session_scope
from helpdesk.notify import notify_answer, notify_new_ticket
from helpdesk.tickets import answer_ticket, create_ticket
from settings import Settings


def _settings(controller, **overrides) -> Settings:
    return Settings(
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        smtp_from="assistant@digilab.be",
        helpdesk_email="digilab@mi-is.be",
        **overrides,
    )


def _ticket(database_url, language="fr"):
    with session_scope(database_url) as session:
        return create_ticket(
            session,
            conversation_id="web-7",
            question="Un abonnement\ninternet est-il éligible ?",
            organisation="CPAS de Namur — service social",
            email="agent@cpas-namur.be",
            language=language,
        )


def test_the_helpdesk_is_told_of_a_new_ticket(smtp, database_url):
    controller, inbox = smtp
    ticket = _ticket(database_url)
    assert notify_new_ticket(ticket, _settings(controller)) is True
    [(recipients, message)] = inbox.received
    assert recipients == ["digilab@mi-is.be"] and message["Reply-To"] == "agent@cpas-namur.be"
    assert message["Subject"] == f"[Digilab] Nouveau ticket n° {ticket.id} — CPAS de Namur — service social"
    body = message.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert "Un abonnement\ninternet est-il éligible ?" in body and "web-7" in body


def test_the_asker_receives_the_answer_in_dutch(smtp, database_url):
    controller, inbox = smtp
    ticket = _ticket(database_url, language="nl")
    with session_scope(database_url) as session:
        ticket = answer_ticket(
            session, ticket.id, answer="Ja, tijdens de projectperiode.", answered_by="agent@digilab.be"
        )
    assert notify_answer(ticket, _settings(controller)) is True
    [(recipients, message)] = inbox.received
    assert recipients == ["agent@cpas-namur.be"] and message["Reply-To"] == "digilab@mi-is.be"
    assert "Antwoord op uw vraag" in message["Subject"] and "Ja, tijdens de projectperiode." in message.get_content()


def test_nothing_is_sent_without_smtp_host(smtp, database_url):
    controller, inbox = smtp
    ticket = _ticket(database_url)
    assert notify_new_ticket(ticket, Settings(helpdesk_email="digilab@mi-is.be")) is False
    assert notify_new_ticket(ticket, _settings(controller).copy(update={"helpdesk_email": None})) is False
    assert inbox.received == []
