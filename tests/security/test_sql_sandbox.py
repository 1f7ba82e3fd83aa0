"""Issue items 2 and 7: `claimwatch query` only reads the warehouse; `export` takes no SQL through its path."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.db import connect


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("INSERT INTO runs (run_id, started_at) VALUES ('r1', now())")
    con.close()
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    return db


def _query(db: Path, sql: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["query", sql, "--db", str(db)])
    return r.exit_code, r.output


def test_plain_queries_still_work(warehouse: Path) -> None:
    code, out = _query(warehouse, "SELECT run_id FROM runs")
    assert code == 0 and "r1" in out


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT * FROM runs) TO '{tmp}/stolen.csv'",
        "COPY runs TO '{tmp}/stolen.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{tmp}/stolen'",
        "SELECT * FROM read_csv('{tmp}/secret.csv')",
        "SELECT * FROM '{tmp}/secret.csv'",
        "SELECT * FROM read_text('{tmp}/secret.csv')",
        "SELECT * FROM read_blob('{tmp}/secret.csv')",
        "SELECT * FROM glob('{tmp}/*')",
        "ATTACH '{tmp}/stolen.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "CREATE TABLE stolen AS SELECT 1",
    ],
)
def test_query_refuses_every_route_to_files_network_and_extensions(warehouse: Path, sql: str) -> None:
    tmp = warehouse.parent
    before = sorted(p.name for p in tmp.iterdir())
    code, out = _query(warehouse, sql.format(tmp=tmp))
    assert code != 0 and "query failed" in out, out
    assert "secret" not in out.replace("secret.csv", "") and "a,b" not in out
    assert sorted(p.name for p in tmp.iterdir()) == before


def test_sandboxed_connection_settings_are_locked(warehouse: Path) -> None:
    con = connect(warehouse, read_only=True, sandboxed=True)
    try:
        assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]
        with pytest.raises(duckdb.Error):
            con.execute("SET autoload_known_extensions = true")
    finally:
        con.close()


def test_export_to_a_folder_with_quotes_writes_only_there(warehouse: Path, tmp_path: Path) -> None:
    crafted = tmp_path / "x') TO '/tmp/pwned.csv' (FORMAT csv); --"
    r = CliRunner().invoke(main, ["export", str(crafted), "--db", str(warehouse)])
    assert r.exit_code == 0, r.output
    assert (crafted / "runs.parquet").exists()
    assert not Path("/tmp/pwned.csv").exists()
    rows = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(crafted / "runs.parquet")])
    assert rows.fetchall() == [(1,)]


def test_export_refuses_a_non_empty_folder_unless_overwrite(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = CliRunner().invoke(main, ["export", str(out), "--db", str(warehouse)])
    assert r.exit_code != 0 and "not empty" in r.output and not (out / "runs.parquet").exists()
    r = CliRunner().invoke(main, ["export", str(out), "--db", str(warehouse), "--overwrite"])
    assert r.exit_code == 0 and (out / "runs.parquet").exists() and (out / "notes.txt").read_text() == "keep me"


def test_export_overwrite_replaces_a_planted_symlink_never_writes_through_it(warehouse: Path, tmp_path: Path) -> None:
    """Issue 25 row 8: with --overwrite, DIR/claims.parquet as a link to another file overwrote that file."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.parquet").symlink_to(victim)
    r = CliRunner().invoke(main, ["export", str(out), "--db", str(warehouse), "--overwrite"])
    assert r.exit_code == 0, r.output
    assert victim.read_text() == "precious"
    assert not (out / "claims.parquet").is_symlink()
    assert duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(out / "claims.parquet")]).fetchall()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_query_is_interrupted_after_its_timeout(warehouse: Path) -> None:
    """Issue 25 row 7: a query had no time limit ("SELECT sum(hash(...)) FROM range(2e10)" ran for hours)."""
    heavy = "SELECT sum(hash(range::varchar)) FROM range(20000000000)"
    r = CliRunner().invoke(main, ["query", heavy, "--db", str(warehouse), "--timeout", "1"])
    assert r.exit_code == 1 and "interrupted after 1 s" in r.output


def test_a_query_holds_a_bounded_memory_limit_it_cannot_raise(warehouse: Path) -> None:
    r = CliRunner().invoke(main, ["query", "SELECT current_setting('memory_limit') AS m", "--db", str(warehouse)])
    assert r.exit_code == 0 and ("GiB" in r.output or "MiB" in r.output)
    limit = r.output.split()[2]
    assert float(limit) <= 2.0  # GiB: not DuckDB's default of 80% of the machine
    r = CliRunner().invoke(main, ["query", "SET memory_limit='20GB'", "--db", str(warehouse)])
    assert r.exit_code == 1 and "locked" in r.output


def test_csv_and_json_stream_every_row_the_table_shows_a_capped_page(warehouse: Path) -> None:
    sql = "SELECT range AS n FROM range(12345)"
    r = CliRunner().invoke(main, ["query", sql, "--db", str(warehouse), "--format", "csv"])
    assert r.exit_code == 0 and len(r.output.splitlines()) == 12346  # header + every row
    r = CliRunner().invoke(main, ["query", sql, "--db", str(warehouse), "--format", "jsonl"])
    assert r.exit_code == 0 and len(r.output.splitlines()) == 12345
    r = CliRunner().invoke(main, ["query", sql, "--db", str(warehouse)])
    assert r.exit_code == 0 and "(first 1,000 rows shown; --format csv or json streams them all)" in r.output
