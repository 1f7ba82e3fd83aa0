"""Jobs and the hourly crawl schedule (sensors: pipelines/sensors.py, pipelines/freshness.py)."""

import dagster as dg

from pipelines.assets import ALL_ASSETS, alerts, raw_pages, raw_pages_from_archives
from pipelines.settings import OrchestrationSettings

crawl_job = dg.define_asset_job(
    "crawl_job",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="Crawl every source (or the new URLs feed_poll_sensor found), clean, extract, load claims and send "
    "alerts.",
    # one process for the whole run: the stages are sequential, share one DuckDB connection, and a process per
    # step would pay the imports (~2 s) again for each of them
    executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 2},  # run retries for transient failures (enabled in dagster_home/dagster.yaml)
)
ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(raw_pages_from_archives, *[a for a in ALL_ASSETS if a is not raw_pages]),
    description="Land saved pages and WARC archives (raw_pages_from_archives: give `paths` in the launchpad), then "
    "clean, extract, load claims and send alerts, as `claimwatch ingest` does.",
    executor_def=dg.in_process_executor,
)
deliver_alerts_job = dg.define_asset_job(
    "deliver_alerts_job",
    selection=dg.AssetSelection.assets(alerts),
    description="Retry delivery of alerts still pending or failed, and send the daily digests that are due.",
    executor_def=dg.in_process_executor,
)


def build_hourly_crawl_schedule(orchestration: OrchestrationSettings) -> dg.ScheduleDefinition:
    """The whole pipeline on the settings' cron (hourly by default): a schedule is fixed when definitions load."""
    return dg.ScheduleDefinition(
        name="hourly_crawl",
        job=crawl_job,
        cron_schedule=orchestration.crawl_cron,
        execution_timezone=orchestration.crawl_timezone,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Run the whole pipeline on the cron in pipelines/settings.yaml (hourly by default).",
    )
