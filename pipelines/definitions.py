"""The one Dagster ``Definitions`` of claimwatch (``make dev`` loads it)."""

from __future__ import annotations

import os

import dagster as dg

from pipelines.assets import ALL_ASSETS, ARCHIVE_ASSETS, BACKFILL_ASSETS, BY_SOURCE_ASSETS
from pipelines.checks import ALL_CHECKS
from pipelines.jobs import crawl_job, deliver_alerts_job, hourly_crawl_schedule, ingest_job
from pipelines.resources import CrawlerResource, NotifierResource, WarehouseResource
from pipelines.sensors import feed_poll_sensor, pending_alerts_sensor, sources_partitions_sensor


def build_resources(
    db_path: str | None = None,
    sources_file: str | None = None,
    alerts_file: str | None = None,
    echo_alerts: bool = True,
    alert_urls: str | None = None,
    subscriptions_file: str | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """Resources for the asset graph; unset values come from environment variables (read at run time).

    Alert channel URLs carry secrets: in the Dagster UI they come from CLAIMWATCH_ALERT_URLS via ``dg.EnvVar``.
    CLAIMWATCH_SUBSCRIPTIONS names a subscriptions file (channels with filters and modes), when there is one.
    """
    return {
        "warehouse": WarehouseResource(db_path=db_path or dg.EnvVar("CLAIMWATCH_DB")),
        "crawler": CrawlerResource(sources_file=sources_file or dg.EnvVar("CLAIMWATCH_SOURCES")),
        "notifier": NotifierResource(
            alerts_file=alerts_file or dg.EnvVar("CLAIMWATCH_ALERTS_FILE"),
            echo=echo_alerts,
            alert_urls=dg.EnvVar("CLAIMWATCH_ALERT_URLS") if alert_urls is None else alert_urls,
            # optional, so only an environment that sets it hands it over (an unset dg.EnvVar fails the launch)
            subscriptions_file=subscriptions_file
            if subscriptions_file is not None
            else (dg.EnvVar("CLAIMWATCH_SUBSCRIPTIONS") if os.environ.get("CLAIMWATCH_SUBSCRIPTIONS") else ""),
        ),
    }


defs = dg.Definitions(
    assets=[*ALL_ASSETS, *BACKFILL_ASSETS, *BY_SOURCE_ASSETS, *ARCHIVE_ASSETS],
    asset_checks=ALL_CHECKS,
    jobs=[crawl_job, deliver_alerts_job, ingest_job],
    schedules=[hourly_crawl_schedule],
    sensors=[feed_poll_sensor, pending_alerts_sensor, sources_partitions_sensor],
    resources=build_resources(),
)
