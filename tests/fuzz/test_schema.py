"""The API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, and every response as the schema says.

Each operation gets CASES_PER_OPERATION generated requests, valid and invalid, over 2 000 in all; the chat goes
to a real Rasa and action server, the helpdesk routes are called with the token.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from settings import get_settings
from tests.e2e.servers import assistant

pytestmark = pytest.mark.e2e

TOKEN = "fuzz-token-with-enough-characters-0123456789"
CASES_PER_OPERATION = 250
CALLED = []  # one entry per generated request, counted by the last test


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("fuzz")
    with assistant(workdir, {"TRACKER_STORE_URL": "memory"}) as urls, pytest.MonkeyPatch.context() as env:
        env.setenv("RASA_URL", urls["rasa"])
        env.setenv("RASA_TOKEN", urls["rasa_token"])
        env.setenv("DATABASE_URL", f"sqlite:///{workdir}/fuzz.db")
        env.setenv("HELPDESK_TOKEN", TOKEN)
        get_settings.cache_clear()
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app())
        get_settings.cache_clear()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=CASES_PER_OPERATION, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_response_matches_the_schema(case):
    # Whether a well-typed value makes sense (a population of 0, a grant of 1 cent) is the rules' business, tested
    # with them: the checks here are the protocol's — no 5xx, documented statuses, bodies and headers.
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
    CALLED.append(case.operation.label)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def test_the_fuzzing_sent_over_2000_requests():
    # Runs after the fuzzing above (pytest keeps the order of definition): an operation that generated nothing
    # or a schema that lost its routes would otherwise pass unnoticed.
    assert len(CALLED) >= 2000 and len(set(CALLED)) >= 10, (len(CALLED), sorted(set(CALLED)))
