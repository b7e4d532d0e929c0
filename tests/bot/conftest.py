"""Run actions as the action server would: a Tracker from a dict, a CollectingDispatcher, the real domain."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(
    text: str = "",
    *,
    intent: str = "inform",
    entities: list[dict] | None = None,
    slots: dict | None = None,
    earlier: Sequence[str] = (),
) -> Tracker:
    """A conversation whose latest message is `text`, after the user's `earlier` messages."""
    slots = {"language": "fr", "requested_slot": None, **(slots or {})}
    events = [{"event": "user", "text": t, "parse_data": {"intent": {"name": "inform"}}} for t in [*earlier, text]]
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots,
            "paused": False,
            "events": events,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        }
    )


def run(action, t: Tracker, domain: dict):
    """Run an action (sync or async); return its events and the rendered replies."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, domain)
    events = asyncio.run(result) if inspect.isawaitable(result) else result
    lang = t.get_slot("language")
    return events, [render(domain, m, lang) for m in dispatcher.messages]


def render(domain: dict, message: dict, lang: str) -> str:
    """Fill the response's variation for `lang` with the action's parameters, as Rasa does."""
    if not message.get("response"):
        return message.get("text") or ""
    variations = domain["responses"][message["response"]]
    chosen = next(
        (v for v in variations if any(c.get("value") == lang for c in v.get("condition", []))),
        next(v for v in variations if not v.get("condition")),
    )
    params = {**message, **message.get("kwargs", {})}
    text = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), chosen["text"])
    return text
