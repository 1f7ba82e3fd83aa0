"""Deliver pending alerts from the outbox: Apprise channels (or stdout + alerts.jsonl), retries, digests.

Delivery is at-least-once by construction (send, then mark delivered); every message carries the alert id
(or, for a digest, the digest id) as an idempotency key so a receiver can drop a repeat after a crash
between sending and marking.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import duckdb
import tenacity

from pipelines.alerting import alert_payload, format_alert
from pipelines.settings import AlertSettings
from warehouse.db import transaction
from warehouse.load import alert_details, assign_digest, claim_due_alerts, mark_alerts

HEADER_SCHEMES = ("json://", "jsons://", "form://", "forms://", "xml://", "xmls://")


class DeliveryError(RuntimeError):
    """A channel did not accept a message."""


class Channel(Protocol):
    """Where alerts go."""

    name: str

    def send(self, title: str, body: str, payload: dict[str, Any], key: str) -> None:
        """Deliver one message or raise :class:`DeliveryError`."""


class LogChannel:
    """No channel configured: append the payload to a JSON-lines file and print the readable text."""

    name = "stdout+file"

    def __init__(self, alerts_file: str | Path, echo: bool = True) -> None:
        self.alerts_file = Path(alerts_file)
        self.echo = echo

    def send(self, title: str, body: str, payload: dict[str, Any], key: str) -> None:
        """Append and print."""
        try:
            self.alerts_file.parent.mkdir(parents=True, exist_ok=True)
            with self.alerts_file.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(payload, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot append to {self.alerts_file}: {exc}") from exc
        if self.echo:
            print(body, file=sys.stdout, flush=True)


class AppriseChannel:
    """Every configured Apprise URL; a message counts as delivered only when all of them accept it."""

    name = "apprise"

    def __init__(self, urls: Sequence[str], timeout_seconds: float = 10.0) -> None:
        self.urls = [u for u in urls if u.strip()]
        self.timeout = timeout_seconds

    def _url(self, url: str, key: str) -> str:
        extra = [f"rto={self.timeout:g}", f"cto={self.timeout:g}"]
        if url.lower().startswith(HEADER_SCHEMES):
            extra.append(f"+Idempotency-Key={quote(key)}")  # Apprise sends +Name=value as an HTTP header
        return url + ("&" if "?" in url else "?") + "&".join(extra)

    def send(self, title: str, body: str, payload: dict[str, Any], key: str) -> None:
        """Notify every URL; JSON/form/XML webhooks get the payload itself as the message."""
        import apprise

        failed = []
        for url in self.urls:
            ap = apprise.Apprise()
            if not ap.add(self._url(url, key)):
                failed.append(f"invalid Apprise URL {url.split('://', 1)[0]}://...")
                continue
            message = json.dumps(payload, ensure_ascii=False) if url.lower().startswith(HEADER_SCHEMES) else body
            if not ap.notify(body=message, title=title):
                failed.append(f"{url.split('://', 1)[0]}:// did not accept the message")
        if failed:
            raise DeliveryError("; ".join(failed))


def make_channel(alert_urls: str, alerts_file: str | Path, echo: bool, timeout_seconds: float) -> Channel:
    """Apprise when URLs are configured (space or comma separated), else stdout + alerts.jsonl."""
    urls = [u for u in alert_urls.replace(",", " ").split() if u]
    return AppriseChannel(urls, timeout_seconds) if urls else LogChannel(alerts_file, echo)


class DeliveryTimeout(DeliveryError):
    """A channel did not answer within the attempt's bound; the receiver may still get the message."""


def _send_bounded(channel: Channel, timeout: float, title: str, body: str, payload: dict[str, Any], key: str) -> None:
    """``channel.send`` with a wall-clock bound.

    Apprise's connect/read timeouts bound each socket operation, not a receiver that trickles its answer; the
    send runs in a daemon thread that is abandoned after ``timeout`` seconds (threads cannot be killed).
    """
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            channel.send(title, body, payload, key)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, name=f"alert-send-{key}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise DeliveryTimeout(f"{channel.name}: no answer within {timeout:g}s")
    if outcome[0] is not None:
        raise outcome[0]


def _with_retries(
    channel: Channel,
    settings: AlertSettings,
    sleep: Callable[[float], None],
    title: str,
    body: str,
    payload: dict[str, Any],
    key: str,
) -> str | None:
    """Send, retrying in this run with backoff; return None on success or the last error.

    A timed-out attempt is not retried in this run: the receiver may have it already, and every retry of a
    stalled receiver is one more copy (the next delivery run retries, under the same idempotency key).
    """
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(settings.retries_in_run + 1),
        wait=tenacity.wait_exponential(multiplier=settings.retry_backoff_seconds),  # backoff * 2**(n-1)
        retry=tenacity.retry_if_exception(lambda exc: not isinstance(exc, DeliveryTimeout)),
        sleep=sleep,
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                _send_bounded(channel, settings.attempt_timeout_seconds, title, body, payload, key)
    except DeliveryError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - any channel failure is recorded on the alert
        return f"{type(exc).__name__}: {exc}"
    return None


def _title(d: dict[str, Any]) -> str:
    p = alert_payload(d)
    flag = "[PRIORITY] " if d.get("priority") else ""
    change = {
        "relation_change": " (relation changed)",
        "confirmed": f" (confirmed by {d.get('claimant_name') or 'a third party'})",
        "disputed": f" (disputed by {d.get('claimant_name') or 'a third party'})",
    }.get(d.get("kind") or "", "")
    return f"{flag}claimwatch: {p['subject']} {p['relation']} {p['object']}{change}"


@dataclass(frozen=True)
class Delivery:
    """One message to send: a single alert, or a digest of several under one stable id."""

    key: str  # idempotency key: the alert id, or the digest id
    alert_ids: tuple[str, ...]
    title: str
    body: str
    payload: dict[str, Any]

    @property
    def is_digest(self) -> bool:
        """A digest carries several alerts."""
        return self.key.startswith("digest-")


def _digest(key: str, alerts: list[dict[str, Any]]) -> Delivery:
    ids = sorted(d["alert_id"] for d in alerts)
    priority = sum(1 for d in alerts if d.get("priority"))
    title = f"claimwatch: {len(alerts)} new claims" + (f" ({priority} priority)" if priority else "")
    payload = {
        "digest_id": key,
        "idempotency_key": key,
        "alert_ids": ids,
        "alerts": [alert_payload(d) for d in alerts],
    }
    return Delivery(key, tuple(ids), title, "\n\n".join(format_alert(d) for d in alerts), payload)


def plan_deliveries(con: duckdb.DuckDBPyConnection, settings: AlertSettings) -> list[Delivery]:
    """Claim the due alerts and group them into messages (writes: the claim, and new digests' ids).

    Alerts that already went out in a digest that failed are resent as that same digest (same id, same
    members); more than ``storm_threshold`` other alerts become a new digest; the rest go one by one,
    watchlist priority first.
    """
    ids = claim_due_alerts(con, settings.max_attempts, settings.lease_seconds)
    if not ids:
        return []
    due = alert_details(con, "al.alert_id IN (SELECT unnest(?))", [ids])
    due.sort(key=lambda d: (not d.get("priority"), d["created_at"]))
    earlier: dict[str, list[dict[str, Any]]] = {}
    single = []
    for d in due:
        if d.get("digest_id"):
            earlier.setdefault(d["digest_id"], []).append(d)
        else:
            single.append(d)
    plan = [_digest(key, members) for key, members in earlier.items()]
    # claims with no named subject never go out on their own: they travel together in a digest
    unnamed = [d for d in single if d.get("kind") == "unnamed"]
    single = [d for d in single if d.get("kind") != "unnamed"]
    if unnamed:
        key = "digest-" + hashlib.sha1(",".join(sorted(d["alert_id"] for d in unnamed)).encode()).hexdigest()[:16]
        with transaction(con):
            assign_digest(con, [d["alert_id"] for d in unnamed], key)
        plan.append(_digest(key, unnamed))
    if len(single) > settings.storm_threshold:
        key = "digest-" + hashlib.sha1(",".join(sorted(d["alert_id"] for d in single)).encode()).hexdigest()[:16]
        with transaction(con):
            assign_digest(con, [d["alert_id"] for d in single], key)
        return [*plan, _digest(key, single)]
    for d in single:
        payload = alert_payload(d)
        payload.update({"priority": bool(d.get("priority")), "kind": d.get("kind")})
        plan.append(Delivery(d["alert_id"], (d["alert_id"],), _title(d), format_alert(d), payload))
    return plan


ConnectionFactory = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


def deliver_pending(
    connection: ConnectionFactory,
    channel: Channel,
    settings: AlertSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Send every alert that is due (pending, or failed and past its wait, under max attempts).

    ``connection()`` opens the warehouse for a short block; it is called once to claim and plan, and once
    per outcome to record it, so no connection (and no write lock) is held while a channel is on the
    network. Delivery stays at least once: a crash between sending and recording resends after the lease,
    under the same idempotency key.
    """
    with connection() as con:
        plan = plan_deliveries(con, settings)
    sent = failed = digests = 0
    for delivery in plan:
        error = _with_retries(channel, settings, sleep, delivery.title, delivery.body, delivery.payload, delivery.key)
        with connection() as con:
            mark_alerts(
                con,
                list(delivery.alert_ids),
                error is None,
                ("digest:" if delivery.is_digest else "") + channel.name,
                error,
                settings.next_run_backoff_seconds,
                delivery.key if delivery.is_digest else None,
            )
        n = len(delivery.alert_ids)
        digests += delivery.is_digest
        sent, failed = (sent + n, failed) if error is None else (sent, failed + n)
    return {"delivered": sent, "failed": failed, "digests": digests}
