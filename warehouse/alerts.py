"""The alert outbox (``alerts``) and per-channel delivery state (``alert_deliveries``).

Which claims alert is decided by the caller and arrives as an :class:`AlertRules` value; the statements that
apply it are ``create_*_alerts`` in warehouse/sql/alerts.sql.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.claims import rebuild_claims
from warehouse.db import transaction
from warehouse.records import Alert
from warehouse.rows import count, dict_rows
from warehouse.statements import execute, run_script, value

# The kinds of alert the outbox can write, in the order their statements run (a later kind reads the alerts an
# earlier one wrote: a story's 'new' alert comes before its 'disputed' one).
ALERT_KINDS = ("new", "relation_change", "confirmed", "disputed", "unnamed", "same_firm")
# kinds that never alert on their own: they travel in a digest
DIGEST_ONLY_KINDS = ("unnamed", "same_firm")


@dataclass(frozen=True)
class AlertRules:
    """Which claims make stories and which story changes alert: the caller's policy, as values.

    ``story_relations``: relations whose claims form stories (and digests of unnamed-subject claims);
    ``escalation``: the relation a story changing into sends ``relation_change``; ``kinds``: the kinds written
    (a subset of :data:`ALERT_KINDS`); ``watchlist``: firm or model names that mark an alert priority.
    """

    story_relations: tuple[str, ...]
    escalation: str
    kinds: tuple[str, ...] = ALERT_KINDS
    watchlist: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in ALERT_KINDS]
        if unknown:
            raise ValueError(f"unknown alert kinds {unknown}; known: {', '.join(ALERT_KINDS)}")

    def params(self, run_id: str | None) -> dict[str, Any]:
        """The named parameters of the create_*_alerts statements."""
        return {
            "story_relations": list(self.story_relations),
            "escalation": self.escalation,
            "watchlist": [w.lower() for w in self.watchlist],
            "run_id": run_id,
        }


def _create_alerts(con: duckdb.DuckDBPyConnection, rules: AlertRules, run_id: str | None) -> int:
    before = count(con, "alerts")
    params = rules.params(run_id)
    run_script(con, "gather_story_claims", params)
    try:
        for kind in ALERT_KINDS:
            if kind in rules.kinds:
                execute(con, f"create_{kind}_alerts", params)
    finally:
        run_script(con, "drop_story_claims", {})
    return count(con, "alerts") - before


def create_alerts(con: duckdb.DuckDBPyConnection, rules: AlertRules, run_id: str | None = None) -> dict[str, int]:
    """Outbox alerts per story (subject firm, object firm), never twice, by ``rules``.

    A story alerts once when it first appears (``new``) and again only when it changes in kind:
    ``relation_change`` (now ``rules.escalation``), ``confirmed`` (a named third party, after the firm's own or an
    outlet's word), ``disputed`` (a named party denies it, or a report doubts it). A claim with no named subject is
    ``unnamed``, one of a firm against its own model ``same_firm``: both go out only in a digest. A claim touching
    a watched firm or model is marked priority.
    """
    with transaction(con):
        new = _create_alerts(con, rules, run_id)
        total = count(con, "alerts")
    return {"alerts_new": new, "alerts": total}


def refresh_claims_and_outbox(con: duckdb.DuckDBPyConnection, run_id: str | None, rules: AlertRules) -> dict[str, int]:
    """Refresh claims and write their outbox alerts in one transaction (a crash loses both or neither)."""
    with transaction(con):
        before = count(con, "claims")
        rebuild_claims(con, run_id)
        after = count(con, "claims")
        new_alerts = _create_alerts(con, rules, run_id)
    return {"claims": after, "claims_delta": after - before, "alerts_new": new_alerts}


def _alert_details(con: duckdb.DuckDBPyConnection, **filters: Any) -> list[Alert]:
    params = {"alert_ids": None, "run_id": None, "channel": None, "created_since": None, **filters}
    return [Alert(**row) for row in dict_rows(execute(con, "alert_details", params))]


def alert_details(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str] | None = None, run_id: str | None = None
) -> list[Alert]:
    """Alerts (all, these ids, or those a run wrote) joined with their claim, first source and evidence sentence."""
    if alert_ids is not None:
        return _alert_details(con, alert_ids=list(alert_ids))
    return _alert_details(con, run_id=run_id)


def alerts_not_delivered_to(con: duckdb.DuckDBPyConnection, channel: str, created_since: datetime) -> list[Alert]:
    """Alerts written since ``created_since`` (of claims not judged wrong) that ``channel`` has not accepted yet."""
    return _alert_details(con, channel=channel, created_since=created_since)


def due_alerts_summary(con: duckdb.DuckDBPyConnection, max_attempts: int) -> tuple[int, str | None, int]:
    """Alerts due for delivery now: how many, the newest one's creation time, and their attempts so far."""
    row = execute(con, "due_alerts_summary", [max_attempts]).fetchall()[0]
    return int(row[0]), row[1], int(row[2])


def claim_due_alerts(con: duckdb.DuckDBPyConnection, max_attempts: int, lease_seconds: float) -> list[str]:
    """Take every due alert for one delivery, in one transaction: status 'sending' for ``lease_seconds``.

    A concurrent delivery (another run, the sensor's run) finds them not due and sends nothing twice; if this
    one dies before recording the outcome, the lease runs out and they are due again.
    """
    with transaction(con):
        ids = [r[0] for r in execute(con, "due_alert_ids", [max_attempts]).fetchall()]
        if ids:
            execute(con, "lease_alerts", [float(lease_seconds), ids])
    return ids


def assign_digest(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], digest_id: str) -> None:
    """Record that these alerts go out together as ``digest_id``, before the first attempt.

    A retry then resends the same digest, with the same members, under the same id.
    """
    execute(con, "assign_digest", [digest_id, list(alert_ids)])


def mark_alerts(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[str],
    delivered: bool,
    channel: str,
    error: str | None = None,
    backoff_seconds: float = 0.0,
    digest_id: str | None = None,
) -> None:
    """Record one delivery outcome for alerts, in one transaction.

    Delivered: time, channel and digest. Failed: the error, and the next attempt after
    ``backoff_seconds * 2 ** attempts so far`` (so each alert backs off by its own attempt count).
    """
    if not alert_ids:
        return
    ids = list(alert_ids)
    with transaction(con):
        if delivered:
            execute(con, "mark_delivered", [channel, digest_id, ids])
        else:
            execute(con, "mark_failed", [channel, error, float(backoff_seconds), ids])


def mark_alerts_filtered(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> None:
    """Record that no immediate channel subscribes to these alerts (status 'filtered'; digests may still carry them)."""
    if alert_ids:
        execute(con, "mark_filtered", [list(alert_ids)])


def channel_deliveries(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The per-channel rows of these alerts: alert_id, channel, digest_id, status (planned or delivered)."""
    return dict_rows(execute(con, "channel_deliveries", [list(alert_ids)]))


def record_channel_deliveries(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], channel: str, status: str, digest_id: str | None
) -> None:
    """Write (or move on) the per-channel rows of alerts: ``planned`` in a digest, or ``delivered``."""
    if alert_ids:
        params = {"alert_ids": list(alert_ids), "channel": channel, "digest_id": digest_id, "status": status}
        execute(con, "record_channel_deliveries", params)


def last_delivery_at(con: duckdb.DuckDBPyConnection, channel: str) -> datetime | None:
    """When ``channel`` last accepted anything (None: never)."""
    when = value(con, "last_delivery_at", [channel])
    return when if isinstance(when, datetime) else None
