"""The API docs: served from the app (no CDN), every operation described, every documented example true."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import app

client = TestClient(app)
SPEC = client.get("/openapi.json").json()
OPERATIONS = [(path, method, op) for path, ops in SPEC["paths"].items() for method, op in ops.items()]


def test_the_docs_page_loads_only_the_apps_own_files():
    html = client.get("/docs").text
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert assets and all(a.startswith("/docs-assets/") for a in assets), assets
    assert "cdn" not in html and "https://" not in html
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_redoc_is_off_rather_than_blank():
    assert client.get("/redoc").status_code == 404


def test_the_spec_is_openapi_3_0_which_the_bundled_swagger_ui_reads():
    assert SPEC["openapi"].startswith("3.0")


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_every_operation_has_a_summary_and_a_description(path, method, op):
    assert len(op.get("summary", "").split()) >= 3, "a summary of a few words"
    assert len(op.get("description", "")) >= 40


def fields(schema_name):
    return SPEC["components"]["schemas"][schema_name]["properties"]


@pytest.mark.parametrize(
    "name",
    [
        "ClusterOut",
        "AdvanceOut",
        "RemainingIn",
        "RemainingOut",
        "BeneficiaryOut",
        "ErrorOut",
        "ChatIn",
        "ChatOut",
        "MessageOut",
        "FeedbackIn",
        "FeedbackOut",
    ],
)
def test_every_field_of_the_public_bodies_is_described(name):
    assert all(f.get("description") for f in fields(name).values()), name


def test_population_is_an_integer_in_the_schema():
    [population] = [p for p in SPEC["paths"]["/api/v1/cluster"]["get"]["parameters"] if p["name"] == "population"]
    assert population["schema"]["type"] == "integer" and population["required"]


def test_the_cluster_codes_are_listed_and_explained():
    cluster = fields("ClusterOut")["cluster"]
    assert cluster["enum"] == ["small", "medium", "large", "large_city"]
    assert all(f"`{code}`" in cluster["description"] for code in cluster["enum"])


def documented_examples():
    for path, _method, op in OPERATIONS:
        for parameter in op.get("parameters", []):
            for _name, example in (parameter.get("examples") or {}).items():
                yield path, parameter["name"], example["value"]


@pytest.mark.parametrize("path,name,value", list(documented_examples()))
def test_every_documented_parameter_example_is_accepted(path, name, value):
    assert client.get(path, params={name: value}).status_code == 200


@pytest.mark.parametrize("value", ["235022.50", "235022,50", "235 022,50", "235.022,50", "€ 235.022,50", "74367,99"])
def test_every_amount_format_the_docs_state_is_accepted(value):
    assert f"`{value}`" in SPEC["paths"]["/api/v1/advance"]["get"]["description"]
    assert client.get("/api/v1/advance", params={"grant": value}).status_code == 200


def error_examples():
    for path, method, op in OPERATIONS:
        content = op.get("responses", {}).get("422", {}).get("content", {}).get("application/json", {})
        for _name, example in (content.get("examples") or {}).items():
            yield path, method, example


@pytest.mark.parametrize("path,method,example", list(error_examples()))
def test_every_documented_error_is_what_the_route_answers(path, method, example):
    asked = example["summary"]
    if method == "get":
        name, value = asked.split("=", 1)
        response = client.get(path, params={name: value})
    else:
        response = client.post(path, json={"grant": 100, "received": [60, 41]})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["message"]) == (
        example["value"]["code"],
        example["value"]["message"],
    )
