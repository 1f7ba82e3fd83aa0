"""Deliver pending alerts from the outbox: Apprise channels (or stdout + alerts.jsonl), retries, digests.

Delivery is at-least-once by construction (send, then mark delivered); every message carries the alert id
(or, for a digest, the digest id) as an idempotency key so a receiver can drop a repeat after a crash
between sending and marking.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import duckdb
import yaml

from pipelines.alerting import alert_payload, format_alert
from warehouse.load import DUE_ALERTS_WHERE, alert_details, mark_alerts

SETTINGS_FILE = Path(__file__).with_name("alerts.yaml")
HEADER_SCHEMES = ("json://", "jsons://", "form://", "forms://", "xml://", "xmls://")


class DeliveryError(RuntimeError):
    """A channel did not accept a message."""


@dataclass(frozen=True)
class AlertSettings:
    """Settings from ``pipelines/alerts.yaml``."""

    watchlist: tuple[str, ...] = ()
    storm_threshold: int = 10
    max_attempts: int = 6
    retries_in_run: int = 2
    retry_backoff_seconds: float = 1.0
    next_run_backoff_seconds: float = 60.0
    timeout_seconds: float = 10.0

    @classmethod
    def load(cls, path: str | Path | None = None) -> AlertSettings:
        """Read the settings file (the packaged one by default)."""
        data = yaml.safe_load(Path(path or SETTINGS_FILE).read_text(encoding="utf-8")) or {}
        data.pop("version", None)
        data["watchlist"] = tuple(data.get("watchlist") or ())
        return cls(**data)


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


def _with_retries(
    channel: Channel,
    settings: AlertSettings,
    sleep: Callable[[float], None],
    title: str,
    body: str,
    payload: dict[str, Any],
    key: str,
) -> str | None:
    """Send, retrying in this run with backoff; return None on success or the last error."""
    error = None
    for attempt in range(settings.retries_in_run + 1):
        if attempt:
            sleep(settings.retry_backoff_seconds * 2 ** (attempt - 1))
        try:
            channel.send(title, body, payload, key)
            return None
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - any channel failure is recorded on the alert
            error = f"{type(exc).__name__}: {exc}"
    return error


def _title(d: dict[str, Any]) -> str:
    p = alert_payload(d)
    flag = "[PRIORITY] " if d.get("priority") else ""
    change = " (relation changed)" if d.get("kind") == "relation_change" else ""
    return f"{flag}claimwatch: {p['subject']} {p['relation']} {p['object']}{change}"


def deliver_pending(
    con: duckdb.DuckDBPyConnection,
    channel: Channel,
    settings: AlertSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Send every alert that is due (pending, or failed and past its wait, under max attempts)."""
    due = alert_details(con, DUE_ALERTS_WHERE, [settings.max_attempts])
    due.sort(key=lambda d: (not d.get("priority"), d["created_at"]))
    if not due:
        return {"delivered": 0, "failed": 0, "digests": 0}

    if len(due) > settings.storm_threshold:
        ids = sorted(d["alert_id"] for d in due)
        digest_id = "digest-" + hashlib.sha1(",".join(ids).encode()).hexdigest()[:16]
        payloads = [alert_payload(d) for d in due]
        priority = sum(1 for d in due if d.get("priority"))
        title = f"claimwatch: {len(due)} new claims" + (f" ({priority} priority)" if priority else "")
        body = "\n\n".join(format_alert(d) for d in due)
        payload = {"digest_id": digest_id, "idempotency_key": digest_id, "alert_ids": ids, "alerts": payloads}
        error = _with_retries(channel, settings, sleep, title, body, payload, digest_id)
        mark_alerts(
            con,
            ids,
            error is None,
            "digest:" + channel.name,
            error,
            settings.next_run_backoff_seconds,
            digest_id if error is None else None,
        )
        return {"delivered": 0 if error else len(due), "failed": len(due) if error else 0, "digests": 1}
    sent = failed = 0
    for d in due:
        payload = alert_payload(d)
        payload.update({"priority": bool(d.get("priority")), "kind": d.get("kind")})
        error = _with_retries(channel, settings, sleep, _title(d), format_alert(d), payload, d["alert_id"])
        mark_alerts(con, [d["alert_id"]], error is None, channel.name, error, settings.next_run_backoff_seconds)
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return {"delivered": sent, "failed": failed, "digests": 0}
