"""Staff passwords are salted scrypt hashes; sessions are rows that expire, and end at logout or after a change."""

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from helpdesk import auth
from helpdesk.db import session_scope
from helpdesk.models import StaffAccount, StaffSession
from settings import Settings

PASSWORD = "correct horse battery staple"


def test_a_password_is_kept_as_a_salted_scrypt_hash():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("scrypt$") and PASSWORD not in first and first != second
    assert auth.verify_password(PASSWORD, first) and auth.verify_password(PASSWORD, second)
    assert not auth.verify_password(PASSWORD + "!", first) and not auth.verify_password(PASSWORD, "garbage")


def test_staff_sign_in_with_their_own_password_only(database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="Agent@Digilab.be", password=PASSWORD)
    with session_scope(database_url) as session:
        assert auth.authenticate(session, email="agent@digilab.be", password=PASSWORD).email == "agent@digilab.be"
        assert auth.authenticate(session, email="agent@digilab.be", password="wrong password!!") is None
        assert auth.authenticate(session, email="nobody@digilab.be", password=PASSWORD) is None


@pytest.mark.parametrize(
    "email, password, code",
    [
        ("agent@digilab.be", "short", "hd_password_too_short"),
        ("not an address", PASSWORD, "ticket_email_invalid"),
    ],
)
def test_a_weak_or_malformed_account_is_refused(database_url, email, password, code):
    with pytest.raises(auth.StaffError) as refused, session_scope(database_url) as session:
        auth.add_staff(session, email=email, password=password)
    assert refused.value.code == code


def test_the_command_line_adds_and_removes_an_account(database_url, monkeypatch, settings, capsys):
    monkeypatch.setenv("HELPDESK_STAFF_PASSWORD", PASSWORD)
    assert auth.main(["add-staff", "agent@digilab.be"]) == 0
    assert "added agent@digilab.be (agent)" in capsys.readouterr().out
    assert auth.main(["add-staff", "agent@digilab.be"]) == 2
    assert "existe déjà" in capsys.readouterr().err
    with session_scope(database_url) as session:
        [account] = session.query(StaffAccount).all()
        assert auth.verify_password(PASSWORD, account.password_hash)
    assert auth.main(["remove-staff", "agent@digilab.be"]) == 0
    with session_scope(database_url) as session:
        assert session.query(StaffAccount).count() == 0


def test_the_token_is_compared_and_an_unset_token_opens_nothing():
    assert auth.token_matches("abc", "abc") and not auth.token_matches("abd", "abc")
    assert not auth.token_matches("", "") and not auth.token_matches("anything", None)


def test_a_session_is_a_row_its_cookie_key_opens_until_it_expires(database_url):
    start = datetime(2024, 5, 10, 9, tzinfo=timezone.utc)
    with session_scope(database_url) as session:
        key, row = auth.open_session(session, subject="agent@digilab.be", now=start)
    with session_scope(database_url) as session:
        assert auth.find_session(session, key, token=None, now=start + timedelta(hours=1)).subject == "agent@digilab.be"
        assert auth.find_session(session, key + "x", token=None, now=start) is None
        assert auth.find_session(session, key, token=None, now=start + timedelta(seconds=auth.SESSION_SECONDS)) is None
        # The table keeps a hash of the key: a copy of it opens nothing.
        stored = session.get(StaffSession, row.id)
        assert key not in (stored.id, stored.csrf) and auth.find_session(session, stored.id, token=None) is None


def test_a_closed_session_is_revoked(database_url):
    with session_scope(database_url) as session:
        key, _ = auth.open_session(session, subject="agent@digilab.be")
    with session_scope(database_url) as session:
        assert auth.close_session(session, key)
    with session_scope(database_url) as session:
        assert auth.find_session(session, key, token=None) is None and not auth.close_session(session, key)


def test_a_token_session_ends_when_the_token_changes_and_keeps_no_fingerprint_of_it(database_url):
    old, new = "token-one-of-twenty-four-chars", "token-two-of-twenty-four-chars"
    with session_scope(database_url) as session:
        key, row = auth.open_session(session, subject=auth.TOKEN_SUBJECT, token=old)
        assert hashlib.sha256(old.encode()).hexdigest()[:16] not in (row.credential, key)
    with session_scope(database_url) as session:
        assert auth.find_session(session, key, token=old) is not None
        assert (
            auth.find_session(session, key, token=new) is None and auth.find_session(session, key, token=None) is None
        )


def test_removing_an_account_revokes_its_sessions(database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
        key, _ = auth.open_session(session, subject="agent@digilab.be")
    with session_scope(database_url) as session:
        auth.remove_staff(session, email="agent@digilab.be")
    with session_scope(database_url) as session:
        assert auth.find_session(session, key, token=None) is None


def test_accounts_are_agents_unless_made_admins_and_the_token_is_an_admin(database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
        auth.add_staff(session, email="chef@digilab.be", password=PASSWORD, role="admin")
        with pytest.raises(auth.StaffError, match="hd_role_unknown"):
            auth.add_staff(session, email="x@digilab.be", password=PASSWORD, role="boss")
    with session_scope(database_url) as session:
        assert [
            auth.role_of(session, who) for who in ("agent@digilab.be", "chef@digilab.be", "token", "gone@x.be")
        ] == ["agent", "admin", "admin", None]


@pytest.mark.parametrize("name", ["helpdesk_token", "web_chat_secret"])
def test_a_short_secret_is_refused_at_start_up(name):
    # Issue 10: a 1-character HELPDESK_TOKEN was accepted.
    with pytest.raises(ValidationError, match="at least 24 characters"):
        Settings(**{name: "x" * 23})
