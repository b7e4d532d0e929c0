"""Training data is consistent with the domain and the knowledge base."""

from pathlib import Path

import yaml

from bot.train import form_rules, lookup_table
from knowledge.search import find_beneficiaries

ROOT = Path(__file__).resolve().parents[2]


def _intents(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {item["intent"]: item["examples"].count("\n- ") + 1 for item in data["nlu"] if "intent" in item}


def test_every_domain_intent_has_at_least_25_examples_in_each_language(domain):
    for lang in ("fr", "nl"):
        counts = _intents(ROOT / "bot" / "data" / "nlu" / f"{lang}.yml")
        for intent in domain["intents"]:
            assert counts.get(intent, 0) >= 25, (lang, intent)


def test_no_test_example_is_in_the_training_data():
    for lang in ("fr", "nl"):
        train = yaml.safe_load((ROOT / "bot" / "data" / "nlu" / f"{lang}.yml").read_text(encoding="utf-8"))
        test = yaml.safe_load((ROOT / "tests" / "nlu" / f"{lang}.yml").read_text(encoding="utf-8"))

        def lines(data):
            return {
                line.strip()[2:].lower()
                for i in data["nlu"]
                if "intent" in i
                for line in i["examples"].splitlines()
                if line.strip()
            }

        assert not (lines(train) & lines(test)), lang


def test_the_lookup_table_spells_every_beneficiary_the_ways_users_do(kb):
    names = lookup_table()["nlu"][0]["examples"]
    for b in kb.beneficiaries:
        assert f"- {b.organisation_nl}\n" in names and f"- {b.organisation}\n" in names
    for name in [line[2:] for line in names.splitlines()]:
        assert find_beneficiaries(kb, name), name


def test_every_form_can_be_cancelled(domain):
    rules = form_rules()["rules"]
    cancelled = {r["condition"][0]["active_loop"] for r in rules if r["rule"].startswith("cancel ")}
    assert cancelled == set(domain["forms"]) and cancelled


def test_every_response_has_a_dutch_and_a_french_variation(domain):
    for name, variations in domain["responses"].items():
        if name == "utter_plain":
            continue
        langs = {c.get("value") for v in variations for c in v.get("condition", [])}
        assert "nl" in langs and any(not v.get("condition") for v in variations), name


def test_every_response_is_used_by_a_rule_or_an_action(domain):
    used = (ROOT / "bot" / "data" / "rules.yml").read_text() + "".join(
        p.read_text() for p in (ROOT / "bot" / "actions").glob("*.py")
    )
    for name in domain["responses"]:
        asked = name.startswith("utter_ask_")  # forms ask with these by name
        assert (
            asked
            or name in used
            or name.replace("utter_cost_", "utter_cost_{") in used
            or (name.startswith("utter_cost_") and 'f"utter_cost_{item.verdict}"' in used)
        ), name
