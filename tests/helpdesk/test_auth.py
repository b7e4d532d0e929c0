"""Staff passwords are salted scrypt hashes; session cookies cannot be forged, replayed late or kept after a change."""
import pytest
from pydantic import ValidationError

from helpdesk import auth
from helpdesk.db import session_scope
from helpdesk.models import StaffAccount
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


@pytest.mark.parametrize("email, password, code", [
    ("agent@digilab.be", "short", "hd_password_too_short"),
    ("not an address", PASSWORD, "ticket_email_invalid"),
])
def test_a_weak_or_malformed_account_is_refused(database_url, email, password, code):
    with pytest.raises(auth.StaffError) as refused, session_scope(database_url) as session:
        auth.add_staff(session, email=email, password=password)
    assert refused.value.code == code


def test_the_command_line_adds_and_removes_an_account(database_url, monkeypatch, settings, capsys):
    monkeypatch.setenv("HELPDESK_STAFF_PASSWORD", PASSWORD)
    assert auth.main(["add-staff", "agent@digilab.be"]) == 0
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


def test_a_session_cookie_is_signed_and_expires():
    secret = b"k" * 32
    cookie = auth.sign_session(subject="agent@digilab.be", secret=secret, now=1000.0)
    assert auth.read_session(cookie, secret=secret, now=1001.0)["sub"] == "agent@digilab.be"
    assert auth.read_session(cookie, secret=b"other" * 8, now=1001.0) is None
    assert auth.read_session(cookie, secret=secret, now=1000.0 + auth.SESSION_SECONDS + 1) is None
    body, mac = cookie.split(".")
    forged = auth.sign_session(subject="token", secret=b"guess", now=1000.0).split(".")[0]
    assert auth.read_session(f"{forged}.{mac}", secret=secret, now=1001.0) is None


def test_the_session_secret_follows_the_settings():
    secret, t1, t2 = "s3cret-of-twenty-four-chars", "token-one-of-twenty-four-chars", "token-two-of-twenty-four-chars"
    assert auth.session_secret(Settings(helpdesk_session_secret=secret)) == secret.encode()
    from_token = auth.session_secret(Settings(helpdesk_token=t1))
    assert from_token != auth.session_secret(Settings(helpdesk_token=t2)) and t1.encode() not in from_token


@pytest.mark.parametrize("name", ["helpdesk_token", "helpdesk_session_secret", "web_chat_secret"])
def test_a_short_secret_is_refused_at_start_up(name):
    # Issue 10: a 1-character HELPDESK_TOKEN was accepted.
    with pytest.raises(ValidationError, match="at least 24 characters"):
        Settings(**{name: "x" * 23})
