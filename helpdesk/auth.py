"""Who may use the back office: staff passwords (scrypt) and roles, the helpdesk token, sessions kept as rows.

Command line:  python -m helpdesk.auth add-staff EMAIL [--role agent|admin]
                   (password from HELPDESK_STAFF_PASSWORD or stdin)
               python -m helpdesk.auth remove-staff EMAIL
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import secrets
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from helpdesk.db import session_scope
from helpdesk.models import ADMIN, AGENT, ROLES, StaffAccount, StaffSession
from helpdesk.tickets import valid_email
from knowledge.loader import default_knowledge
from settings import Settings

# scrypt cost: about 50 ms and 16 MiB per check, enough to make a stolen table slow to crack.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 12
SESSION_SECONDS = 8 * 3600  # one working day
# Who a session of the shared HELPDESK_TOKEN belongs to.
TOKEN_SUBJECT = "token"


class StaffError(ValueError):
    """A staff account cannot be created; `code` keys a message in knowledge/messages.yml."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' with a fresh 16-byte salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected) // 2
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


# Checked when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def add_staff(session: Session, *, email: str, password: str, role: str = AGENT) -> StaffAccount:
    if role not in ROLES:
        raise StaffError("hd_role_unknown")
    address = valid_email(email)
    if not address:
        raise StaffError("ticket_email_invalid")
    if len(password) < MIN_PASSWORD:
        raise StaffError("hd_password_too_short")
    address = address.lower()
    if session.execute(select(StaffAccount.id).where(StaffAccount.email == address)).first():
        raise StaffError("hd_staff_exists")
    account = StaffAccount(email=address, password_hash=hash_password(password), role=role)
    session.add(account)
    session.flush()
    return account


def remove_staff(session: Session, *, email: str) -> bool:
    """Delete the account and revoke its sessions."""
    address = email.strip().lower()
    session.execute(delete(StaffSession).where(StaffSession.subject == address))
    result = session.execute(delete(StaffAccount).where(StaffAccount.email == address))
    return result.rowcount > 0


def list_staff(session: Session) -> list[StaffAccount]:
    return list(session.execute(select(StaffAccount).order_by(StaffAccount.email)).scalars())


def set_role(session: Session, *, email: str, role: str) -> bool:
    """Give an account another role; its open sessions take it at their next page."""
    if role not in ROLES:
        raise StaffError("hd_role_unknown")
    account = find_staff(session, email)
    if account is None:
        return False
    account.role = role
    return True


def find_staff(session: Session, email: str) -> StaffAccount | None:
    query = select(StaffAccount).where(StaffAccount.email == (email or "").strip().lower())
    return session.execute(query).scalars().first()


def authenticate(session: Session, *, email: str, password: str) -> StaffAccount | None:
    """The account whose e-mail and password match, or None."""
    account = find_staff(session, email)
    matches = verify_password(password or "", account.password_hash if account else _DUMMY_HASH)
    return account if account and matches else None


def token_matches(given: str | None, configured: str | None) -> bool:
    """Constant-time check of the helpdesk token; no configured token lets nobody in."""
    if not configured or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


def _key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _credential(key: str, token: str) -> str:
    return hmac.new(key.encode("utf-8"), token.encode("utf-8"), "sha256").hexdigest()


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every session time is written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def open_session(
    session: Session, *, subject: str, token: str | None = None, now: datetime | None = None
) -> tuple[str, StaffSession]:
    """A new session row for `subject` ('token' or a staff e-mail) and the random key its cookie carries."""
    now = now or datetime.now(timezone.utc)
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    key = secrets.token_urlsafe(32)
    row = StaffSession(
        id=_key_id(key),
        subject=subject,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(seconds=SESSION_SECONDS),
        credential=_credential(key, token) if subject == TOKEN_SUBJECT and token else None,
    )
    session.add(row)
    session.flush()
    return key, row


def find_session(
    session: Session, key: str | None, *, token: str | None, now: datetime | None = None
) -> StaffSession | None:
    """The unexpired, unrevoked session the cookie's key opens, or None; a changed token ends token sessions."""
    if not key:
        return None
    row = session.get(StaffSession, _key_id(key))
    if row is None or _utc(row.expires_at) <= (now or datetime.now(timezone.utc)):
        return None
    if row.subject == TOKEN_SUBJECT:
        if not token or not row.credential or not hmac.compare_digest(row.credential, _credential(key, token)):
            return None
    return row


def close_session(session: Session, key: str | None) -> bool:
    """Revoke the session: its cookie opens nothing any more, wherever it was copied."""
    if not key:
        return False
    return session.execute(delete(StaffSession).where(StaffSession.id == _key_id(key))).rowcount > 0


def role_of(session: Session, subject: str) -> str | None:
    """The role of who signed in: the shared token is an admin; a removed account has none."""
    if subject == TOKEN_SUBJECT:
        return ADMIN
    account = find_staff(session, subject)
    if account is None:
        return None
    return account.role if account.role in ROLES else AGENT


def _password_from_input(settings: Settings) -> str:
    if settings.helpdesk_staff_password:
        return settings.helpdesk_staff_password
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


def main(argv: list | None = None) -> int:
    """Add or remove a staff account in DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="python -m helpdesk.auth", description=main.__doc__)
    parser.add_argument("command", choices=["add-staff", "remove-staff"])
    parser.add_argument("email")
    parser.add_argument(
        "--role",
        choices=ROLES,
        default=AGENT,
        help="agent: tickets and review; admin: also staff " "accounts and exports",
    )
    args = parser.parse_args(argv)
    settings = Settings()  # a command reads the environment it is run in
    with session_scope(settings.database_url) as session:
        if args.command == "remove-staff":
            removed = remove_staff(session, email=args.email)
            print("removed" if removed else "no such account")
            return 0 if removed else 1
        try:
            account = add_staff(session, email=args.email, password=_password_from_input(settings), role=args.role)
        except StaffError as error:
            print(default_knowledge().message(error.code, "fr", minimum=MIN_PASSWORD), file=sys.stderr)
            return 2
        print(f"added {account.email} ({account.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
