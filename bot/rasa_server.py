"""Rasa's command line, with the action server's answers checked by a validator built once.

Rasa 3.6 checks every action-server response with `jsonschema.validate`, which first re-checks
the schema itself against its meta-schema: measured with py-spy, 43 % of the Rasa server's CPU
on a question answered by an action. Same schema, same errors, checked once per process.
Its log handlers, once Rasa has made them, mask e-mail addresses and numbers (helpdesk/masking.py).
"""
from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, Callable, Dict, Text

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from helpdesk.masking import mask_logs


@lru_cache(maxsize=1)
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (f". Failed to validate Action server response from API, make sure your response from "
                          f"the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error
    return True


def _configure_logging(configure: Callable[..., None]) -> Callable[..., None]:
    """Rasa's own logging set-up, then the personal-data filter on the handlers it made."""
    def configured(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        mask_logs()

    return configured


def main() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    import rasa.__main__
    from rasa.__main__ import main as rasa_main

    rasa.__main__.configure_logging_and_warnings = _configure_logging(rasa.__main__.configure_logging_and_warnings)

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
