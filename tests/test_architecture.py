"""The import direction of docs/architecture.md: pipelines -> spiders, extractors -> warehouse, never back."""

from __future__ import annotations

import ast
import re
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


SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|COPY)\b")
# the one place above the warehouse that runs SQL: `claimwatch query`, which runs the SQL its user typed
USER_SQL = ("pipelines/cli.py", "query")


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("package", ["pipelines", "spiders", "extractors"])
def test_no_sql_outside_the_warehouse(package: str) -> None:
    """Statements live in warehouse/ (sql/*.sql, schema/); the layers above call its functions."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        name = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {
            id(node) for f in _functions(tree) if (name, f.name) == USER_SQL for node in ast.walk(f)
        }  # fmt: skip
        for node in ast.walk(tree):
            if id(node) in allowed:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_START.match(node.value):
                found.append(f"{name}:{node.lineno} SQL text {node.value[:40]!r}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute":
                found.append(f"{name}:{node.lineno} runs .execute()")
    assert found == []


def test_no_function_over_60_lines_outside_tests() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{f.lineno} {f.name} ({f.end_lineno - f.lineno + 1} lines)"
        for package in ("pipelines", "spiders", "extractors", "warehouse", "evaluation", "benchmarks")
        for path in (ROOT / package).rglob("*.py")
        for f in _functions(ast.parse(path.read_text(encoding="utf-8")))
        if f.end_lineno is not None and f.end_lineno - f.lineno + 1 > 60
    ]
    assert long == []


CLAIMS = ROOT / "extractors" / "claims"
WORD = re.compile(r"^[a-z][a-z'’/-]*$")


def test_the_claims_package_has_small_modules_and_classes() -> None:
    """One room per mechanism: no module of extractors/claims over 500 lines, no class over 300."""
    big = []
    for path in sorted(CLAIMS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            big.append(f"{path.name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno and node.end_lineno - node.lineno + 1 > 300:
                big.append(f"{path.name}: class {node.name} is {node.end_lineno - node.lineno + 1} lines")
    assert not big


def vocabulary_literals(path: Path) -> list[str]:
    """List, tuple and set literals of three or more lower-case words in a module: vocabulary kept in code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and len(node.elts) >= 3:
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(words) == len(node.elts) and all(WORD.match(w) for w in words):
                found.append(f"{path.name}:{node.lineno} {words}")
    return found


def test_no_vocabulary_list_in_the_claims_code(tmp_path: Path) -> None:
    """The rules' words are data (extractors/data/*.yaml, read into the lexicon), not lists in Python."""
    found = [hit for path in sorted(CLAIMS.glob("*.py")) for hit in vocabulary_literals(path)]
    assert not found, found
    planted = tmp_path / "planted.py"  # the check itself finds a list of words
    planted.write_text('STOP = {"and", "or", "but"}\n')
    assert vocabulary_literals(planted)
