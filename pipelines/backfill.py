"""The ``claims_backfill`` job: re-extract claims over a range of publication days, one step per day.

One run fans out a step per day that has kept articles (``reextract_day``: read, rules, land) and rebuilds claims
and the alert outbox once at the end. The steps run wherever the executor puts them:

- ``claims_backfill``: a process per step, ``max_concurrent`` at a time (Dagster's multiprocess executor), or all
  steps in order in one process (``in_process``: one writer, the reference the scale tests compare with);
- ``claims_backfill_celery``: on celery workers through a broker (``dagster-celery``, the ``scale`` extra), for
  workers on several hosts. The broker and result backend come from CLAIMWATCH_CELERY_BROKER and
  CLAIMWATCH_CELERY_BACKEND (e.g. ``redis://127.0.0.1:6379/0``), read when the run starts.

Writers take turns on the warehouse: each step holds the file only to read its day and to land it (DuckDB lets
one process write at a time; ``connect`` waits for the lock). ``claimwatch backfill`` runs either job.
"""

# no `from __future__ import annotations`: Dagster reads the ops' annotations (the config class) at definition

import importlib.util
import os
from collections.abc import Iterator
from typing import Any

import dagster as dg

from pipelines.claim_extraction import reextract_day
from pipelines.resources import SettingsResource, WarehouseResource
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import publication_days

CELERY_BROKER_ENV = "CLAIMWATCH_CELERY_BROKER"
CELERY_BACKEND_ENV = "CLAIMWATCH_CELERY_BACKEND"
CELERY_ENV = (CELERY_BROKER_ENV, CELERY_BACKEND_ENV)


class BackfillDays(dg.Config):
    """The publication days to re-extract (YYYY-MM-DD, UTC, both included)."""

    first_day: str
    last_day: str


@dg.op(out=dg.DynamicOut(str), tags={"kind": "duckdb"})
def days_to_backfill(
    context: dg.OpExecutionContext, config: BackfillDays, warehouse: WarehouseResource
) -> Iterator[dg.DynamicOutput[str]]:
    """One output per day in the range that has kept articles."""
    with warehouse.get_connection(read_only=True) as con:
        days = publication_days(con, config.first_day, config.last_day)
    warehouse.release_connection()
    context.log.info(f"{len(days)} days with kept articles from {config.first_day} to {config.last_day}")
    for day in days:
        yield dg.DynamicOutput(day, mapping_key=day.replace("-", "_"))


@dg.op(tags={"kind": "spacy"})
def reextract_claims_of_day(context: dg.OpExecutionContext, day: str, warehouse: WarehouseResource) -> dict[str, Any]:
    """The current claim rules on the day's kept articles, landed in one writer turn; a claims_by_day partition."""
    # one process per step: the parallelism is across days (a pool inside each step would only compete with it)
    counts = reextract_day(warehouse, day, 1, context.log.warning)
    context.log_event(
        dg.AssetMaterialization(asset_key="claims_by_day", partition=day, metadata={**counts, "run_by": "backfill"})
    )
    return counts


@dg.op(tags={"kind": "duckdb"})
def refresh_claims_after_backfill(
    context: dg.OpExecutionContext,
    landed: list[dict[str, Any]],
    warehouse: WarehouseResource,
    settings: SettingsResource,
) -> dg.Output[dict[str, int]]:
    """Claims and their outbox alerts rebuilt once from the re-extracted mentions."""
    with warehouse.get_connection() as con:
        counts = refresh_claims_and_outbox(con, context.run.run_id, settings.get().alerts.alert_rules())
    warehouse.release_connection()
    summary = {
        "days": len(landed),
        "articles": sum(int(c.get("articles", 0)) for c in landed),
        "mentions": sum(int(c.get("mentions", 0)) for c in landed),
        "extraction_errors": sum(int(c.get("extraction_errors", 0)) for c in landed),
        **counts,
    }
    return dg.Output(summary, metadata=summary)


@dg.graph
def reextract_days() -> None:
    """Fan out a step per day, then rebuild claims once."""
    refresh_claims_after_backfill(days_to_backfill().map(reextract_claims_of_day).collect())


claims_backfill = reextract_days.to_job(
    name="claims_backfill",
    description="Re-extract claims over a range of publication days (one step per day, several processes), then "
    "rebuild claims and the alert outbox once. Config: ops.days_to_backfill.config.first_day / last_day.",
    executor_def=dg.multi_or_in_process_executor,
)


def celery_backfill_job() -> dg.JobDefinition | None:
    """``claims_backfill`` on celery workers, or None when dagster-celery (the ``scale`` extra) is not installed."""
    try:
        from dagster_celery import celery_executor
    except ImportError:
        return None
    executor = celery_executor.configured(
        {"broker": {"env": CELERY_BROKER_ENV}, "backend": {"env": CELERY_BACKEND_ENV}}, name="celery"
    )
    return reextract_days.to_job(
        name="claims_backfill_celery",
        description="claims_backfill with each day's step on a celery worker (start workers with "
        "`dagster-celery worker start -A dagster_celery.app`; broker from CLAIMWATCH_CELERY_BROKER).",
        executor_def=executor,
    )


EXECUTORS = ("processes", "in_process", "celery")


def backfill_run_config(
    db_path: str, first_day: str, last_day: str, executor: str, max_concurrent: int, quiet: bool = True
) -> dict:
    """Run config of a backfill: the days, the warehouse file, (processes) how many steps run at once.

    ``quiet``: Dagster's console log at warnings and above.
    """
    config: dict[str, Any] = {
        "ops": {"days_to_backfill": {"config": {"first_day": first_day, "last_day": last_day}}},
        "resources": {"warehouse": {"config": {"db_path": str(db_path)}}},
    }
    if quiet:
        config["loggers"] = {"console": {"config": {"log_level": "WARNING"}}}
    if executor == "processes":
        config["execution"] = {"config": {"multiprocess": {"max_concurrent": max_concurrent}}}
    elif executor == "in_process":
        config["execution"] = {"config": {"in_process": {}}}
    return config


def run_backfill(
    db_path: str,
    first_day: str,
    last_day: str,
    executor: str = "in_process",
    max_concurrent: int = 2,
    quiet: bool = True,
) -> dict[str, Any]:
    """Run ``claims_backfill`` (or its celery twin) on ``$DAGSTER_HOME``'s instance; return the run's summary.

    The celery executor needs a persistent instance that the workers share (DAGSTER_HOME), a broker
    (CLAIMWATCH_CELERY_BROKER) and workers started on it (``dagster-celery worker start``, docs/scaling.md).
    """
    from pipelines import definitions

    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    if executor == "celery" and importlib.util.find_spec("dagster_celery") is None:
        raise RuntimeError("the celery executor needs dagster-celery: pip install 'claimwatch[scale]'")
    if executor == "celery" and (missing := [v for v in CELERY_ENV if not os.environ.get(v)]):
        raise RuntimeError(
            f"the celery executor needs {' and '.join(missing)} (e.g. redis://127.0.0.1:6379/0), set here and "
            "for the workers"
        )
    target = definitions.claims_backfill_celery_job if executor == "celery" else definitions.claims_backfill_job
    config = backfill_run_config(db_path, first_day, last_day, executor, max_concurrent, quiet)
    with (
        dg.DagsterInstance.get() as instance,
        dg.execute_job(
            dg.reconstructable(target), instance=instance, run_config=config, raise_on_error=False
        ) as result,
    ):
        summary: dict[str, Any] = {"run_id": result.run_id, "success": result.success}
        if result.success:
            summary.update(result.output_for_node("refresh_claims_after_backfill"))
        else:
            failed = [e for e in result.all_events if e.is_step_failure]
            summary["failed_steps"] = [f"{e.step_key}: {(e.message or '').strip()}" for e in failed]
    return summary
