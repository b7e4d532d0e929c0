"""The README's map and commands match the project."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_path_in_the_code_map_exists():
    section = README.split("## Code map", 1)[1]
    paths = set(re.findall(r"`([\w./-]+(?:/|\.\w+))`", section))
    assert len(paths) > 20
    for path in paths:
        candidates = [ROOT / path] + [ROOT / parent / path for parent in ("knowledge", "rules", "bot", "api", "helpdesk",
                                                                          "tests", "api/routes", "bot/data", "channels")]
        assert any(c.exists() for c in candidates), path


def test_the_two_commands_and_ci_agree():
    assert "make run" in README and "make test" in README
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "train", "bench", "telegram", "lock"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_every_environment_variable_the_code_reads_is_documented():
    from settings import Settings

    for field in Settings.__fields__:
        assert field.upper() in README, field
