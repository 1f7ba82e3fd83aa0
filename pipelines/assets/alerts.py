"""The delivery stage: alerts to every subscribed channel, and the daily digests."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from pipelines.assets.claims import claims
from pipelines.assets.common import column_schema, stage_asset
from pipelines.delivery import deliver_digests, deliver_pending
from pipelines.resources import NotifierResource, SettingsResource, WarehouseResource
from warehouse.reports import (
    undelivered_alert_count,
)
from warehouse.rows import count


@stage_asset(kinds={"apprise", "duckdb"}, deps=[claims], table="alerts")
def alerts(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    notifier: NotifierResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Alert delivery from the outbox: each due alert is sent once to every channel that subscribes to it.

    Apprise URLs, or stdout + alerts.jsonl; retried with backoff and marked delivered; storms and unnamed subjects
    become one digest; daily digests go out when due. The warehouse is held only to claim alerts and to record
    each outcome, never while a channel is on the network.
    """

    @contextmanager
    def briefly() -> Iterator[Any]:
        with warehouse.get_connection() as con:
            yield con
        warehouse.release_connection()  # no lock held while a channel is on the network

    alert_settings = settings.get().alerts
    subscribers = notifier.subscribers(alert_settings.timeout_seconds)
    counts = deliver_pending(briefly, subscribers, alert_settings)
    counts.update(deliver_digests(briefly, subscribers, alert_settings))
    with warehouse.get_connection() as con:
        waiting = undelivered_alert_count(con)
        total = count(con, "alerts")
        schema = column_schema(con, "alerts")
    if counts["failed"]:
        context.log.warning(f"{counts['failed']} alert(s) not delivered; they will be retried")
    return dg.MaterializeResult(
        metadata={**counts, "not_delivered": waiting, "dagster/row_count": total, "dagster/column_schema": schema}
    )
