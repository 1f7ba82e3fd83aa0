"""The one Dagster ``Definitions`` of claimwatch (``make dev`` loads it)."""

from __future__ import annotations

import os
from typing import Any

import dagster as dg

from pipelines.assets import ALL_ASSETS, ARCHIVE_ASSETS, BACKFILL_ASSETS, BY_SOURCE_ASSETS
from pipelines.backfill import celery_backfill_job, claims_backfill
from pipelines.checks import ALL_CHECKS
from pipelines.freshness import build_feed_poll_sensor
from pipelines.jobs import build_hourly_crawl_schedule, crawl_job, deliver_alerts_job, ingest_job
from pipelines.resources import (
    ArchiveRoots,
    CrawlerResource,
    NotifierResource,
    SettingsResource,
    WarehouseResource,
)
from pipelines.sensors import pending_alerts_sensor, sources_partitions_sensor
from pipelines.settings import OrchestrationSettings


def build_resources(
    db_path: str | None = None,
    sources_file: str | None = None,
    alerts_file: str | None = None,
    echo_alerts: bool = True,
    alert_urls: str | None = None,
    subscriptions_file: str | None = None,
    archive_roots: ArchiveRoots | None = None,
) -> dict[str, Any]:
    """Resources for the asset graph; values not given come from environment variables (read when a run starts).

    This is where the pipeline reads its environment, as ``dg.EnvVar`` fields (so secrets never appear in run
    config): CLAIMWATCH_DB, CLAIMWATCH_SOURCES, CLAIMWATCH_ALERTS_FILE, and the optional CLAIMWATCH_ALERT_URLS
    (Apprise URLs; none: stdout + the alerts file), CLAIMWATCH_SUBSCRIPTIONS (channels with filters and modes) and
    CLAIMWATCH_WORKERS (clean/extract processes; none: one per core). The archive ingest reads only under
    ``archive_roots``, by default CLAIMWATCH_ARCHIVE_ROOTS read now (see :class:`ArchiveRoots`).
    """
    return {
        "settings": SettingsResource(workers=_optional_env("CLAIMWATCH_WORKERS", None, 0)),
        "warehouse": WarehouseResource(db_path=db_path or dg.EnvVar("CLAIMWATCH_DB")),
        "crawler": CrawlerResource(sources_file=sources_file or dg.EnvVar("CLAIMWATCH_SOURCES")),
        "notifier": NotifierResource(
            alerts_file=alerts_file or dg.EnvVar("CLAIMWATCH_ALERTS_FILE"),
            echo=echo_alerts,
            alert_urls=_optional_env("CLAIMWATCH_ALERT_URLS", alert_urls, ""),
            subscriptions_file=_optional_env("CLAIMWATCH_SUBSCRIPTIONS", subscriptions_file, ""),
        ),
        "archive_roots": archive_roots or ArchiveRoots.from_environment(),
    }


def _optional_env(name: str, given: Any, unset: Any) -> Any:
    """``given`` when not None; else the variable as a ``dg.EnvVar`` if the environment sets it, else ``unset``.

    An unset ``dg.EnvVar`` fails the launch, so optional variables are only handed over when present.
    """
    if given is not None:
        return given
    if not os.environ.get(name, "").strip():
        return unset
    return dg.EnvVar.int(name) if isinstance(unset, int) else dg.EnvVar(name)


def build_definitions(orchestration: OrchestrationSettings | None = None) -> dg.Definitions:
    """The Definitions; the schedule's cron and the feed poller's tick come from ``orchestration``.

    Those two are fixed when the definitions load (packaged pipelines/settings.yaml by default); everything a
    run reads comes from the ``settings`` resource, loaded when the run starts.
    """
    orchestration = orchestration or OrchestrationSettings.load()
    return dg.Definitions(
        assets=[*ALL_ASSETS, *BACKFILL_ASSETS, *BY_SOURCE_ASSETS, *ARCHIVE_ASSETS],
        asset_checks=ALL_CHECKS,
        jobs=[crawl_job, deliver_alerts_job, ingest_job, claims_backfill, *filter(None, [celery_backfill_job()])],
        schedules=[build_hourly_crawl_schedule(orchestration)],
        sensors=[
            build_feed_poll_sensor(crawl_job, orchestration.poll_tick_seconds, orchestration.fresh_run_gap_seconds),
            pending_alerts_sensor,
            sources_partitions_sensor,
        ],
        resources=build_resources(),
    )


defs = build_definitions()


def claims_backfill_job() -> dg.JobDefinition:
    """``claims_backfill`` with these definitions' resources (module level: ``dg.reconstructable`` rebuilds it)."""
    return defs.resolve_job_def("claims_backfill")


def claims_backfill_celery_job() -> dg.JobDefinition:
    """``claims_backfill_celery`` with these definitions' resources (``dg.reconstructable``'s target on workers)."""
    return defs.resolve_job_def("claims_backfill_celery")
