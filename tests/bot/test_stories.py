"""Rasa's own checks on the trained assistant: data validation and the FR/NL test stories."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "digilab.tar.gz"

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: `make test` trains it first"),
]


def rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_training_data_and_domain_validate():
    result = rasa("data", "validate", "--domain", "domain.yml", "--data", "bot/data", "--config", "config.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Responses named in actions are reported as unused by rules; anything else is a real problem.
    problems = [
        line
        for line in result.stderr.splitlines() + result.stdout.splitlines()
        if ("UserWarning" in line or "ERROR" in line) and "is not used in any story or rule" not in line
    ]
    assert not problems, problems


def test_french_and_dutch_test_stories_are_predicted_exactly(tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/stories",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert result.returncode == 0 and "None of the test stories failed" in failed, failed
