"""Rasa's command line, with the action server's answers checked by a validator built once.

Rasa 3.6 checks every action-server response with `jsonschema.validate`, which first re-checks
the schema itself against its meta-schema: measured with py-spy, 43 % of the Rasa server's CPU
on a question answered by an action. Same schema, same errors, checked once per process.
Its log handlers, once Rasa has made them, mask e-mail addresses and numbers (helpdesk/masking.py).

When a part behind Rasa fails, Rasa 3.6 goes silent or forgets: an action server that does not answer costs the
action's events ("Bot will continue, but the actions events are lost"); a tracker store (PostgreSQL) that does not
answer is taken for an empty conversation, kept in the replica's memory; a lock store (Redis) that does not answer
makes the REST channel log the exception and return no message at all. Here the user
is told instead, politely, in the conversation's language (both when it cannot be read), with the Digilab contact;
the conversation stays as it was before this message, so saying it again once the part is back goes on.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge
from knowledge.models import LANGUAGES
from settings import get_settings


@lru_cache(maxsize=1)
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def _configure_logging(configure: Callable[..., None]) -> Callable[..., None]:
    """Rasa's own logging set-up, then the personal-data filter on the handlers it made."""

    def configured(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        mask_logs()

    return configured


log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def unavailable_texts() -> dict[str, str]:
    """The polite reply, FR and NL, read once at start-up: the failure path must not load files."""
    kb = default_knowledge()
    return {lang: kb.message("assistant_part_unavailable", lang, contact=kb.contact(lang)) for lang in LANGUAGES}


def unavailable_text(lang: str | None) -> str:
    """In the conversation's language; both, French first, when it is not known."""
    texts = unavailable_texts()
    return texts[lang] if lang in texts else "\n\n".join(texts[code] for code in LANGUAGES)


def _polite_remote_action(run: Callable[..., Any]) -> Callable[..., Any]:
    """A custom action whose server does not answer (down, refused, 5xx) utters the polite reply instead of nothing.
    Its own events are lost either way: the slots stay as they were, the form asks again."""

    async def polite_run(self: RemoteAction, output_channel, nlg, tracker, domain) -> list[Event]:
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as exc:
            log.error("action server unavailable for %s: %s", self.name(), exc)
            return [BotUttered(unavailable_text(tracker.get_slot("language")))]

    return polite_run


def _polite_agent(handle: Callable[..., Any]) -> Callable[..., Any]:
    """A message Rasa cannot process (tracker store or lock store unreachable) gets the polite reply, in both
    languages (the conversation's cannot be read), instead of an empty answer; nothing of it is stored."""

    async def polite_handle(self: Agent, message) -> list[dict[str, Any]] | None:
        try:
            return await handle(self, message)
        except Exception as exc:  # noqa: BLE001 - every failure of a part is the same to the user
            log.error("message of %s not processed: %r", message.sender_id, exc)
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id, unavailable_text(None))
            return None

    return polite_handle


def _pinged(kwargs_for: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """The tracker store's PostgreSQL connections are checked before use: after an outage the first message finds
    a fresh connection instead of failing on a dead one."""

    def with_ping(url: Any) -> dict[str, Any]:
        kwargs = kwargs_for(url)
        return {**kwargs, "pool_pre_ping": True} if kwargs else kwargs

    return with_ping


def _with_request_ids(create_app: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's HTTP app, logging the X-Request-ID the API sends with each message: one id in both logs."""

    def create(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)

        @app.middleware("request")
        async def log_request_id(request: Any) -> None:
            request_id = request.headers.get("x-request-id")
            if request_id:
                log.info("request_id=%s %s %s", request_id[:64], request.method, request.path)

        return app

    return create


def _strict_tracker_store() -> None:
    """Rasa's FailSafeTrackerStore answers a read that failed with 'no such conversation' and saves into memory: during
    a PostgreSQL outage the user would talk to an assistant that forgot them (a half-filled handoff started again),
    and what was said would vanish with the replica. Here the failure goes up, and the user gets the polite reply."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    async def retrieve(self: FailSafeTrackerStore, sender_id: str) -> Any:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self: FailSafeTrackerStore, conversation_id: str) -> Any:
        return await self._tracker_store.retrieve_full_tracker(conversation_id)

    async def save(self: FailSafeTrackerStore, tracker: Any) -> None:
        await self._tracker_store.save(tracker)

    FailSafeTrackerStore.retrieve = retrieve
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker
    FailSafeTrackerStore.save = save


def install_patches() -> None:
    import rasa.core.run
    import rasa.core.tracker_store

    rasa.core.run.server.create_app = _with_request_ids(rasa.core.run.server.create_app)

    RemoteAction._validate_action_result = _validate_action_result
    _strict_tracker_store()
    rasa.core.tracker_store.create_engine_kwargs = _pinged(rasa.core.tracker_store.create_engine_kwargs)
    RemoteAction.run = _polite_remote_action(RemoteAction.run)
    Agent.handle_message = _polite_agent(Agent.handle_message)
    unavailable_texts()


def main() -> None:
    install_patches()
    import rasa.__main__
    from rasa.__main__ import main as rasa_main

    rasa.__main__.configure_logging_and_warnings = _configure_logging(rasa.__main__.configure_logging_and_warnings)

    token = get_settings().rasa_token
    given = any(arg.startswith(("--auth-token", "-t")) for arg in sys.argv[1:])
    # --auth-token=…: a drawn token may begin with '-', which argparse would take for an option.
    sys.argv = ["rasa", *sys.argv[1:], *([f"--auth-token={token}"] if token and not given else [])]
    rasa_main()


if __name__ == "__main__":
    main()
