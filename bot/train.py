"""Write the generated training data, then train the Rasa model (`make train`)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import yaml

from knowledge.loader import default_knowledge
from knowledge.search import beneficiary_names

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "bot" / "data" / "generated"
# The handoff form takes free text: a question there is the question to hand over, so nothing interrupts it.
FORMS = ["handoff_form"]


def lookup_table() -> dict:
    """Every way the 2023 beneficiaries are written, from knowledge/ (never typed twice)."""
    # A name of three letters or fewer ("Ans", "Hal") is also a common word: only with "CPAS"/"OCMW" around it.
    names = sorted({name for name, _ in beneficiary_names(default_knowledge()) if len(name.replace(" ", "")) > 3})
    return {"version": "3.1", "nlu": [{"lookup": "organisation", "examples": "".join(f"- {n}\n" for n in names)}]}


def form_rules() -> dict:
    rules = []
    for form in FORMS:
        rules.append(
            {
                "rule": f"cancel {form}",
                "condition": [{"active_loop": form}],
                "steps": [
                    {"intent": "stop"},
                    {"action": "action_deactivate_loop"},
                    {"active_loop": None},
                    {"action": "action_reset_values"},
                    {"action": "utter_cancelled"},
                ],
            }
        )
    return {"version": "3.1", "rules": rules}


def write_generated() -> None:
    GENERATED.mkdir(parents=True, exist_ok=True)
    for name, data in {"lookup.yml": lookup_table(), "form_rules.yml": form_rules()}.items():
        (GENERATED / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> int:
    write_generated()
    started = time.monotonic()
    from bot import retrieval

    retrieval.build()
    print(f"knowledge index built in {time.monotonic() - started:.1f} s")
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "bot/data",
            "--out",
            "models",
            "--fixed-model-name",
            "digilab",
        ],
        cwd=ROOT,
    )
    print(f"training took {time.monotonic() - started:.1f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
