"""The one Dagster ``Definitions`` of claimwatch (``make dev`` loads it)."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import ALL_ASSETS, ALL_CHECKS, BACKFILL_ASSETS, BY_SOURCE_ASSETS
from pipelines.jobs import (
    crawl_job,
    deliver_alerts_job,
    hourly_crawl_schedule,
    pending_alerts_sensor,
    sources_partitions_sensor,
)
from pipelines.resources import CrawlerResource, NotifierResource, WarehouseResource


def build_resources(
    db_path: str | None = None,
    sources_file: str | None = None,
    alerts_file: str | None = None,
    echo_alerts: bool = True,
    alert_urls: str | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """Resources for the asset graph; unset values come from environment variables (read at run time).

    Alert channel URLs carry secrets: in the Dagster UI they come from CLAIMWATCH_ALERT_URLS via ``dg.EnvVar``.
    """
    return {
        "warehouse": WarehouseResource(db_path=db_path or dg.EnvVar("CLAIMWATCH_DB")),
        "crawler": CrawlerResource(sources_file=sources_file or dg.EnvVar("CLAIMWATCH_SOURCES")),
        "notifier": NotifierResource(
            alerts_file=alerts_file or dg.EnvVar("CLAIMWATCH_ALERTS_FILE"),
            echo=echo_alerts,
            alert_urls=dg.EnvVar("CLAIMWATCH_ALERT_URLS") if alert_urls is None else alert_urls,
        ),
    }


defs = dg.Definitions(
    assets=[*ALL_ASSETS, *BACKFILL_ASSETS, *BY_SOURCE_ASSETS],
    asset_checks=ALL_CHECKS,
    jobs=[crawl_job, deliver_alerts_job],
    schedules=[hourly_crawl_schedule],
    sensors=[pending_alerts_sensor, sources_partitions_sensor],
    resources=build_resources(),
)
