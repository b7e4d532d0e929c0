"""The real bridge, `python -m channels.telegram`, run against the Bot API stand-in."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.serve import stop
from tests.channels.bot_api import TOKEN, BotApi, TelegramUser

ROOT = Path(__file__).resolve().parents[2]
_chat_ids = itertools.count(1001)


@contextmanager
def bot_api() -> Iterator[BotApi]:
    api = BotApi().start()
    try:
        yield api
    finally:
        api.stop()


@contextmanager
def bridge(api: BotApi, *, rasa_url: str, workdir: Path, rasa_token: str = "") -> Iterator[subprocess.Popen]:
    """The bridge process, polling `api`; yields once it asks for updates."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": rasa_token,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TELEGRAM_WEBHOOK_URL", None)
    log_path = workdir / "telegram.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "channels.telegram"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            api.wait(lambda: api.called("getUpdates") or proc.poll() is not None, 60, "the bridge to poll")
            if proc.poll() is not None:
                raise RuntimeError(f"the bridge exited with {proc.returncode}:\n{log_path.read_text()}")
            yield proc
        finally:
            stop([proc])


def new_user(api: BotApi, language_code: str | None = "fr") -> TelegramUser:
    """Someone in a private chat no other test uses."""
    return TelegramUser(api, next(_chat_ids), language_code)


def texts(messages) -> str:
    return "\n---\n".join(m["text"] for m in messages)


def buttons(message) -> dict:
    """A message's inline keyboard as {title: callback_data}."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}
