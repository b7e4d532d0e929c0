"""E-mails about tickets: the helpdesk hears of a new one, the asker receives the answer (only when SMTP is set)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from helpdesk.models import Ticket
from knowledge.loader import default_knowledge
from settings import Settings

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10


def notify_new_ticket(ticket: Ticket, settings: Settings) -> bool:
    """Tell HELPDESK_EMAIL about a new ticket; False when SMTP_HOST or HELPDESK_EMAIL is unset."""
    if not settings.smtp_host or not settings.helpdesk_email:
        return False
    lang = ticket.language
    message = _message(
        settings,
        to=settings.helpdesk_email,
        reply_to=ticket.email,
        subject=_text("hd_mail_new_ticket_subject", lang, id=ticket.id, organisation=ticket.organisation),
        body=_text(
            "hd_mail_new_ticket_body",
            lang,
            id=ticket.id,
            organisation=ticket.organisation,
            email=ticket.email,
            language=lang,
            conversation=ticket.conversation_id,
            question=ticket.question,
        ),
    )
    _send(message, settings)
    log.info("ticket %s announced to %s", ticket.id, settings.helpdesk_email)
    return True


def notify_answer(ticket: Ticket, settings: Settings) -> bool:
    """Send the helpdesk's answer to the asker in their language; False when SMTP_HOST is unset."""
    if not settings.smtp_host or not ticket.answer:
        return False
    lang = ticket.language
    message = _message(
        settings,
        to=ticket.email,
        reply_to=settings.helpdesk_email,
        subject=_text("hd_mail_answer_subject", lang, id=ticket.id),
        body=_text("hd_mail_answer_body", lang, id=ticket.id, question=ticket.question, answer=ticket.answer),
    )
    _send(message, settings)
    log.info("answer to ticket %s sent", ticket.id)
    return True


def _text(code: str, lang: str, **params: object) -> str:
    return default_knowledge().message(code, lang, **params)


def _message(settings: Settings, *, to: str, reply_to: str | None, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    # A header cannot hold a line break; an organisation name typed in the chat could.
    message["Subject"] = " ".join(subject.split())
    message.set_content(body)
    return message


def _send(message: EmailMessage, settings: Settings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        smtp.send_message(message)
