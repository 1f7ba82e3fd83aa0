"""--db pointing at a folder, a CSV or another program's DuckDB database: one clear error naming it, nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.db import NotAWarehouseError, connect


def _not_warehouses(tmp: Path) -> dict[str, Path]:
    folder = tmp / "a-folder"
    folder.mkdir()
    csv = tmp / "claims.csv"
    csv.write_text("subject,relation,object\nQwen3,surpass,Llama 4\n", encoding="utf-8")
    foreign = tmp / "other.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    con.close()
    return {"folder": folder, "csv": csv, "foreign": foreign}


def _digest(path: Path) -> str:
    if path.is_dir():
        return ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha1(path.read_bytes()).hexdigest()


@pytest.fixture()
def targets(tmp_path: Path) -> dict[str, Path]:
    return _not_warehouses(tmp_path)


@pytest.mark.parametrize("kind", ["folder", "csv", "foreign"])
@pytest.mark.parametrize(
    "command", [["claims"], ["tables"], ["stories"], ["query", "SELECT 1"], ["reextract", "--since", "7d"]]
)
def test_readers_and_writers_say_what_the_path_is(targets, kind, command):
    path = targets[kind]
    before = _digest(path)
    r = CliRunner().invoke(main, [*command, "--db", str(path)])
    assert r.exit_code == 1, r.output
    assert str(path) in r.output and "Traceback" not in r.output
    assert ("folder" if kind == "folder" else "DuckDB") in r.output
    assert _digest(path) == before  # nothing written


@pytest.mark.parametrize("kind", ["folder", "csv", "foreign"])
def test_run_and_ingest_refuse_before_the_pipeline_starts(targets, tmp_path, kind):
    path = targets[kind]
    before = _digest(path)
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    urls: [https://example.com/a.html]\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>Qwen3 beats Llama 4 on math.</p></article></body></html>")
    for command in (["run", "--sources", str(sources)], ["ingest", str(page)]):
        r = CliRunner().invoke(main, [*command, "--db", str(path)])
        assert r.exit_code == 1 and str(path) in r.output and "Traceback" not in r.output, r.output
    assert _digest(path) == before


def test_connect_refuses_and_an_empty_duckdb_file_becomes_a_warehouse(targets, tmp_path):
    for path in targets.values():
        with pytest.raises(NotAWarehouseError, match=str(path)):
            connect(path)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # a DuckDB file with no tables: claimwatch may make it its warehouse
    con = connect(empty)
    con.close()
    con = connect(empty, read_only=True)
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0
    con.close()
