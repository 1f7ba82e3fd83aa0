"""The import direction of docs/architecture.md: pipelines -> spiders, extractors -> warehouse, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"pipelines", "spiders", "extractors", "warehouse"}
RECORDS = "warehouse.records"  # the one warehouse module below the layers: records, no storage
MAY_IMPORT = {
    "warehouse": set(),
    # rules over text: no storage, no fetching; of the warehouse only the records (warehouse/records.py,
    # dataclasses that import nothing) its results are: ClaimMention, ExtractionResult
    "extractors": {RECORDS},
    # the spider reads page evidence and URL rules; it stores nothing itself: of the warehouse it knows only the
    # landing records, which its items extend
    "spiders": {"extractors", RECORDS},
    "pipelines": {"warehouse", "extractors", "spiders", RECORDS},
}


def imported_packages(path: Path) -> set[str]:
    """The claimwatch packages a module imports (at any depth of the module, lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m if m == RECORDS else m.split(".")[0] for m in found} & (OURS | {RECORDS})


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_go_down_the_layers(package: str) -> None:
    wrong = {
        f"{p.relative_to(ROOT)} imports {', '.join(sorted(bad))}"
        for p in (ROOT / package).rglob("*.py")
        if (bad := imported_packages(p) - MAY_IMPORT[package] - {package, f"{package}.records"})
    }
    assert not wrong, sorted(wrong)


def test_the_records_import_nothing_of_claimwatch() -> None:
    assert imported_packages(ROOT / "warehouse" / "records.py") == set()
