"""Several writers on one warehouse: the claims backfill on two processes and on two celery workers (Redis broker).

Each run starts from the same copy of the sample warehouse with every mention gone and every extraction stale, and
must land exactly what one writer landing the days in order lands: row by row, nothing lost, nothing doubled.
The celery test needs Debian's redis-server and the ``scale`` extra; it is skipped with the reason otherwise.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest

from pipelines.backfill import run_backfill
from tests.cluster import REDIS_SERVER, celery_environment, celery_workers, landed_rows, redis_server, stale_copy

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)

YEAR = ("2026-01-01", "2026-12-31")


@pytest.fixture
def reference(sample_run: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> dict[str, Any]:
    """The backfill of the whole year by one writer, days in order (the in-process executor)."""
    work = tmp_path_factory.mktemp("backfill-reference")
    monkeypatch.setenv("DAGSTER_HOME", str(work))
    db = stale_copy(sample_run["db"], work / "one-writer.duckdb")
    summary = run_backfill(str(db), *YEAR, executor="in_process")
    assert summary["success"], summary
    rows = landed_rows(db)
    assert rows["claim_mentions"] and summary["days"] >= 3  # something to lose or double
    return {"summary": summary, "rows": rows}


def test_two_processes_land_what_one_writer_lands(sample_run, reference, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    db = stale_copy(sample_run["db"], tmp_path / "two-processes.duckdb")
    summary = run_backfill(str(db), *YEAR, executor="processes", max_concurrent=2)
    assert summary["success"], summary
    assert summary["mentions"] == reference["summary"]["mentions"]
    assert landed_rows(db) == reference["rows"]
    # each day is a claims_by_day partition, as if backfilled from the UI
    with dg.DagsterInstance.get() as instance:
        done = instance.get_materialized_partitions(dg.AssetKey("claims_by_day"))
    assert len(done) == summary["days"]


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (Debian: apt-get install redis-server)")
def test_two_celery_workers_land_what_one_writer_lands(sample_run, reference, tmp_path, monkeypatch):
    pytest.importorskip("dagster_celery", reason="the `scale` extra (dagster-celery) is not installed")
    home = tmp_path / "dagster_home"
    home.mkdir()
    db = stale_copy(sample_run["db"], tmp_path / "two-workers.duckdb")
    with redis_server(tmp_path) as broker:
        env = celery_environment(broker, broker.replace("/0", "/1"), home)
        for name in ("CLAIMWATCH_CELERY_BROKER", "CLAIMWATCH_CELERY_BACKEND", "DAGSTER_HOME"):
            monkeypatch.setenv(name, env[name])
        with celery_workers(2, env, tmp_path):
            summary = run_backfill(str(db), *YEAR, executor="celery")
    assert summary["success"], summary
    assert landed_rows(db) == reference["rows"]
    # the day steps really ran on the workers, and on both of them
    with dg.DagsterInstance.get() as instance:
        records = instance.get_records_for_run(summary["run_id"]).records
    hosts = {
        str(r.event_log_entry.dagster_event.event_specific_data.metadata["Celery worker"].value).split("@")[0]
        for r in records
        if r.event_log_entry.dagster_event is not None
        and r.event_log_entry.dagster_event.step_key
        and r.event_log_entry.dagster_event.step_key.startswith("reextract_claims_of_day")
        and "in celery worker" in (r.event_log_entry.dagster_event.message or "")
    }
    assert hosts == {"worker1", "worker2"}


def test_backfill_command(sample_run, reference, tmp_path, monkeypatch):
    """`claimwatch backfill` runs the job, prints its summary and keeps the run in --dagster-home; errors are clear."""
    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    db = stale_copy(sample_run["db"], tmp_path / "cli.duckdb")
    home = tmp_path / "home"
    args = ["backfill", "--from", YEAR[0], "--to", YEAR[1], "--db", str(db), "--dagster-home", str(home)]
    result = CliRunner().invoke(main, [*args, "--executor", "in_process"])
    assert result.exit_code == 0, result.output
    assert f"days: {reference['summary']['days']}" in result.output and "success: True" in result.output
    assert landed_rows(db) == reference["rows"]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert [r.job_name for r in instance.get_runs()] == ["claims_backfill"]
    # celery without a broker: one line saying what to set, exit 1, no run
    for name in ("CLAIMWATCH_CELERY_BROKER", "CLAIMWATCH_CELERY_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, [*args, "--executor", "celery"])
    assert result.exit_code == 1 and "CLAIMWATCH_CELERY_BROKER" in result.output
    # a warehouse that is not there is not created
    result = CliRunner().invoke(main, ["backfill", "--from", YEAR[0], "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0 and not (tmp_path / "none.duckdb").exists()
