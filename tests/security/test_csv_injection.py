"""CSV the tool writes never starts a cell with a formula (issue 25 row 4, OWASP CSV injection).

Before: a crawled claim sentence starting with ``=HYPERLINK("http://...","Click")`` or ``@SUM(1+1)*cmd|' /C calc'!A0``
went out as is in ``claims --format csv`` and ``query --format csv``; a spreadsheet runs it when the file opens.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from click.testing import CliRunner

from pipelines.articles import load_articles
from pipelines.cli import csv_cell, main
from pipelines.settings import AlertSettings
from tests.conftest import stated_mention, stored_article
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import load_mentions
from warehouse.db import connect

PAYLOADS = ['=HYPERLINK("http://evil.example","Click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1"]


def test_a_formula_lead_gets_an_apostrophe_and_other_values_pass():
    assert [csv_cell(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert [csv_cell(v) for v in ["Kimi K3 beats GPT-6.", -1, 2.5, None]] == ["Kimi K3 beats GPT-6.", -1, 2.5, None]


def _rows(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


def test_query_csv_cells_never_start_a_formula(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    sql = "SELECT " + ", ".join(f"'{p.replace(chr(39), chr(39) * 2)}' AS c{i}" for i, p in enumerate(PAYLOADS))
    r = CliRunner().invoke(main, ["query", "--db", str(db), "--format", "csv", sql + ", -1 AS n"])
    assert r.exit_code == 0, r.output
    header, row = _rows(r.output)[:2]
    assert row[:-1] == ["'" + p for p in PAYLOADS] and row[-1] == "-1"


def test_claims_csv_evidence_never_starts_a_formula(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    when = datetime(2026, 10, 1, tzinfo=UTC)
    load_articles(con, [], [stored_article("a1", "https://o.example/a1", "o", when)])
    sentence = '=HYPERLINK("http://evil.example","Click") Kimi K3 beats GPT-6.'
    mention = stated_mention("a1", "c1", ("Moonshot AI", "Kimi K3"), "surpass", ("OpenAI", "GPT-6"), sentence=sentence)
    load_mentions(con, ["a1"], [mention], "v1")
    refresh_claims_and_outbox(con, "run-1", AlertSettings().alert_rules())
    con.close()
    r = CliRunner().invoke(main, ["claims", "--db", str(db), "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = _rows(r.output)
    evidence = rows[1][rows[0].index("evidence")]
    assert evidence == "'" + sentence
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
