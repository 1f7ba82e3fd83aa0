"""The import direction of docs/architecture.md: pipelines -> spiders, extractors -> warehouse, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"pipelines", "spiders", "extractors", "warehouse"}
MAY_IMPORT = {
    "warehouse": set(),
    "extractors": set(),  # rules over text: no storage, no fetching
    "spiders": {"extractors"},  # the spider reads page evidence and URL rules; it stores nothing itself
    "pipelines": {"warehouse", "extractors", "spiders"},
}


def imported_packages(path: Path) -> set[str]:
    """The claimwatch packages a module imports (at any depth of the module, lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
    return found & OURS


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_go_down_the_layers(package: str) -> None:
    wrong = {
        f"{p.relative_to(ROOT)} imports {', '.join(sorted(bad))}"
        for p in (ROOT / package).rglob("*.py")
        if (bad := imported_packages(p) - MAY_IMPORT[package] - {package})
    }
    assert not wrong, sorted(wrong)
