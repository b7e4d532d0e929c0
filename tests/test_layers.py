"""Imports point down the house: settings ← knowledge ← rules ← bot, helpdesk, channels ← api (style.md §1)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each layer may import of ours; whatever else of ours it imported would point up or sideways.
MAY_IMPORT = {
    "settings": set(),
    "knowledge": {"settings"},
    "rules": {"settings", "knowledge"},
    "helpdesk": {"settings", "knowledge", "rules"},
    # The Telegram bridge masks personal data in its logs with the helpdesk's filter (helpdesk.masking).
    "channels": {"settings", "knowledge", "rules", "helpdesk"},
    # The handoff stores a helpdesk ticket.
    "bot": {"settings", "knowledge", "rules", "helpdesk"},
    "api": {"settings", "knowledge", "rules", "bot", "helpdesk", "channels"},
}
# Code that is no layer: nothing in a layer may import it.
OUTSIDE = {"tests", "bench"}
OURS = set(MAY_IMPORT) | OUTSIDE


def imported(source: str, *, package: str) -> set[str]:
    """Our top-level packages that a module of `package` imports, wherever the import stands (functions too)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(package if node.level else node.module)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return {name.split(".")[0] for name in names} & OURS


def _is_dynamic_import(func: ast.expr) -> bool:
    """importlib.import_module(...) or __import__(...)."""
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in {"import_module", "__import__"}
    )


def modules():
    return [
        ROOT / "settings.py",
        *(path for layer in MAY_IMPORT if (ROOT / layer).is_dir() for path in sorted((ROOT / layer).rglob("*.py"))),
    ]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_the_layers_below_its_own(path):
    layer = path.relative_to(ROOT).parts[0].removesuffix(".py")
    upward = imported(path.read_text(encoding="utf-8"), package=layer) - MAY_IMPORT[layer] - {layer}
    assert not upward, f"{layer} may import only {sorted(MAY_IMPORT[layer])}, not {sorted(upward)}"


def test_every_package_of_ours_has_a_layer():
    skipped = {"models"}
    found = {
        p.name.removesuffix(".py")
        for p in ROOT.iterdir()
        if not p.name.startswith(".")
        and p.name not in skipped
        and ((p.is_dir() and any(p.rglob("*.py"))) or p.suffix == ".py")
    }
    assert found == OURS


@pytest.mark.parametrize(
    "source, package, expected",
    [
        ("from api.settings import get_settings", "helpdesk", {"api"}),
        ("def default_url():\n    import api.settings\n", "helpdesk", {"api"}),
        ("import importlib\nimportlib.import_module('api.main')", "channels", {"api"}),
        ("from . import models", "helpdesk", {"helpdesk"}),
        ("import rasa_sdk, sqlalchemy.orm", "bot", set()),
    ],
)
def test_the_check_sees_every_kind_of_import(source, package, expected):
    assert imported(source, package=package) == expected
