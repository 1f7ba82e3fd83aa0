"""Named SQL statements, read from the files in ``warehouse/sql/`` (``-- name: ...`` blocks, aiosql's format).

aiosql parses the files (names, doc comments, ``:name`` parameters turned into DuckDB's ``$name``). The statements
are run with ``con.execute`` rather than through aiosql's generated functions: its DuckDB adapter runs each query
on ``con.cursor()``, a second connection outside the caller's transaction, and every write here is part of one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import aiosql
import duckdb

from warehouse.db import first_value

_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


@cache
def _queries() -> Any:
    return aiosql.from_path(str(resources.files("warehouse") / "sql"), "duckdb", mandatory_parameters=False)


def sql(name: str) -> str:
    """The text of the statement called ``name`` in warehouse/sql/*.sql (KeyError if there is none)."""
    try:
        return str(getattr(_queries(), name).sql)
    except AttributeError:
        raise KeyError(f"no SQL statement named {name!r} in warehouse/sql") from None


def _named(text: str, params: Mapping[str, Any]) -> dict[str, Any]:
    # DuckDB prepares one statement at a time and refuses parameters a statement does not name
    used = set(_PARAM.findall(text))
    return {k: v for k, v in params.items() if k in used}


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> None:
    """Run a multi-statement script statement by statement, each with the named parameters it uses."""
    for statement in filter(str.strip, sql(name).split(";")):
        con.execute(statement, _named(statement, params))


def execute(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | list[Any] | tuple[Any, ...] = ()
) -> duckdb.DuckDBPyConnection:
    """Run the named statement with positional parameters, or with the named ones it uses; return the cursor."""
    text = sql(name)
    return con.execute(text, _named(text, params) if isinstance(params, Mapping) else list(params))


def value(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | list[Any] | tuple[Any, ...] = ()
) -> Any:
    """First column of the first row of the named statement (None when it returns no row)."""
    return first_value(execute(con, name, params))
