"""Tickets on SQLite and PostgreSQL: stored when complete, refused with a reason, answered and closed."""

from datetime import datetime, timezone

import pytest

from helpdesk.db import session_scope
from helpdesk.models import Ticket
from helpdesk.tickets import TOKEN_HOLDER, TicketError, answer_ticket, create_ticket, list_tickets, valid_email

GOOD = {
    "conversation_id": "web-1",
    "question": "Peut-on financer un abonnement internet ?",
    "organisation": "CPAS de Liège",
    "email": "marie@cpasliege.be",
}


def test_a_complete_ticket_is_stored_open_in_its_language(database_url):
    with session_scope(database_url) as session:
        ticket_id = create_ticket(session, **GOOD, language="nl").id
    with session_scope(database_url) as session:
        [ticket] = list_tickets(session, status="open")
    assert (ticket.id, ticket.status, ticket.language, ticket.email) == (ticket_id, "open", "nl", "marie@cpasliege.be")


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("question", "  ", "ticket_question_missing"),
        ("organisation", "", "ticket_organisation_missing"),
        ("email", "marie at cpasliege", "ticket_email_invalid"),
    ],
)
def test_an_incomplete_ticket_is_refused_with_its_reason(database_url, field, value, code):
    with pytest.raises(TicketError) as refused, session_scope(database_url) as session:
        create_ticket(session, **{**GOOD, field: value})
    assert refused.value.code == code
    with session_scope(database_url) as session:
        assert list_tickets(session) == []


def test_an_answer_closes_the_ticket_only_when_asked_to(database_url):
    with session_scope(database_url) as session:
        first, second = create_ticket(session, **GOOD).id, create_ticket(session, **GOOD).id
    with session_scope(database_url) as session:
        answer_ticket(
            session, first, answer="Oui, pendant la durée du projet.", answered_by="agent@digilab.be", close=True
        )
        answer_ticket(session, second, answer="Nous vérifions.", answered_by="agent@digilab.be")
    with session_scope(database_url) as session:
        assert [t.id for t in list_tickets(session, status="closed")] == [first]
        assert [t.id for t in list_tickets(session, status="open")] == [second]
        assert session.get(Ticket, first).answered_at is not None


def test_an_empty_answer_or_an_unknown_ticket_is_refused(database_url):
    with session_scope(database_url) as session:
        ticket_id = create_ticket(session, **GOOD).id
    for target, text, code in ((ticket_id, " ", "ticket_answer_missing"), (ticket_id + 99, "ok", "ticket_not_found")):
        with pytest.raises(TicketError) as refused, session_scope(database_url) as session:
            answer_ticket(session, target, answer=text, answered_by="agent@digilab.be")
        assert refused.value.code == code


@pytest.mark.parametrize(
    "text",
    [
        "a,b@x.be",
        "a@x.be, b@y.be",
        "a@x.be;b@y.be",
        "a b@x.be",
        "a@x",
        "a@-x.be",
        '"a"@x.be',
        "a@x.be\nBcc: c@y.be",
        "a..b@x.be",
        "a@x..be",
        "@x.be",
        "a@.be",
    ],
)
def test_an_address_that_is_not_exactly_one_mailbox_is_refused(text):
    # Issue 10: "a,b@x.be" was accepted and would have been sent to two recipients.
    assert valid_email(text) is None


@pytest.mark.parametrize(
    "text, address",
    [
        ("marie.dupont@cpas-liege.be", "marie.dupont@cpas-liege.be"),
        (" <Jan.Peeters+digilab@ocmw.gent> ", "Jan.Peeters+digilab@ocmw.gent"),
    ],
)
def test_a_plain_address_is_accepted(text, address):
    assert valid_email(text) == address


def test_each_answer_records_who_gave_it(database_url):
    with session_scope(database_url) as session:
        ticket_id = create_ticket(session, **GOOD).id
    with session_scope(database_url) as session:
        answer_ticket(session, ticket_id, answer="Nous vérifions.", answered_by="agent@digilab.be", close=False)
    with session_scope(database_url) as session:
        answer_ticket(session, ticket_id, answer="Oui.", answered_by=TOKEN_HOLDER)
    with session_scope(database_url) as session:
        [ticket] = list_tickets(session)
    assert ticket.answered_by == TOKEN_HOLDER
    assert [a.answered_by for a in ticket.answers] == ["agent@digilab.be", "HELPDESK_TOKEN"]


def test_a_database_made_before_answers_were_signed_gains_their_table(tmp_path):
    from sqlalchemy import create_engine, inspect

    from helpdesk.db import engine_for
    from helpdesk.models import Base

    url = f"sqlite:///{tmp_path}/old.db"
    old = create_engine(url)
    Base.metadata.create_all(old, tables=[Base.metadata.tables["helpdesk_tickets"]])
    old.dispose()
    with session_scope(url) as session:
        ticket_id = create_ticket(session, **GOOD).id
        answer_ticket(session, ticket_id, answer="Oui.", answered_by="agent@digilab.be")
    assert "helpdesk_ticket_answers" in inspect(engine_for(url)).get_table_names()


def test_the_delivery_of_the_latest_answer_is_recorded(database_url):
    from helpdesk.tickets import record_delivery

    with session_scope(database_url) as session:
        ticket_id = create_ticket(session, **GOOD).id
        answer_ticket(session, ticket_id, answer="Oui.", answered_by="agent@digilab.be")
        record_delivery(session, ticket_id, emailed=False)
    with session_scope(database_url) as session:
        assert session.get(Ticket, ticket_id).answer_sent is False
        answer_ticket(session, ticket_id, answer="Oui, vraiment.", answered_by="agent@digilab.be")
        record_delivery(session, ticket_id, emailed=True)
    with session_scope(database_url) as session:
        assert session.get(Ticket, ticket_id).answer_sent is True


def test_the_waiting_time_runs_until_the_answer_is_sent():
    from datetime import timedelta

    from helpdesk.models import TicketAnswer
    from helpdesk.tickets import waiting_seconds

    created = datetime(2024, 5, 10, 9, tzinfo=timezone.utc)
    ticket = Ticket(created_at=created.replace(tzinfo=None), question="?", answers=[])
    assert waiting_seconds(ticket, now=created + timedelta(hours=5)) == 5 * 3600
    ticket.answered_at = created + timedelta(hours=2)
    ticket.answers = [TicketAnswer(answered_by="x", emailed=False)]
    assert waiting_seconds(ticket, now=created + timedelta(hours=5)) == 5 * 3600  # stored, not sent: still waiting
    ticket.answers[-1].emailed = True
    assert waiting_seconds(ticket, now=created + timedelta(hours=5)) == 2 * 3600


def test_nearly_the_same_question_is_a_likely_duplicate():
    from helpdesk.tickets import likely_duplicates

    tickets = [
        Ticket(id=1, question="Peut-on payer un abonnement internet ?"),
        Ticket(id=2, question="peut on payer un abonnement Internet"),
        Ticket(id=3, question="Quand faut-il rentrer la première déclaration de créance ?"),
    ]
    assert likely_duplicates(tickets) == {1: [2], 2: [1], 3: []}
