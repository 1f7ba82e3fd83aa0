"""Alert delivery: outbox rows, Apprise webhooks on loopback, retries, timeouts, storms, watchlist, exactly once."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.articles import load_articles
from pipelines.delivery import AlertSettings, AppriseChannel, LogChannel, deliver_pending
from tests.conftest import stated_mention, stored_article
from tests.webhook_receiver import WebhookReceiver
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import load_mentions
from warehouse.db import connect
from warehouse.rows import sha1

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


FAST = AlertSettings(
    watchlist=("Anthropic",),
    storm_threshold=10,
    max_attempts=5,
    retries_in_run=2,
    retry_backoff_seconds=0.01,
    next_run_backoff_seconds=0.0,
    timeout_seconds=1.0,
)


def seed(db, claims, day=1, claimants=None):
    """Claims as (subject_org, subject_model, relation, object_org, object_model, negated); one article each.

    ``claimants`` maps a claim's index to its (claimant, claimant_name); the rest are the outlet's word.
    """
    claimants = claimants or {}
    con = connect(db)
    for n, (so, sm, rel, oo, om, neg) in enumerate(claims):
        aid = f"a{day}-{n}"
        when = datetime(2026, 9, day, tzinfo=UTC) + timedelta(minutes=n)
        load_articles(
            con,
            [],
            [stored_article(aid, f"https://n.example/{aid}", f"outlet{n % 3}", when)],
        )
        key = f"{so}|{sm}|{rel}|{oo}|{om}|{neg}"
        load_mentions(
            con,
            [aid],
            [
                stated_mention(
                    aid,
                    sha1(key),
                    (so, sm),
                    rel,
                    (oo, om),
                    mention_id=f"m{aid}",
                    negated=neg,
                    claimant=claimants.get(n, ("outlet", None))[0],
                    claimant_name=claimants.get(n, ("outlet", None))[1],
                )
            ],
            "v1",
        )
    counts = refresh_claims_and_outbox(con, f"run-{day}", FAST.alert_rules())
    con.close()
    return counts


def statuses(db):
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT alert_id, status, attempts, priority, kind, digest_id FROM alerts ORDER BY alert_id"
        ).fetchall()
    finally:
        con.close()


def deliver(db, channel, settings=FAST):
    return deliver_pending(lambda: closing(connect(db)), channel, settings, sleep=lambda s: None)


CLAIMS = [
    ("Zhipu AI", "GLM-5.2", "surpass", "Anthropic", "Claude Opus 4", False),
    ("DeepSeek", "DeepSeek-R2", "parity", "OpenAI", "o3", False),
    ("Alibaba", "Qwen3", "surpass", "Meta", "Llama 4", False),
    ("Baidu", None, "parity", "OpenAI", None, True),
]  # negated: no alert


def test_outbox_rows_written_with_the_claims(tmp_path):
    counts = seed(tmp_path / "w.duckdb", CLAIMS)
    assert counts["alerts_new"] == 3
    rows = statuses(tmp_path / "w.duckdb")
    assert [r[1] for r in rows] == ["pending"] * 3
    assert sorted(r[3] for r in rows) == [False, False, True]  # the Anthropic claim is on the watchlist


def test_webhook_delivery_exactly_once(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS)
    with WebhookReceiver() as rx:
        assert deliver(db, AppriseChannel([rx.url("ok")], FAST.timeout_seconds)) == {
            "delivered": 3,
            "failed": 0,
            "digests": 0,
        }
        assert deliver(db, AppriseChannel([rx.url("ok")], FAST.timeout_seconds))["delivered"] == 0
    ids = {r[0] for r in statuses(db)}
    assert [p["status"] for p in rx.posts] == [200, 200, 200]
    assert {p["key"] for p in rx.posts} == ids
    for p in rx.posts:
        payload = json.loads(p["body"]["message"])  # Apprise's json:// wraps our payload as the message
        assert payload["idempotency_key"] == payload["alert_id"] == p["key"]
        assert payload["evidence"] and payload["first_url"].startswith("https://n.example/")
    assert rx.posts[0]["body"]["title"].startswith("[PRIORITY]")  # watchlisted alert goes first


def test_500_then_success_is_retried_within_the_run(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS)
    with WebhookReceiver() as rx:
        assert deliver(db, AppriseChannel([rx.url("fail-once")], 1.0))["delivered"] == 3
    assert [p["status"] for p in rx.posts].count(500) == 3
    assert rx.seen_once() == {r[0]: 1 for r in statuses(db)}
    assert len(rx.accepted) == 3  # each alert accepted exactly once
    assert {r[1] for r in statuses(db)} == {"delivered"}


def test_timeout_is_recorded_and_the_next_run_delivers(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    no_retry = AlertSettings(**{**FAST.__dict__, "retries_in_run": 0})
    with WebhookReceiver(slow_seconds=2.5) as rx:
        first = deliver(db, AppriseChannel([rx.url("slow-once")], 1.0), no_retry)
        assert first == {"delivered": 0, "failed": 1, "digests": 0}
        [(alert_id, status, attempts, *_)] = statuses(db)
        assert (status, attempts) == ("failed", 1)
        second = deliver(db, AppriseChannel([rx.url("slow-once")], 1.0), no_retry)
        assert second["delivered"] == 1
        import time

        time.sleep(2.0)  # let the stalled first request finish on the server side
    # the stalled POST may still have been accepted: the receiver drops the repeat by its key
    assert rx.seen_once() == {alert_id: 1}
    assert {p["key"] for p in rx.accepted} == {alert_id}


def test_failures_stop_after_max_attempts(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    dead = AppriseChannel(["json://127.0.0.1:9/hook"], 0.5)  # nothing listens on port 9
    settings = AlertSettings(**{**FAST.__dict__, "max_attempts": 2, "retries_in_run": 0})
    assert deliver(db, dead, settings)["failed"] == 1
    assert deliver(db, dead, settings)["failed"] == 1
    assert deliver(db, dead, settings) == {"delivered": 0, "failed": 0, "digests": 0}
    con = connect(db, read_only=True)
    assert con.execute("SELECT status, attempts, last_error IS NOT NULL FROM alerts").fetchall() == [
        ("failed", 2, True)
    ]
    con.close()


def test_a_storm_becomes_one_digest(tmp_path):
    db = tmp_path / "w.duckdb"
    firms = [
        "Alibaba",
        "Baidu",
        "Tencent",
        "ByteDance",
        "MiniMax",
        "StepFun",
        "Moonshot AI",
        "DeepSeek",
        "Mistral AI",
        "Cohere",
        "xAI",
        "Meta",
    ]
    seed(db, [(f, None, "parity", "OpenAI", None, False) for f in firms])
    with WebhookReceiver() as rx:
        assert deliver(db, AppriseChannel([rx.url("ok")], 1.0)) == {"delivered": 12, "failed": 0, "digests": 1}
    [post] = rx.posts
    digest = json.loads(post["body"]["message"])
    assert post["key"] == digest["digest_id"] and len(digest["alert_ids"]) == 12
    assert "12 new claims" in post["body"]["title"]
    assert {r[5] for r in statuses(db)} == {digest["digest_id"]}


def test_relation_change_gets_its_own_alert(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, [("Zhipu AI", None, "parity", "Anthropic", None, False)], day=1)
    seed(db, [("Zhipu AI", None, "surpass", "Anthropic", None, False)], day=2)
    kinds = sorted((r[4]) for r in statuses(db))
    assert kinds == ["new", "relation_change"]


def test_log_channel_when_nothing_is_configured(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    assert deliver(db, LogChannel(tmp_path / "alerts.jsonl"))["delivered"] == 1
    assert "[SURPASS] Zhipu AI / GLM-5.2 beats Anthropic / Claude Opus 4" in capsys.readouterr().out
    [row] = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert row["idempotency_key"] == row["alert_id"]


@pytest.mark.parametrize("mode", ["ok", "fail-once"])
def test_pipeline_reruns_send_each_alert_exactly_once(sample_site, tmp_path, mode):
    from pipelines.cli import demo_sources
    from pipelines.run import run_pipeline
    from tests.conftest import write_sources

    sources = write_sources(tmp_path / "s.yaml", demo_sources(sample_site.base_url))
    with WebhookReceiver() as rx:
        first = run_pipeline(sources, tmp_path / "w.duckdb", tmp_path / "a.jsonl", alert_urls=rx.url(mode))
        second = run_pipeline(sources, tmp_path / "w.duckdb", tmp_path / "a.jsonl", alert_urls=rx.url(mode))
    assert first.success and second.success and first.alerts_new and not second.alerts_new
    assert len(rx.accepted) == len(first.alerts_new) == len(rx.seen_once())
    assert not (tmp_path / "a.jsonl").exists()  # a configured channel replaces the file channel


def test_a_run_whose_alerts_no_channel_accepts_says_so_and_fails(sample_site, tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import demo_sources, main
    from tests.conftest import write_sources

    sources = write_sources(tmp_path / "s.yaml", demo_sources(sample_site.base_url))
    env = {"CLAIMWATCH_ALERT_URLS": "json://127.0.0.1:9/hook"}  # nothing listens on port 9
    r = CliRunner(env=env).invoke(main, ["run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")])
    assert r.exit_code == 1, r.output
    assert "NOT delivered" in r.output and "were not delivered" in r.output
    assert "0 delivered" in r.output.split("new alerts:", 1)[1].splitlines()[0]
