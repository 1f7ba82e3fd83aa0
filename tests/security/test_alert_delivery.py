"""Issue item 5 (and 10's double alerts): delivery holds no lock on the network, is bounded, keeps digest ids."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from pipelines.delivery import AlertSettings, AppriseChannel, deliver_pending
from tests.test_alerts import CLAIMS, FAST, seed, statuses
from tests.webhook_receiver import WebhookReceiver
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


PATIENT = AlertSettings(**{**FAST.__dict__, "attempt_timeout_seconds": 15.0})


def _deliver(db: Path, channel: AppriseChannel, settings: AlertSettings) -> dict[str, int]:
    return deliver_pending(lambda: closing(connect(db)), channel, settings, sleep=lambda s: None)


def _open_from_another_process(db: Path) -> subprocess.CompletedProcess:
    code = f"from warehouse.db import connect; connect({str(db)!r}, read_only=True, wait_seconds=0.5).close()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_stalled_webhook_does_not_hold_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    with WebhookReceiver(slow_seconds=4.0) as rx:
        out: dict = {}
        worker = threading.Thread(
            target=lambda: out.update(_deliver(db, AppriseChannel([rx.url("slow-once")], 10.0), PATIENT))
        )
        worker.start()
        time.sleep(1.5)  # the POST is stalled at the receiver now
        assert worker.is_alive()
        reader = _open_from_another_process(db)
        worker.join(30)
    assert reader.returncode == 0, reader.stderr[-500:]
    assert out["delivered"] == 1


def test_each_attempt_is_bounded_and_a_timeout_is_not_retried_in_the_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    bounded = AlertSettings(**{**FAST.__dict__, "attempt_timeout_seconds": 1.0, "retries_in_run": 2})
    with WebhookReceiver(slow_seconds=3.0) as rx:
        started = time.monotonic()
        assert _deliver(db, AppriseChannel([rx.url("slow-once")], 10.0), bounded)["failed"] == 1
        took = time.monotonic() - started
        time.sleep(2.5)  # the abandoned POST completes at the receiver
    assert took < 2.5
    assert len(rx.posts) == 1  # one copy, not one per in-run retry
    con = connect(db, read_only=True)
    assert "no answer within 1s" in con.execute("SELECT last_error FROM alerts").fetchall()[0][0]
    con.close()


def test_a_failed_digest_is_resent_under_the_same_id_with_the_same_members(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    firms = ["Alibaba", "Baidu", "Tencent", "ByteDance", "MiniMax", "StepFun", "Moonshot AI", "DeepSeek"]
    firms += ["Mistral AI", "Cohere", "xAI", "Meta"]
    seed(db, [(f, None, "parity", "OpenAI", None, False) for f in firms], day=1)
    dead = AppriseChannel(["json://127.0.0.1:9/hook"], 0.5)
    assert _deliver(db, dead, FAST) == {"delivered": 0, "failed": 12, "digests": 1}
    [first_id] = {r[5] for r in statuses(db)}
    seed(db, [("Zhipu AI", None, "surpass", "Anthropic", None, False)], day=2)  # a new alert arrives meanwhile
    with WebhookReceiver() as rx:
        assert _deliver(db, AppriseChannel([rx.url("ok")], 1.0), FAST) == {"delivered": 13, "failed": 0, "digests": 1}
    digests = [p for p in rx.posts if p["key"].startswith("digest-")]
    assert [p["key"] for p in digests] == [first_id]
    assert len(json.loads(digests[0]["body"]["message"])["alert_ids"]) == 12
    assert len(rx.posts) == 2  # the digest again, and the new alert on its own


def test_a_concurrent_delivery_does_not_send_alerts_already_being_sent(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS)
    with WebhookReceiver(slow_seconds=2.0) as rx:
        first: dict = {}
        worker = threading.Thread(
            target=lambda: first.update(_deliver(db, AppriseChannel([rx.url("slow-once")], 10.0), PATIENT))
        )
        worker.start()
        time.sleep(0.8)
        second = _deliver(db, AppriseChannel([rx.url("slow-once")], 10.0), PATIENT)
        worker.join(30)
    assert second == {"delivered": 0, "failed": 0, "digests": 0}
    assert first["delivered"] == 3
    assert sorted(p["key"] for p in rx.posts) == sorted(r[0] for r in statuses(db))
