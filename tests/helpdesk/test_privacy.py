"""Retention and erasure on SQLite and PostgreSQL: what is past its time, or asked to be erased, is gone everywhere."""

from datetime import datetime, timedelta, timezone

import pytest

from helpdesk.analytics import TIMEZONE, helpdesk_stats, read_events
from helpdesk.db import session_scope
from helpdesk.feedback import feedback_counts, record_feedback
from helpdesk.models import Feedback, ReviewLabel, TicketAnswer
from helpdesk.privacy import main, purge
from helpdesk.tickets import answer_ticket, create_ticket, list_tickets
from settings import Settings
from tests.helpdesk.conftest import action, fill_scenario, session_start, user

NOW = datetime(2024, 5, 10, 15, 30, tzinfo=TIMEZONE)


def _ticket(database_url, *, sender="web-1", email="marie@cpasliege.be", days_ago=0, answered_days_ago=None, now=NOW):
    with session_scope(database_url) as session:
        ticket = create_ticket(
            session,
            conversation_id=sender,
            question="Un abonnement internet ?",
            organisation="CPAS de Liège",
            email=email,
        )
        ticket.created_at = now - timedelta(days=days_ago)
        if answered_days_ago is not None:
            answer_ticket(session, ticket.id, answer="Oui.", answered_by="agent@digilab.be")
            ticket.answered_at = now - timedelta(days=answered_days_ago)
        return ticket.id


def _feedback(database_url, *, sender="web-1", days_ago=0, rating=1, question="le forfait internet ?"):
    with session_scope(database_url) as session:
        item = record_feedback(session, conversation_id=sender, question=question, answer="Oui, 30 €.", rating=rating)
        item.created_at = NOW - timedelta(days=days_ago)


def _ticket_ids(database_url):
    with session_scope(database_url) as session:
        return sorted(t.id for t in list_tickets(session))


def _senders(tracker_url):
    return {row.sender_id for row in read_events(tracker_url, since=0)}


def _chat(conversations, sender, text, *, days_ago=0, intent="nlu_fallback", lang="fr"):
    start = (NOW - timedelta(days=days_ago)).timestamp()
    conversations.save(
        sender,
        session_start(start) + user(text, intent, at=start + 1, lang=lang) + action("action_dont_know", at=start + 2),
    )


# ---- purge ----------------------------------------------------------------------------------------------------


def test_tickets_past_their_retention_leave_the_list_with_who_answered_them(settings, database_url):
    old = _ticket(database_url, days_ago=400, answered_days_ago=380)
    answered_lately = _ticket(database_url, days_ago=400, answered_days_ago=10)
    recent = _ticket(database_url, days_ago=3)
    assert purge(settings, now=NOW).tickets == 1
    assert _ticket_ids(database_url) == [answered_lately, recent]
    with session_scope(database_url) as session:
        assert {a.ticket_id for a in session.query(TicketAnswer)} == {answered_lately}
    assert old not in _ticket_ids(database_url)


def test_old_feedback_loses_its_texts_but_still_counts(settings, database_url):
    _feedback(database_url, days_ago=200, rating=-1, question="mon NISS 85.07.30-033.28 ?")
    _feedback(database_url, days_ago=5, rating=1)
    assert purge(settings, now=NOW).feedback_texts == 1
    with session_scope(database_url) as session:
        rows = sorted((f.rating, f.conversation_id, f.question) for f in session.query(Feedback))
        assert rows == [(-1, "", ""), (1, "web-1", "le forfait internet ?")]
        assert feedback_counts(session) == {"up": 1, "down": 1}
    assert purge(settings, now=NOW).feedback_texts == 0  # blanked once


def test_old_conversations_leave_the_tracker_store_and_the_statistics(
    settings, conversations, database_url, tracker_url
):
    fill_scenario(conversations, database_url, now=NOW)  # "e" spoke 40 days ago, the others this week
    short = settings.copy(update={"conversation_retention_days": 30})
    with session_scope(database_url) as session:
        before = helpdesk_stats(tracker_store_url=tracker_url, helpdesk_session=session, days=60, now=NOW)
    assert purge(short, now=NOW).events > 0
    with session_scope(database_url) as session:
        after = helpdesk_stats(tracker_store_url=tracker_url, helpdesk_session=session, days=60, now=NOW)
    assert (before.conversations, after.conversations) == (6, 5)
    assert "la météo à Namur ?" in [t.text for t in before.fallbacks]
    assert "la météo à Namur ?" not in [t.text for t in after.fallbacks]
    assert _senders(tracker_url) == {"a", "b", "c", "d"}


def _review_label(database_url, *, sender, days_ago):
    with session_scope(database_url) as session:
        session.add(
            ReviewLabel(
                item_key=f"{sender}@{(NOW - timedelta(days=days_ago)).timestamp()}",
                kinds="fallback",
                conversation_id=sender,
                language="fr",
                question="une avance pour [e-mail] ?",
                reply="",
                label="fact",
                fact_id="cpas_2023.advance_rate",
                labelled_by="agent@digilab.be",
                labelled_at=NOW - timedelta(days=days_ago),
            )
        )


def test_old_review_labels_keep_what_staff_taught_but_no_longer_point_to_a_conversation(settings, database_url):
    _review_label(database_url, sender="web-old", days_ago=400)
    _review_label(database_url, sender="web-new", days_ago=3)
    assert purge(settings, now=NOW).review_labels == 1
    with session_scope(database_url) as session:
        rows = {r.fact_id + "|" + r.conversation_id: r for r in session.query(ReviewLabel)}
        keys = sorted(r.item_key for r in rows.values())
    assert set(rows) == {"cpas_2023.advance_rate|", "cpas_2023.advance_rate|web-new"}
    assert not any("web-old" in key for key in keys)


def test_purge_on_the_command_line_says_what_it_removed(settings, database_url, capsys):
    today = datetime.now(timezone.utc)  # the command purges up to the present
    _ticket(database_url, days_ago=800, now=today)
    _ticket(database_url, days_ago=1, now=today)
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "tickets older than 365 days: 1 removed" in out
    assert "feedback texts older than 180 days: 0 blanked" in out
    assert "conversation events older than 180 days: 0 removed" in out
    assert len(_ticket_ids(database_url)) == 1


def test_without_a_tracker_store_the_purge_leaves_it_alone(database_url, tmp_path):
    missing = f"sqlite:///{tmp_path}/not-yet.db"
    for url in ("memory", missing):
        assert purge(Settings(database_url=database_url, tracker_store_url=url), now=NOW).events == 0
    assert not (tmp_path / "not-yet.db").exists()


# ---- erase ----------------------------------------------------------------------------------------------------


@pytest.fixture
def two_people(conversations, database_url):
    """Marie asked on the web (a ticket, feedback) and typed her address on Telegram; Jan asked once on the web."""
    _chat(conversations, "web-1", "un abonnement internet ?")
    conversations.save("web-1", user("Marie@CPASLiege.be", "inform", at=NOW.timestamp() + 10, lang="fr"))
    _ticket(database_url, sender="web-1", answered_days_ago=0)
    _feedback(database_url, sender="web-1")
    _chat(conversations, "telegram-42", "écrivez-moi à marie@cpasliege.be", days_ago=3)
    _chat(conversations, "web-2", "hoeveel voorschot?", intent="ask_advance", lang="nl")
    jan = _ticket(database_url, sender="web-2", email="jan@ocmw-gent.be")
    _feedback(database_url, sender="web-2", rating=-1)
    return jan


def test_erasing_an_address_removes_her_tickets_feedback_and_every_conversation_she_typed_it_in(
    two_people, settings, database_url, tracker_url, capsys
):
    assert main(["erase", "--email", "MARIE@cpasliege.be "]) == 0
    out = capsys.readouterr().out
    assert out.startswith("removed for MARIE@cpasliege.be")
    assert "tickets: 1 (n° " in out and "feedback: 1" in out
    assert "conversations: 2 (telegram-42, web-1)" in out
    assert _ticket_ids(database_url) == [two_people]
    assert _senders(tracker_url) == {"web-2"}
    with session_scope(database_url) as session:
        assert [f.conversation_id for f in session.query(Feedback)] == ["web-2"]
        assert session.query(TicketAnswer).count() == 0
        stats = helpdesk_stats(tracker_store_url=tracker_url, helpdesk_session=session, days=30, now=NOW)
    assert "marie" not in " ".join(t.text.lower() for t in stats.fallbacks)


def test_erasing_a_conversation_removes_it_and_nothing_else(two_people, settings, database_url, tracker_url, capsys):
    assert main(["erase", "--conversation", "web-2"]) == 0
    out = capsys.readouterr().out
    assert f"tickets: 1 (n° {two_people})" in out and "feedback: 1" in out and "conversations: 1 (web-2)" in out
    assert two_people not in _ticket_ids(database_url) and len(_ticket_ids(database_url)) == 1
    assert _senders(tracker_url) == {"web-1", "telegram-42"}


def test_erasing_someone_unknown_says_so_and_fails(two_people, settings, database_url, tracker_url, capsys):
    assert main(["erase", "--email", "nobody@example.be"]) == 1
    assert main(["erase", "--conversation", "web-404"]) == 1
    out = capsys.readouterr().out
    assert "nothing found for nobody@example.be" in out and "nothing found for web-404" in out
    assert len(_ticket_ids(database_url)) == 2 and _senders(tracker_url) == {"web-1", "web-2", "telegram-42"}


def test_an_underscore_in_an_address_is_no_wildcard(conversations, settings, tracker_url):
    _chat(conversations, "web-5", "mail: jan_peeters@gent.be")
    _chat(conversations, "web-6", "mail: janXpeeters@gent.be")
    main(["erase", "--email", "jan_peeters@gent.be"])
    assert _senders(tracker_url) == {"web-6"}


def test_erase_needs_exactly_one_person():
    with pytest.raises(SystemExit):
        main(["erase"])
    with pytest.raises(SystemExit):
        main(["erase", "--email", "a@b.be", "--conversation", "web-1"])


def test_dates_compare_in_utc_whatever_the_database(settings, database_url):
    # Just past the retention period in UTC: still past it, on SQLite (naive) as on PostgreSQL.
    just_past = datetime.now(timezone.utc) - timedelta(days=365, minutes=1)
    with session_scope(database_url) as session:
        ticket = create_ticket(session, conversation_id="web-1", question="?", organisation="CPAS", email="a@cpas.be")
        ticket.created_at = just_past
    assert purge(settings).tickets == 1
