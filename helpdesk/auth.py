"""Who may use the back office: staff passwords (scrypt), the helpdesk token, signed session cookies.

Command line:  python -m helpdesk.auth add-staff EMAIL      (password from HELPDESK_STAFF_PASSWORD or stdin)
               python -m helpdesk.auth remove-staff EMAIL
"""
from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import secrets
import sys
import time
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from helpdesk.db import session_scope
from helpdesk.models import StaffAccount
from helpdesk.tickets import valid_email
from knowledge.loader import default_knowledge
from settings import Settings

# scrypt cost: about 50 ms and 16 MiB per check, enough to make a stolen table slow to crack.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PASSWORD = 12
SESSION_SECONDS = 8 * 3600  # one working day
# Sessions of a process without any configured secret die with the process.
_PROCESS_SECRET = secrets.token_bytes(32)


class StaffError(ValueError):
    """A staff account cannot be created; `code` keys a message in knowledge/messages.yml."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def hash_password(password: str, *, salt: Optional[bytes] = None) -> str:
    """'scrypt$n$r$p$salt$hash' with a fresh 16-byte salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


# Checked when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def add_staff(session: Session, *, email: str, password: str) -> StaffAccount:
    address = valid_email(email)
    if not address:
        raise StaffError("ticket_email_invalid")
    if len(password) < MIN_PASSWORD:
        raise StaffError("hd_password_too_short")
    address = address.lower()
    if session.execute(select(StaffAccount.id).where(StaffAccount.email == address)).first():
        raise StaffError("hd_staff_exists")
    account = StaffAccount(email=address, password_hash=hash_password(password))
    session.add(account)
    session.flush()
    return account


def remove_staff(session: Session, *, email: str) -> bool:
    result = session.execute(delete(StaffAccount).where(StaffAccount.email == email.strip().lower()))
    return result.rowcount > 0


def find_staff(session: Session, email: str) -> Optional[StaffAccount]:
    query = select(StaffAccount).where(StaffAccount.email == (email or "").strip().lower())
    return session.execute(query).scalars().first()


def authenticate(session: Session, *, email: str, password: str) -> Optional[StaffAccount]:
    """The account whose e-mail and password match, or None."""
    account = find_staff(session, email)
    matches = verify_password(password or "", account.password_hash if account else _DUMMY_HASH)
    return account if account and matches else None


def token_matches(given: Optional[str], configured: Optional[str]) -> bool:
    """Constant-time check of the helpdesk token; no configured token lets nobody in."""
    if not configured or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


def session_secret(settings: Settings) -> bytes:
    """HELPDESK_SESSION_SECRET, else a key derived from HELPDESK_TOKEN, else one per process."""
    if settings.helpdesk_session_secret:
        return settings.helpdesk_session_secret.encode("utf-8")
    if settings.helpdesk_token:
        return hmac.new(settings.helpdesk_token.encode("utf-8"), b"digilab-helpdesk-session", "sha256").digest()
    return _PROCESS_SECRET


def token_fingerprint(token: Optional[str]) -> str:
    """Kept in a token session, so that changing HELPDESK_TOKEN ends those sessions."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, text: str) -> str:
    return _b64(hmac.new(secret, text.encode("ascii"), "sha256").digest())


def sign_session(*, subject: str, secret: bytes, now: Optional[float] = None, extra: Optional[dict] = None) -> str:
    """A cookie value 'payload.mac' that says who signed in and until when."""
    payload = {"sub": subject, "exp": int((now or time.time()) + SESSION_SECONDS), **(extra or {})}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_mac(secret, body)}"


def read_session(cookie: Optional[str], *, secret: bytes, now: Optional[float] = None) -> Optional[dict]:
    """The payload of a genuine, unexpired cookie, or None."""
    body, _, mac = (cookie or "").partition(".")
    if not body or not mac or not hmac.compare_digest(mac, _mac(secret, body)):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("exp", 0) < (now or time.time()):
        return None
    return payload


def csrf_token(cookie: str, *, secret: bytes) -> str:
    """Bound to the session cookie: a form posted from another site cannot know it."""
    return _mac(secret, "csrf:" + cookie)


def _password_from_input(settings: Settings) -> str:
    if settings.helpdesk_staff_password:
        return settings.helpdesk_staff_password
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


def main(argv: Optional[list] = None) -> int:
    """Add or remove a staff account in DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="python -m helpdesk.auth", description=main.__doc__)
    parser.add_argument("command", choices=["add-staff", "remove-staff"])
    parser.add_argument("email")
    args = parser.parse_args(argv)
    settings = Settings()  # a command reads the environment it is run in
    with session_scope(settings.database_url) as session:
        if args.command == "remove-staff":
            removed = remove_staff(session, email=args.email)
            print("removed" if removed else "no such account")
            return 0 if removed else 1
        try:
            account = add_staff(session, email=args.email, password=_password_from_input(settings))
        except StaffError as error:
            print(default_knowledge().message(error.code, "fr", minimum=MIN_PASSWORD), file=sys.stderr)
            return 2
        print(f"added {account.email}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
