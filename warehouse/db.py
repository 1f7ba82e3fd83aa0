"""Open the DuckDB warehouse and bring its schema up to date.

The versioned SQL migrations (``warehouse/migrations``) first, then the views and comments (``warehouse/schema``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml

MIGRATIONS_PACKAGE = "warehouse.migrations"
SCHEMA_PACKAGE = "warehouse.schema"


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened; the message names the file and says what to do."""


class WarehouseBusyError(WarehouseError):
    """Another process holds the write lock on the warehouse file for longer than we were willing to wait."""


class NotAWarehouseError(WarehouseError):
    """The path is a folder, a file of another kind, or a DuckDB database that is not a claimwatch warehouse."""


DUCKDB_MAGIC = b"DUCK"  # bytes 8-12 of a DuckDB database file's header


def check_warehouse_path(path: Path) -> None:
    """Refuse a folder, or an existing file that is not a DuckDB database, before DuckDB tries to open it.

    DuckDB's own errors for these (IOException, or a CatalogException from the first query) name neither the file
    nor the remedy.
    """
    if path.is_dir():
        raise NotAWarehouseError(
            f"{path} is a folder; --db takes the warehouse file (e.g. warehouse/claimwatch.duckdb)"
        )
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            head = fh.read(12)
        if head[8:12] != DUCKDB_MAGIC:
            raise NotAWarehouseError(
                f"{path} is not a DuckDB database file, so not a claimwatch warehouse: left as it is "
                "(--db takes the warehouse file, e.g. warehouse/claimwatch.duckdb)"
            )


def check_warehouse(path: str | Path) -> None:
    """Before a command writes: refuse ``path`` unless it is a claimwatch warehouse, an empty DuckDB file or new.

    A cheap check that needs no lock: a file another process holds is left for :func:`connect` to wait on.
    """
    path = Path(path)
    check_warehouse_path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        if _is_lock_error(exc):
            return
        raise NotAWarehouseError(f"{path} cannot be opened as a DuckDB database: {str(exc).splitlines()[0]}") from exc
    _check_claimwatch(con, path, read_only=False)
    con.close()


def _check_claimwatch(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Refuse a DuckDB database that is not a warehouse: a reader finds no schema, a writer would mix into it."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    if "schema_migrations" in tables or (not tables and not read_only):
        return
    con.close()
    if read_only:
        raise NotAWarehouseError(f"{path} is a DuckDB database but not a claimwatch warehouse (no schema_migrations)")
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise NotAWarehouseError(
        f"{path} is a DuckDB database of something else (tables {shown}): claimwatch will not add its tables to it"
    )


def migration_files() -> list[tuple[str, str]]:
    """Return (name, sql) for every migration, in version order."""
    root = resources.files(MIGRATIONS_PACKAGE)
    files = sorted((p for p in root.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply migrations not yet recorded in ``schema_migrations``; return the names applied.

    Each migration runs in its own transaction together with its bookkeeping row, so a
    crash leaves the schema at a clean version.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, sql in migration_files():
        if name in done:
            continue
        with _bookkeeping(con, name):
            if con.extract_statements(sql):  # a migration whose views and comments moved to schema/ is empty
                con.execute(sql)
        applied.append(name)
    views, comments = schema_files()
    name = "schema-" + hashlib.sha1((views + comments).encode()).hexdigest()[:16]
    if name not in done:
        with _bookkeeping(con, name):
            con.execute("DELETE FROM schema_migrations WHERE name LIKE 'schema-%'")
            con.execute(views)
            for statement in comment_statements(yaml.safe_load(comments)):
                con.execute(statement)
        applied.append(name)
    return applied


@contextmanager
def _bookkeeping(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[None]:
    """Run a schema step and record ``name`` as applied, in one transaction (a crash leaves a clean version)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def schema_files() -> tuple[str, str]:
    """The repeatable part of the schema: every view (``schema/views.sql``) and every comment (``comments.yaml``).

    Applied after the versioned migrations whenever either file changes (recorded as ``schema-<hash>``): views
    hold no data, so each is defined once, as it is now, instead of again in each migration that changes it.
    """
    root = resources.files(SCHEMA_PACKAGE)
    return (root / "views.sql").read_text(encoding="utf-8"), (root / "comments.yaml").read_text(encoding="utf-8")


def comment_statements(comments: dict[str, Any]) -> Iterator[str]:
    """``COMMENT ON`` statements for a comments mapping (object -> kind, comment, columns).

    Written out, not bound: DuckDB's COMMENT ON takes no parameters. The names and texts come from the packaged
    comments file; a text's quotes are doubled.
    """

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    for obj, spec in comments.items():
        if spec.get("comment"):
            yield f"COMMENT ON {spec['kind'].upper()} {obj} IS {literal(spec['comment'])}"
        for column, text in (spec.get("columns") or {}).items():
            yield f"COMMENT ON COLUMN {obj}.{column} IS {literal(text)}"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


# A connection that serves SQL typed by a user (``claimwatch query``) may only read the warehouse: no file or
# network access (COPY TO, read_csv, read_text, glob, ATTACH, URLs), no extension install or load, and the
# configuration locked so a query cannot switch any of it back on, nor raise its memory limit.
SANDBOX_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "memory_limit": "2GB",  # DuckDB's default is 80% of the machine; one typed query must not take it all
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


@contextmanager
def exclusive_run(path: str | Path, wait_seconds: float = 60.0) -> Iterator[None]:
    """Hold ``<warehouse>.run.lock`` for one pipeline run: a second run on the same warehouse waits, then refuses.

    DuckDB's own lock is per connection, and a run opens and closes connections stage by stage, so two runs would
    interleave: the data stays right, but the second one's summary and checks read the first one's work. The lock
    file holds the first run's process id and start for the message. (fcntl.flock: released by the kernel when the
    process dies, so a killed run never leaves the warehouse locked.)
    """
    import fcntl
    import os

    lock_path = Path(f"{path}.run.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+", encoding="utf-8") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise WarehouseBusyError(
                        f"another claimwatch run is writing warehouse {path} ({holder}); waited {wait_seconds:.0f}s: "
                        "run again when it has finished"
                    ) from exc
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def connect(
    path: str | Path, read_only: bool = False, wait_seconds: float = 60.0, sandboxed: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at ``path``; a writer also brings the schema up to date.

    When another process holds the file's lock, wait up to ``wait_seconds`` and then raise
    :class:`WarehouseBusyError` with a message naming the file, instead of DuckDB's lock error.
    ``sandboxed`` (read-only only) opens it with :data:`SANDBOX_CONFIG`: it reads the warehouse and nothing else.
    """
    if sandboxed and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist yet: run `claimwatch run` first")
    check_warehouse_path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=dict(SANDBOX_CONFIG) if sandboxed else {})
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseBusyError(
                        f"warehouse {path} is locked by another claimwatch process; waited {wait_seconds:.0f}s"
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    _check_claimwatch(con, path, read_only)
    if not read_only:
        migrate(con)
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """First column of the first row of a query (the whole result is fetched, so none stays open)."""
    return first_value(con.execute(sql, list(params)))


def first_value(cursor: duckdb.DuckDBPyConnection) -> Any:
    """First column of the first row of an executed query, or None when it returned no row."""
    rows = cursor.fetchall()
    return rows[0][0] if rows else None


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


@contextmanager
def duckdb_threads(con: duckdb.DuckDBPyConnection, threads: int | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block with DuckDB limited to ``threads`` threads (None: unchanged), then restore the setting.

    While a worker pool keeps every core busy, the single writer's DuckDB threads would only compete with it.
    """
    if threads is None:
        yield con
        return
    before = scalar(con, "SELECT current_setting('threads')")
    con.execute(f"SET threads = {int(threads)}")
    try:
        yield con
    finally:
        con.execute(f"SET threads = {int(before)}")
