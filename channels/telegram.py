"""Telegram bridge: each Telegram chat is one conversation on the assistant's Rasa REST channel."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from channels.citations import passage_urls
from channels.rasa import LANGUAGES, SOURCE_LABELS, Answer, AssistantUnavailable, Button, RasaClient, answers_from_rasa
from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge
from settings import TELEGRAM_API_BASE_URL, Settings, get_settings

logger = logging.getLogger("channels.telegram")  # not "__main__" under `python -m`

# Each language is named in itself, so the buttons read the same whatever the chat's language.
LANGUAGE_BUTTONS = {"fr": "FR · Français", "nl": "NL · Nederlands"}
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
COMMANDS = (("start", "telegram_command_start"), ("help", "telegram_command_help"), ("lang", "telegram_command_lang"))


# --- Pure parts: text, replies, buttons, languages ---------------------------------------


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units, the unit Telegram counts in."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut_at(text: str, fit: int) -> int:
    """Where to cut `text` so that the first part fits: a paragraph break, else a line break, else a space."""
    for separator in ("\n\n", "\n", " "):
        # A separator starting right at `fit` is a clean cut too: the part before it fits.
        at = text.rfind(separator, 0, fit + len(separator))
        if at > 0:
            return at
    return fit


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a text into messages Telegram accepts, at paragraph, then line, then word boundaries."""
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        fit = _fitting_prefix(rest, limit)
        if fit == len(rest):
            chunks.append(rest)
            break
        cut = _cut_at(rest, fit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks


class PayloadMap:
    """Callback data for button payloads: the payload itself when it fits Telegram's 64 bytes, else a short id."""

    PREFIX = "#"

    def __init__(self, capacity: int = 256):
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity
        self._issued = 0

    def data_for(self, payload: str) -> str:
        fits = len(payload.encode("utf-8")) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
        if fits and not payload.startswith(self.PREFIX):
            return payload
        for key, known in self._payloads.items():
            if known == payload:
                self._payloads.move_to_end(key)
                return key
        self._issued += 1
        key = f"{self.PREFIX}{self._issued:x}"
        self._payloads[key] = payload
        # Old keyboards stop working before memory grows without bound.
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, data: str) -> str | None:
        """The payload behind a button's callback data; None once its id has been forgotten."""
        if not data.startswith(self.PREFIX):
            return data
        return self._payloads.get(data)


def keyboard(buttons: Sequence[Button], payloads: PayloadMap) -> InlineKeyboardMarkup | None:
    """Quick replies as an inline keyboard, one button per row (titles are whole questions)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title, callback_data=payloads.data_for(b.payload))] for b in buttons]
    )


Outgoing = tuple[str, InlineKeyboardMarkup | None]


def with_links(answer: Answer, *, base_url: str | None) -> str:
    """The answer with its source line, then the address of each passage it cites (Telegram makes them links)."""
    text = answer.with_source()
    if not (answer.source and base_url):
        return text
    lang = SOURCE_LABELS.get(answer.label or "", "fr")
    return "\n".join([text, *passage_urls(answer.source, lang=lang, base_url=base_url)])


def telegram_messages(
    answers: Sequence[Answer], payloads: PayloadMap, *, base_url: str | None = None
) -> list[Outgoing]:
    """The (text, keyboard) messages to send: each answer with its source line and links; a keyboard rides on its
    last part."""
    messages: list[Outgoing] = []
    for answer in answers:
        # Telegram refuses an empty text: a keyboard alone needs something to hang on.
        parts = split_text(with_links(answer, base_url=base_url)) or ["…"]
        messages += [(part, None) for part in parts[:-1]]
        messages.append((parts[-1], keyboard(answer.buttons, payloads)))
    return messages


def sender_for(chat_id: int) -> str:
    return f"telegram-{chat_id}"


def language_payload(lang: str) -> str:
    return "/request_language" + json.dumps({"language": lang}, separators=(",", ":"))


def requested_language(payload: str) -> str | None:
    """The language a `/request_language{"language": "nl"}` payload asks for, else None."""
    match = re.fullmatch(r"/request_language(\{.*\})", payload.strip(), flags=re.DOTALL)
    if not match:
        return None
    try:
        lang = json.loads(match.group(1)).get("language")
    except (ValueError, AttributeError):
        return None
    return lang if lang in LANGUAGES else None


def telegram_language(language_code: str | None) -> str | None:
    """'nl' for a Telegram language_code such as 'nl' or 'nl-BE', 'fr' for 'fr-BE', None for others."""
    prefix = (language_code or "").split("-")[0].lower()
    return prefix if prefix in LANGUAGES else None


def reply_language(*, known: str | None, language_code: str | None) -> str:
    """The chat's last known language, else the user's Telegram language, else French."""
    return known or telegram_language(language_code) or "fr"


# Telegram allows 1-256 characters A-Z a-z 0-9 _ -; shorter than this is guessable.
MIN_WEBHOOK_SECRET = 24


class WebhookSecretMissing(ValueError):
    pass


def webhook_options(settings: Settings) -> dict[str, Any]:
    """run_webhook's arguments: serve on the public URL's path, so a reverse proxy can pass it through unchanged.

    Without a secret, anyone who finds the URL can post forged updates: webhook mode refuses to start."""
    secret = settings.telegram_webhook_secret or ""
    if len(secret) < MIN_WEBHOOK_SECRET or not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
        raise WebhookSecretMissing(
            f"TELEGRAM_WEBHOOK_SECRET must be set to at least {MIN_WEBHOOK_SECRET} characters of A-Z a-z 0-9 _ - "
            "in webhook mode (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(settings.telegram_webhook_url or "").path.lstrip("/"),
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": settings.telegram_webhook_secret or None,
    }


# --- Handlers ----------------------------------------------------------------------------------


def _payloads(context: ContextTypes.DEFAULT_TYPE) -> PayloadMap:
    return context.chat_data.setdefault("payloads", PayloadMap())


def _language(update: object, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user if isinstance(update, Update) else None
    return reply_language(
        known=(context.chat_data or {}).get("language"), language_code=user.language_code if user else None
    )


def _text(code: str, lang: str, **params: object) -> str:
    kb = default_knowledge()
    return kb.message(code, lang, contact=kb.contact(lang), **params)


async def converse(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
    """Send one user message to the assistant and carry its replies back to the chat."""
    chat = update.effective_chat
    assistant: RasaClient = context.bot_data["assistant"]
    await chat.send_action(ChatAction.TYPING)
    answers = answers_from_rasa(await assistant.send(sender=sender_for(chat.id), message=message))
    for text, markup in telegram_messages(answers, _payloads(context), base_url=get_settings().public_url):
        await chat.send_message(text, reply_markup=markup)
    # Remembered so that, should the assistant go down, the apology is in the user's language.
    lang = await assistant.language(sender_for(chat.id))
    if lang:
        context.chat_data["language"] = lang


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user and offer the first questions."""
    await converse(update, context, "/greet")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the assistant can answer."""
    await converse(update, context, "/ask_capabilities")


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer French or Dutch."""
    payloads = _payloads(context)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(LANGUAGE_BUTTONS[lang], callback_data=payloads.data_for(language_payload(lang)))
                for lang in LANGUAGES
            ]
        ]
    )
    await update.effective_chat.send_message(
        _text("telegram_choose_language", _language(update, context)), reply_markup=markup
    )


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pass a typed message to the assistant, unless it is longer than any question (the web chat's limit too)."""
    text = update.effective_message.text
    limit = get_settings().max_message_chars
    if len(text) > limit:
        await update.effective_chat.send_message(_text("telegram_too_long", _language(update, context), limit=limit))
        return
    await converse(update, context, text)


async def quick_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the payload of the pressed button, as if the user had typed it."""
    query = update.callback_query
    payload = _payloads(context).payload_for(query.data or "")
    if payload is None:
        await query.answer(_text("telegram_button_expired", _language(update, context)), show_alert=True)
        return
    await query.answer()
    try:
        # A quick reply is used once: dropping the keyboard keeps the chat readable.
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        logger.info("Keyboard left in place: %s", exc)  # too old to edit, or already gone
    asked = requested_language(payload)
    if asked:
        context.chat_data["language"] = asked
    await converse(update, context, payload)


async def text_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that photos, stickers and voice messages are not read."""
    await update.effective_chat.send_message(_text("telegram_text_only", _language(update, context)))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and, when the chat is known, apologise in its language."""
    if isinstance(context.error, AssistantUnavailable):
        logger.warning("Assistant unreachable: %s", context.error)
        code = "telegram_assistant_unreachable"
    else:
        logger.error("Exception while handling an update:", exc_info=context.error)
        if isinstance(context.error, TelegramError):
            return  # Telegram itself failed: an apology would fail the same way.
        code = "telegram_error"
    if isinstance(update, Update) and update.effective_chat:
        await update.effective_chat.send_message(_text(code, _language(update, context)))


async def set_commands(application: Application) -> None:
    """Describe /start, /help and /lang in Telegram's command menu, in French and in Dutch."""
    kb = default_knowledge()
    for lang in (None, *LANGUAGES):
        commands = [BotCommand(name, kb.message(code, lang or "fr")) for name, code in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)


async def close_assistant(application: Application) -> None:
    await application.bot_data["assistant"].aclose()


def configure_logging() -> None:
    """The bridge's logs: no bot token (httpx logs every request URL at INFO, and Telegram's URLs carry it), and
    no personal data (a failed update's traceback can quote the user's message, e-mail or phone number)."""
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    mask_logs()


def main() -> None:
    """Run the bridge: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    settings = get_settings()
    if not settings.telegram_bot_token:
        sys.exit(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather, then "
            "export TELEGRAM_BOT_TOKEN=<its token> and run `make telegram` again."
        )
    configure_logging()
    default_knowledge()  # a broken knowledge file stops the bridge now, not at the first message

    if settings.telegram_webhook_url:
        try:
            webhook = webhook_options(settings)
        except WebhookSecretMissing as exc:
            sys.exit(str(exc))
    application = build_application(settings)
    logger.info(
        "Telegram bridge to %s (%s)", settings.rasa_url, "webhook" if settings.telegram_webhook_url else "polling"
    )
    if settings.telegram_webhook_url:
        application.run_webhook(**webhook, allowed_updates=ALLOWED_UPDATES)
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def build_application(settings: Settings) -> Application:
    """The bridge's handlers. Updates are handled concurrently (one slow answer holds up no other chat); Rasa's
    lock store keeps each conversation's messages in order."""
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url or TELEGRAM_API_BASE_URL)
        .concurrent_updates(settings.telegram_concurrent_updates)
        .post_init(set_commands)
        .post_shutdown(close_assistant)
        .build()
    )
    application.bot_data["assistant"] = RasaClient(
        settings.rasa_url, timeout=settings.rasa_timeout_seconds, token=settings.rasa_token
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("lang", choose_language))
    application.add_handler(MessageHandler(filters.COMMAND, help_command))  # an unknown command gets the help
    application.add_handler(CallbackQueryHandler(quick_reply))
    application.add_handler(MessageHandler(filters.TEXT, question))
    application.add_handler(MessageHandler(~filters.StatusUpdate.ALL, text_only))
    application.add_error_handler(on_error)
    return application


if __name__ == "__main__":
    main()
