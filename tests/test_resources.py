"""WarehouseResource: one connection per run in one process, released at the end of the run (and on request)."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from pipelines.resources import WarehouseResource

OPEN_IN_CHILD = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True).close()"


def _other_process_can_open(db: str) -> bool:
    """A separate process opens the file read-only (DuckDB refuses while a writer in another process holds it)."""
    return subprocess.run([sys.executable, "-c", OPEN_IN_CHILD, db], capture_output=True).returncode == 0


def test_a_run_shares_one_connection_and_releases_the_file(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with dg.build_resources({"warehouse": WarehouseResource(db_path=db)}) as resources:
        warehouse = resources.warehouse
        with warehouse.get_connection() as writer:
            writer.execute("CREATE TABLE t (x INTEGER)")
        with warehouse.get_connection(read_only=True) as reader:
            assert reader is writer  # the check reuses the run's connection
            assert reader.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
        assert not _other_process_can_open(db)  # held for the run
        warehouse.release_connection()  # e.g. before a long crawl
        assert _other_process_can_open(db)
        with warehouse.get_connection() as again:
            assert again is not writer
    assert _other_process_can_open(db)  # closed at the end of the run


def test_outside_a_run_every_block_has_its_own_connection(tmp_path):
    db = str(tmp_path / "w.duckdb")
    warehouse = WarehouseResource(db_path=db)
    with warehouse.get_connection() as first:
        pass
    with warehouse.get_connection(read_only=True) as second:
        assert second is not first
    assert _other_process_can_open(db)
