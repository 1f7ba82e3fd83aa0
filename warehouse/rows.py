"""Row helpers every table module uses: stable ids, the clock, bulk inserts through Arrow, rows as dicts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import scalar


def sha1(*parts: object) -> str:
    """Short stable id from parts."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Any],
    columns: Sequence[str],
    or_ignore: bool = False,
) -> int:
    """Bulk-insert ``rows`` (dicts or records of :mod:`warehouse.records`) into ``table``; return the count given.

    The one statement built in code: its table and columns are the caller's (every table loads through it).
    """
    if not rows:
        return 0
    data = pa.Table.from_pylist([{c: _field(r, c) for c in columns} for r in rows])
    name = f"incoming_{table}"
    con.register(name, data)
    try:
        cols = ", ".join(columns)
        verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)
    return len(rows)


def _field(row: Any, column: str) -> Any:
    """A row's value for a column: a dict's key (missing: NULL) or a record's attribute."""
    return row.get(column) if isinstance(row, dict) else getattr(row, column)


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count of a table."""
    return int(scalar(con, f"SELECT count(*) FROM {table}"))


def dict_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every row of an executed query as a dict keyed by column name."""
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
