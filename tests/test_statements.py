"""Named SQL statements (warehouse/sql/*.sql): each one loads cleanly, is used, and runs on a migrated warehouse."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from warehouse import statements
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = ROOT / "warehouse" / "sql"
NAMES = sorted(re.findall(r"(?m)^-- name: (\w+)", "\n".join(p.read_text() for p in SQL_DIR.glob("*.sql"))))


def test_statement_files_load_without_warnings(caplog):
    statements._queries.cache_clear()
    with caplog.at_level(logging.WARNING):
        assert statements.sql("known_urls").startswith("SELECT")
    assert [r.getMessage() for r in caplog.records] == []


def test_every_named_statement_is_used_by_the_warehouse_code():
    code = "\n".join(p.read_text() for p in (ROOT / "warehouse").glob("*.py"))
    used = {n for n in NAMES if f'"{n}"' in code or '"create_{kind}_alerts"' in code and n.startswith("create_")}
    assert sorted(set(NAMES) - used) == []
    assert len(NAMES) == len(set(NAMES)), "two statements share a name"


def test_an_unknown_name_is_a_key_error():
    with pytest.raises(KeyError, match="no SQL statement named 'no_such_statement'"):
        statements.sql("no_such_statement")


def test_a_script_gets_only_the_parameters_each_statement_names(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    # rebuild_entities names :gazetteer_firms in one of its statements only; an extra key is never passed on
    statements.run_script(con, "rebuild_entities", {"gazetteer_firms": ["OpenAI"], "unused": 1})
    assert con.execute("SELECT count(*) FROM entities").fetchall() == [(0,)]
    con.close()
