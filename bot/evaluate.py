"""Score the trained model on the held-out test set: intent accuracy and macro-F1 per language."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "digilab.tar.gz"
TEST_SETS = {"fr": ROOT / "tests" / "nlu" / "fr.yml", "nl": ROOT / "tests" / "nlu" / "nl.yml"}


def examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=False))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted, strict=False))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=False))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


async def evaluate(model: Path = MODEL) -> dict[str, dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    report: dict[str, dict] = {}
    for lang, path in TEST_SETS.items():
        pairs = examples(path)
        parsed = [await agent.parse_message(text) for text, _ in pairs]
        predicted = [(p.get("intent") or {}).get("name") for p in parsed]
        # The language a first message would set (French when the message does not say).
        languages = [
            next((e["value"] for e in p.get("entities", []) if e["entity"] in ("message_language", "language")), "fr")
            for p in parsed
        ]
        gold = [intent for _, intent in pairs]
        errors = [(t, g, p) for (t, g), p in zip(pairs, predicted, strict=False) if g != p]
        report[lang] = {
            "examples": len(pairs),
            "intent_accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=False)) / len(pairs), 4),
            "intent_macro_f1": round(macro_f1(gold, predicted), 4),
            "language_accuracy": round(sum(found == lang for found in languages) / len(pairs), 4),
            "errors": errors,
        }
    return report


def main() -> int:
    report = asyncio.run(evaluate())
    for lang, r in report.items():
        print(
            f"{lang}: {r['examples']} examples, intent accuracy {r['intent_accuracy']:.3f}, "
            f"macro-F1 {r['intent_macro_f1']:.3f}, language detection {r['language_accuracy']:.3f}"
        )
    out = ROOT / "results" / "nlu_report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"errors in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
