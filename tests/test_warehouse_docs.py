"""Every table, view and column is documented in the warehouse itself, and docs/warehouse.md stays in step."""

from __future__ import annotations

from click.testing import CliRunner

from pipelines.cli import main
from warehouse.db import connect
from warehouse.docs import COLUMNS_PATH, DOC_PATH, render, render_columns
from warehouse.docs import main as docs_main
from warehouse.reports import column_docs, table_docs


def test_every_table_view_and_column_has_a_comment(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    docs = table_docs(con)
    assert {n for n, _, _ in docs} >= {"claims", "claim_mentions", "reviews", "v_claim_timeline", "source_health"}
    assert [n for n, _, c in docs if not c] == []
    undocumented = [f"{n}.{col}" for n, _, _ in docs for col, _, _, c in column_docs(con, n) if not c]
    assert undocumented == []
    con.close()


def test_docs_file_is_rendered_from_the_schema():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m warehouse.docs"
    assert COLUMNS_PATH.read_text(encoding="utf-8") == render_columns(), "run: python -m warehouse.docs"


def test_docs_check_names_a_stale_columns_file(tmp_path, capsys):
    stale = tmp_path / "columns.yaml"
    stale.write_text("claims: []\n", encoding="utf-8")
    assert docs_main(["--check", "--columns-out", str(stale)]) == 1
    assert f"{stale} is out of step" in capsys.readouterr().err
    assert docs_main(["--check"]) == 0


def test_tables_and_schema_commands(sample_run):
    db = str(sample_run["db"])
    r = CliRunner().invoke(main, ["tables", "--db", db])
    assert r.exit_code == 0 and "v_claim_timeline" in r.output and "Deduplicated claims" in r.output
    r = CliRunner().invoke(main, ["schema", "claims", "--db", db])
    assert r.exit_code == 0 and "suppressed" in r.output and "Judged wrong" in r.output
    r = CliRunner().invoke(main, ["schema", "no_such_table", "--db", db])
    assert r.exit_code != 0 and "claimwatch tables lists them" in r.output
