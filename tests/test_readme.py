"""The README's map, commands and environment table match the project."""

import ast
import re
from pathlib import Path

import pytest

from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_path_in_the_code_map_exists():
    section = README.split("## Code map", 1)[1]
    paths = set(re.findall(r"`([\w./-]+(?:/|\.\w+))`", section))
    assert len(paths) > 20
    for path in paths:
        candidates = [ROOT / path] + [
            ROOT / parent / path
            for parent in (
                "knowledge",
                "rules",
                "bot",
                "api",
                "helpdesk",
                "tests",
                "api/routes",
                "bot/data",
                "channels",
            )
        ]
        assert any(c.exists() for c in candidates), path


def test_the_two_commands_and_ci_agree():
    assert "make run" in README and "make test" in README
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "unit", "train", "bench", "telegram", "lock"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def environment_table() -> set[str]:
    """The variables the README's environment table names in its first column."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    first_columns = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for column in first_columns for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", column)}


def read_by_the_code() -> set[str]:
    """The settings' variables, and those our Python files read with os.environ or os.getenv (tests included)."""
    names = {field.upper() for field in Settings.__fields__}
    for path in python_files():
        names |= environment_reads(path.read_text(encoding="utf-8"))
    return names


def python_files() -> list[Path]:
    tops = [p for p in ROOT.iterdir() if not p.name.startswith(".") and p.name != "models"]
    return [*(p for p in tops if p.suffix == ".py"), *(f for p in tops if p.is_dir() for f in p.rglob("*.py"))]


def environment_reads(source: str) -> set[str]:
    """Literal names read through os.environ.get, os.environ[...], `in os.environ` or os.getenv."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and node.args
            and (
                (_is_environ(getattr(node.func, "value", None)) and node.func.attr == "get")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "getenv")
            )
        ):
            names.add(_literal(node.args[0]))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            names.add(_literal(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.In) for op in node.ops)
            and any(_is_environ(c) for c in node.comparators)
        ):
            names.add(_literal(node.left))
    return names - {None}


def _is_environ(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@pytest.mark.parametrize(
    "source, names",
    [
        ('os.environ.get("TEST_POSTGRES_URL", "x")', {"TEST_POSTGRES_URL"}),
        ('os.getenv("CHROMIUM")', {"CHROMIUM"}),
        ('if "A" in os.environ:\n    b = os.environ["A"]', {"A"}),
        ('os.environ["WRITTEN"] = "1"\nenv = {**os.environ, "GIVEN": "1"}', set()),
    ],
)
def test_environment_reads_are_found_in_every_form(source, names):
    assert environment_reads(source) == names


def test_every_environment_variable_the_code_reads_is_in_the_readme_table():
    assert sorted(read_by_the_code() - environment_table()) == []


def test_the_readme_table_names_only_variables_the_code_reads():
    assert sorted(environment_table() - read_by_the_code()) == []
