"""WarehouseResource: one connection per run in one process, released at the end of the run (and on request)."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import pytest

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


def test_settings_are_read_once_when_the_run_starts(tmp_path):
    """Every step of a run sees the same settings, even if the file changes meanwhile; a bad file fails the start."""
    from pipelines.resources import SettingsResource
    from pipelines.settings import SettingsError

    alerts = tmp_path / "alerts.yaml"
    alerts.write_text("version: 1\nwatchlist: [Zhipu AI]\n", encoding="utf-8")
    with dg.build_resources({"settings": SettingsResource(alert_settings_file=str(alerts))}) as resources:
        first = resources.settings.get()
        alerts.write_text("version: 1\nwatchlist: [Moonshot AI]\n", encoding="utf-8")
        assert resources.settings.get() is first and first.alerts.watchlist == ("Zhipu AI",)
    alerts.write_text("version: 1\nwatchlst: []\n", encoding="utf-8")
    with pytest.raises(dg.DagsterResourceFunctionError) as failed:
        with dg.build_resources({"settings": SettingsResource(alert_settings_file=str(alerts))}):
            pass
    assert isinstance(failed.value.__cause__, SettingsError) and "did you mean 'watchlist'" in str(
        failed.value.__cause__
    )


def test_workers_come_from_the_environment_only_at_the_edge(monkeypatch):
    """CLAIMWATCH_WORKERS reaches a run as the settings resource's dg.EnvVar; unset, one worker per core."""
    from pipelines.definitions import build_resources

    def workers() -> int:
        resource = build_resources(db_path="w.duckdb", sources_file="s.yaml", alert_urls="")["settings"]
        with dg.build_resources({"settings": resource}) as resources:
            return resources.settings.get().workers

    monkeypatch.setenv("CLAIMWATCH_WORKERS", "3")
    assert workers() == 3
    monkeypatch.delenv("CLAIMWATCH_WORKERS")
    assert workers() == (os.cpu_count() or 1)
