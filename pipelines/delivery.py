"""Deliver pending alerts from the outbox: Apprise channels (or stdout + alerts.jsonl), retries, digests.

Delivery is at-least-once by construction (send, then mark delivered); every message carries the alert id
(or, for a digest, the digest id) as an idempotency key so a receiver can drop a repeat after a crash
between sending and marking.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote

import duckdb
import tenacity

from pipelines.alert_targets import target_problem
from pipelines.alerting import alert_payload, format_alert
from pipelines.settings import AlertSettings
from pipelines.subscriptions import ChannelFilter, Subscription, Subscriptions
from warehouse.alerts import (
    DIGEST_ONLY_KINDS,
    alert_details,
    alerts_not_delivered_to,
    assign_digest,
    channel_deliveries,
    claim_due_alerts,
    last_delivery_at,
    mark_alerts,
    mark_alerts_filtered,
    record_channel_deliveries,
)
from warehouse.db import transaction
from warehouse.records import Alert

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


# "<!channel>", "<@U123>", "<#C1>", "<https://evil|Reset SSO>" (Slack, Discord); "@here", "@everyone" (Discord,
# Slack, Mattermost, Teams)
_ANGLE_MARKUP = re.compile(r"<(?=[!@#&]|https?:|mailto:)", re.IGNORECASE)
_MASS_MENTION = re.compile(r"@(?=(?:here|channel|everyone|all)\b)", re.IGNORECASE)


def neutralize_markup(text: str) -> str:
    """``text`` with chat markup that crawled evidence could carry made inert.

    A zero-width space goes after the ``<`` of a Slack/Discord mention or link and after the ``@`` of @here /
    @channel / @everyone / @all. The words read the same; no channel is pinged and no disguised link is planted
    (the evidence sentence, title and names of an alert come from crawled pages).
    """
    return _MASS_MENTION.sub("@\u200b", _ANGLE_MARKUP.sub("<\u200b", text))


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
            if url.lower().startswith(HEADER_SCHEMES):
                message, heading = json.dumps(payload, ensure_ascii=False), title
            else:  # a chat or mail text: crawled words must not ping a channel or hide a link
                message, heading = neutralize_markup(body), neutralize_markup(title)
            if not ap.notify(body=message, title=heading):
                failed.append(f"{url.split('://', 1)[0]}:// did not accept the message")
        if failed:
            raise DeliveryError("; ".join(failed))


class DeliveryRefused(DeliveryError):
    """A channel that must not be sent to at all (its target was refused): never retried."""


class RefusedChannel:
    """A subscribed URL the network guard refused: every message fails with the reason, recorded per delivery."""

    name = "refused"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send(self, title: str, body: str, payload: dict[str, Any], key: str) -> None:
        """Refuse, naming why (see pipelines/alert_targets.py)."""
        raise DeliveryRefused(self.reason)


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
        retry=tenacity.retry_if_exception(lambda exc: not isinstance(exc, DeliveryTimeout | DeliveryRefused)),
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


def _title(d: Alert) -> str:
    p = alert_payload(d)
    flag = "[PRIORITY] " if d.priority else ""
    change = {
        "relation_change": " (relation changed)",
        "confirmed": f" (confirmed by {d.claimant_name or 'a third party'})",
        "disputed": f" (disputed by {d.claimant_name or 'a third party'})",
    }.get(d.kind or "", "")
    return f"{flag}claimwatch: {p['subject']} {p['relation']} {p['object']}{change}"


@dataclass(frozen=True)
class Subscriber:
    """One channel of the subscriptions, ready to send: its name, filter and mode (see pipelines/subscriptions)."""

    channel: Channel
    name: str = "default"
    mode: Literal["immediate", "digest"] = "immediate"
    filter: ChannelFilter = field(default_factory=ChannelFilter)
    subscription: Subscription | None = None  # the file's entry (digest time); None for the default channel


def subscribers(
    subscriptions: Subscriptions | None, alert_urls: str, alerts_file: str | Path, echo: bool, timeout_seconds: float
) -> list[Subscriber]:
    """The channels to deliver to.

    The subscriptions file's channels, or with none one unfiltered immediate channel: the Apprise URLs of
    ``alert_urls``, else stdout + ``alerts_file``.
    """
    if subscriptions is None:
        return [Subscriber(make_channel(alert_urls, alerts_file, echo, timeout_seconds))]
    out = []
    for sub in subscriptions.channels:
        url = sub.apprise_url()
        channel: Channel = LogChannel(sub.log_file or alerts_file, echo=False)
        if url:
            refused = target_problem(url, subscriptions.allow_private_networks)
            channel = RefusedChannel(refused) if refused else AppriseChannel([url], timeout_seconds)
        out.append(Subscriber(channel, sub.name, sub.mode, sub.filter, sub))
    return out


@dataclass(frozen=True)
class Delivery:
    """One message to one channel: a single alert, or a digest of several under one stable id."""

    key: str  # idempotency key: the alert id, or the digest id
    alert_ids: tuple[str, ...]
    title: str
    body: str
    payload: dict[str, Any]
    channel: str = "default"  # the subscriber's name

    @property
    def is_digest(self) -> bool:
        """A digest carries several alerts."""
        return self.key.startswith("digest-")


def _digest(key: str, alerts: list[Alert], channel: str) -> Delivery:
    ids = sorted(d.alert_id for d in alerts)
    priority = sum(1 for d in alerts if d.priority)
    title = f"claimwatch: {len(alerts)} new claims" + (f" ({priority} priority)" if priority else "")
    payload = {
        "digest_id": key,
        "idempotency_key": key,
        "alert_ids": ids,
        "alerts": [alert_payload(d) for d in alerts],
    }
    return Delivery(key, tuple(ids), title, "\n\n".join(format_alert(d) for d in alerts), payload, channel)


def _digest_key(channel: str, alerts: list[Alert]) -> str:
    """A digest's id: its channel and members (the default channel keeps the id it had before subscriptions)."""
    members = ",".join(sorted(d.alert_id for d in alerts))
    prefix = "" if channel == "default" else channel + ":"
    return "digest-" + hashlib.sha1((prefix + members).encode()).hexdigest()[:16]


def _new_digest(con: duckdb.DuckDBPyConnection, channel: str, alerts: list[Alert]) -> Delivery:
    """A digest of ``alerts`` for ``channel``, its members recorded before the first attempt (a retry resends it)."""
    key = _digest_key(channel, alerts)
    ids = [d.alert_id for d in alerts]
    with transaction(con):
        assign_digest(con, ids, key)
        record_channel_deliveries(con, ids, channel, "planned", key)
    return _digest(key, alerts, channel)


def _plan_channel(
    con: duckdb.DuckDBPyConnection,
    sub: Subscriber,
    due: list[Alert],
    planned: dict[tuple[str, str], str],
    settings: AlertSettings,
) -> list[Delivery]:
    """The messages for one immediate channel.

    Digests it failed to take before (same id, same members); claims with no named subject together in a digest;
    more than ``storm_threshold`` others in one digest; else one message each.
    """
    earlier: dict[str, list[Alert]] = {}
    single = []
    for d in due:
        key = planned.get((d.alert_id, sub.name))
        if key:
            earlier.setdefault(key, []).append(d)
        else:
            single.append(d)
    plan = [_digest(key, members, sub.name) for key, members in earlier.items()]
    unnamed = [d for d in single if d.kind in DIGEST_ONLY_KINDS]  # an unnamed subject, a firm against itself
    single = [d for d in single if d.kind not in DIGEST_ONLY_KINDS]
    if unnamed:
        plan.append(_new_digest(con, sub.name, unnamed))
    if len(single) > settings.storm_threshold:
        return [*plan, _new_digest(con, sub.name, single)]
    for d in single:
        payload = alert_payload(d)
        payload.update({"priority": bool(d.priority), "kind": d.kind})
        plan.append(Delivery(d.alert_id, (d.alert_id,), _title(d), format_alert(d), payload, sub.name))
    return plan


@dataclass
class DeliveryPlan:
    """What one delivery sends, and which immediate channels want each claimed alert."""

    messages: list[Delivery]
    wanted: dict[str, list[str]]  # alert id -> names of the immediate channels that subscribe to it
    already: set[tuple[str, str]]  # (alert id, channel) pairs accepted before this delivery


def plan_deliveries(
    con: duckdb.DuckDBPyConnection, settings: AlertSettings, subs: Sequence[Subscriber]
) -> DeliveryPlan:
    """Claim the due alerts and group them into messages per immediate channel.

    Writes: the claim, the digests' members, and 'filtered' for alerts no immediate channel subscribes to.
    A channel that already accepted an alert (an earlier delivery failed on another channel) is not sent it again;
    watchlist priority goes first.
    """
    ids = claim_due_alerts(con, settings.max_attempts, settings.lease_seconds)
    if not ids:
        return DeliveryPlan([], {}, set())
    due = alert_details(con, alert_ids=ids)
    due.sort(key=lambda d: (not d.priority, d.created_at))
    rows = channel_deliveries(con, ids)
    already = {(r["alert_id"], r["channel"]) for r in rows if r["status"] == "delivered"}
    planned = {(r["alert_id"], r["channel"]): r["digest_id"] for r in rows if r["status"] == "planned"}
    immediate = [s for s in subs if s.mode == "immediate"]
    wanted = {d.alert_id: [s.name for s in immediate if s.filter.admits(d)] for d in due}
    with transaction(con):
        mark_alerts_filtered(con, [a for a, names in wanted.items() if not names])
    messages: list[Delivery] = []
    for sub in immediate:
        mine = [d for d in due if sub.name in wanted[d.alert_id] and (d.alert_id, sub.name) not in already]
        messages += _plan_channel(con, sub, mine, planned, settings)
    return DeliveryPlan(messages, {a: n for a, n in wanted.items() if n}, already)


def _send(sub: Subscriber, settings: AlertSettings, sleep: Callable[[float], None], delivery: Delivery) -> str | None:
    """One message to one channel, with retries; None on success, else the last error."""
    return _with_retries(sub.channel, settings, sleep, delivery.title, delivery.body, delivery.payload, delivery.key)


ConnectionFactory = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


def _as_subscribers(target: Channel | Sequence[Subscriber]) -> list[Subscriber]:
    """One channel means the default subscription: every alert, immediately."""
    if isinstance(target, Sequence):
        return list(target)
    return [Subscriber(target)]


def deliver_pending(
    connection: ConnectionFactory,
    target: Channel | Sequence[Subscriber],
    settings: AlertSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Send every due alert to each immediate channel whose filter admits it.

    Due: pending, or failed and past its wait, under max attempts.
    ``connection()`` opens the warehouse for a short block; it is called once to claim and plan, once per message
    to record which channel took what, and once to record each alert's outcome, so no connection (and no write
    lock) is held while a channel is on the network. Delivery stays at least once: a crash between sending and
    recording resends after the lease, under the same idempotency key, and only to the channels not recorded.
    """
    subs = _as_subscribers(target)
    by_name = {s.name: s for s in subs}
    with connection() as con:
        plan = plan_deliveries(con, settings, subs)
    accepted = set(plan.already)
    errors: dict[str, list[str]] = {}
    digests = 0
    for delivery in plan.messages:
        sub = by_name[delivery.channel]
        error = _send(sub, settings, sleep, delivery)
        digests += delivery.is_digest
        if error is not None:
            for alert_id in delivery.alert_ids:
                errors.setdefault(alert_id, []).append(f"{sub.name}: {error}" if len(subs) > 1 else error)
            continue
        digest = delivery.key if delivery.is_digest else None
        with connection() as con, transaction(con):
            record_channel_deliveries(con, delivery.alert_ids, sub.name, "delivered", digest)
        accepted.update((a, sub.name) for a in delivery.alert_ids)
    # one write per outcome (delivered or not, channels, error), not one per alert: a storm is hundreds of alerts
    outcomes: dict[tuple[bool, str, str | None], list[str]] = {}
    for alert_id, names in plan.wanted.items():
        label = ", ".join(n if len(subs) > 1 else by_name[n].channel.name for n in names)
        ok = alert_id not in errors and all((alert_id, n) in accepted for n in names)
        error = None if ok else "; ".join(errors.get(alert_id, ["not sent"]))
        outcomes.setdefault((ok, label, error), []).append(alert_id)
    with connection() as con:
        for (ok, label, error), alert_ids in outcomes.items():
            mark_alerts(con, alert_ids, ok, label, error, settings.next_run_backoff_seconds)
    sent = sum(len(ids) for (ok, _, _), ids in outcomes.items() if ok)
    return {"delivered": sent, "failed": len(plan.wanted) - sent, "digests": digests}


def deliver_digests(
    connection: ConnectionFactory,
    subs: Sequence[Subscriber],
    settings: AlertSettings,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Send each digest-mode channel its daily digest when due.

    A digest carries the alerts since the channel's previous digest (at most a day back) that its filter admits
    and it has not accepted: one message per channel. A failed digest is tried again by the next run with the
    alerts due then (its id changes when alerts were added meanwhile).
    """
    now = now or datetime.now(UTC)
    sent = failed = 0
    for sub in subs:
        if sub.mode != "digest" or sub.subscription is None:
            continue
        due_since = sub.subscription.digest_due_since(now)
        with connection() as con:
            last = last_delivery_at(con, sub.name)
            if last is not None and last >= due_since:
                continue  # this period's digest went out
            window = due_since - timedelta(days=1)
            if last is not None:
                window = max(last, window)
            mine = [d for d in alerts_not_delivered_to(con, sub.name, window) if sub.filter.admits(d)]
            if not mine:
                continue
            key = _digest_key(sub.name, mine)
            with transaction(con):
                record_channel_deliveries(con, [d.alert_id for d in mine], sub.name, "planned", key)
        delivery = _digest(key, mine, sub.name)
        error = _send(sub, settings, sleep, delivery)
        if error is None:
            with connection() as con, transaction(con):
                record_channel_deliveries(con, delivery.alert_ids, sub.name, "delivered", key)
            sent += 1
        else:
            failed += 1
    return {"digests_sent": sent, "digests_failed": failed}


def sample_alert(now: datetime | None = None) -> Alert:
    """A made-up alert, plainly marked as a test, in the shape delivery reads (``warehouse.records.Alert``)."""
    now = now or datetime.now(UTC)
    return Alert(
        alert_id=f"test-{now:%Y%m%dT%H%M%S}",
        claim_id="test",
        subject_org="Example Labs",
        subject_model="Example-1",
        subject_group=None,
        relation="parity",
        object_org="Sample AI",
        object_model="Sample-2",
        object_group=None,
        domain="test delivery",
        created_at=now,
        first_seen_at=now,
        claimant="outlet",
        hedged=False,
        first_source="claimwatch alerts test",
        first_url="about:blank",
        sentence="TEST: this is a test message from claimwatch alerts test; no claim was found.",
        first_language="en",
        languages="en",
    )


def send_test_alert(
    subs: Sequence[Subscriber], settings: AlertSettings, sleep: Callable[[float], None] = time.sleep
) -> list[tuple[Subscriber, str | None]]:
    """Send :func:`sample_alert` to every channel (filters and modes aside); each channel with its error or None."""
    d = sample_alert()
    payload = {**alert_payload(d), "test": True, "kind": "test"}
    delivery = Delivery(d.alert_id, (d.alert_id,), "[TEST] " + _title(d), format_alert(d), payload)
    return [(sub, _send(sub, settings, sleep, delivery)) for sub in subs]
