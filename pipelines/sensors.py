"""Sensors: waiting alerts (delivery runs) and the by-source partitions.

The feed-polling sensor's tick is a setting, so ``pipelines/definitions.py`` builds it
(``pipelines.freshness.build_feed_poll_sensor``) from the settings it loads.
"""

import dagster as dg

from pipelines.assets import SOURCES
from pipelines.jobs import deliver_alerts_job
from pipelines.resources import CrawlerResource, SettingsResource, WarehouseResource
from warehouse.alerts import due_alerts_summary
from warehouse.db import WarehouseBusyError

# a sensor evaluation must finish within Dagster's 60 s limit: wait briefly for a writer, then skip this tick
SENSOR_LOCK_WAIT_SECONDS = 5.0


# Defaults an operator gets from `make dev` (docs: README, "Schedules and sensors"): what delivers alerts and keeps
# bookkeeping in step runs; what fetches from outside sites (feed_poll_sensor, hourly_crawl) waits to be turned on.
@dg.sensor(
    job=deliver_alerts_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,  # a written alert goes out within minutes, with no one to start it
    description="Starts a delivery run when "
    "alerts are waiting (pending, or failed with attempts left); the cursor is the newest alert seen.",
)
def pending_alerts_sensor(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource, settings: SettingsResource
) -> dg.SensorResult | dg.SkipReason:
    """Request one delivery run per new batch of waiting alerts."""
    try:
        with warehouse.get_connection(read_only=True, wait_seconds=SENSOR_LOCK_WAIT_SECONDS) as con:
            # the same "due" rule and attempt limit as the delivery itself
            row = due_alerts_summary(con, settings.get().alerts.max_attempts)
    except FileNotFoundError:
        return dg.SkipReason("no warehouse yet")
    except WarehouseBusyError:
        return dg.SkipReason("warehouse busy (a run is writing)")
    waiting, newest, attempts = row
    if not waiting:
        return dg.SkipReason("no alerts waiting")
    cursor = f"{newest}|{attempts}"
    if cursor == context.cursor:
        return dg.SkipReason("already requested a delivery run for these alerts")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=cursor)], cursor=cursor)


@dg.sensor(
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,  # reads only the sources file: nothing fetched
    description="Keeps the 'sources' partitions of raw_pages_by_source in step with the sources file: adds a "
    "partition for each new source and removes those of sources no longer configured.",
)
def sources_partitions_sensor(
    context: dg.SensorEvaluationContext, crawler: CrawlerResource
) -> dg.SensorResult | dg.SkipReason:
    """Add and remove partition keys so they match the configured source names."""
    wanted = set(crawler.source_names())
    have = set(context.instance.get_dynamic_partitions(str(SOURCES.name)))
    add, drop = sorted(wanted - have), sorted(have - wanted)
    if not add and not drop:
        return dg.SkipReason(f"{len(have)} source partitions, in step with the sources file")
    requests: list = []
    if add:
        requests.append(SOURCES.build_add_request(add))
    if drop:
        requests.append(SOURCES.build_delete_request(drop))
    return dg.SensorResult(dynamic_partitions_requests=requests)
