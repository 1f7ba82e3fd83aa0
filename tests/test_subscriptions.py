"""Subscriptions: per-channel filters and modes, per-channel delivery state, daily digests, `claimwatch alerts test`."""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.delivery import deliver_digests, deliver_pending, subscribers
from pipelines.settings import SettingsError
from pipelines.subscriptions import ChannelFilter, Subscriptions
from tests.test_alerts import FAST, seed
from tests.webhook_receiver import WebhookReceiver
from warehouse.db import connect
from warehouse.records import Alert

CLAIMS = [
    ("Zhipu AI", "GLM-5.2", "surpass", "Anthropic", "Claude Opus 4", False),  # 0: third party (below)
    ("DeepSeek", "DeepSeek-R2", "parity", "OpenAI", "o3", False),  # 1: the outlet's word
    ("Alibaba", "Qwen3", "parity", "Anthropic", "Claude Sonnet 4", False),  # 2: the outlet's word
]
THIRD_PARTY = {0: ("third_party", "Semgrep")}
LOOPBACK = "allow_private_networks: true  # the test receiver listens on 127.0.0.1\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def subs_for(path: Path, tmp_path: Path) -> list:
    return subscribers(Subscriptions.load(path), "", tmp_path / "alerts.jsonl", False, 1.0)


def deliver(db: Path, subs: list) -> dict[str, int]:
    return deliver_pending(lambda: closing(connect(db)), subs, FAST, sleep=lambda s: None)


def statuses(db: Path) -> dict[str, str]:
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT c.subject_org, al.status FROM alerts al JOIN claims c USING (claim_id) ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def alert_row(**kw: Any) -> Alert:
    now = datetime.now(UTC)
    alert = Alert("a1", "c1", "Zhipu AI", "GLM-5.2", None, "surpass", "Anthropic", "Claude Opus 4", None,
                  "vulnerability detection", now, now, kind="new", story_claimant="self")  # fmt: skip
    return replace(alert, **kw)


@pytest.mark.parametrize(
    ("flt", "row", "admitted"),
    [
        (ChannelFilter(), alert_row(), True),
        (ChannelFilter(firms=("anthropic",)), alert_row(), True),  # either side, any case
        (ChannelFilter(firms=("OpenAI",)), alert_row(), False),
        (ChannelFilter(models=("Claude",)), alert_row(), True),  # a family names its versions
        (ChannelFilter(models=("Claud",)), alert_row(), False),  # not a prefix of a word
        (ChannelFilter(firms=("OpenAI",), models=("GLM",)), alert_row(), True),  # firms or models name a side
        (ChannelFilter(domains=("Vulnerability detection",)), alert_row(), True),
        (ChannelFilter(domains=("coding",)), alert_row(), False),
        (ChannelFilter(relations=("parity",)), alert_row(), False),
        (ChannelFilter(kinds=("confirmed", "disputed")), alert_row(), False),
        (ChannelFilter(min_claimant="self"), alert_row(), True),
        (ChannelFilter(min_claimant="third_party"), alert_row(), False),
        (ChannelFilter(min_claimant="third_party"), alert_row(story_claimant="third_party"), True),
        (ChannelFilter(min_claimant="self"), alert_row(story_claimant=None, claimant=None), False),  # unknown: outlet
    ],
)
def test_filter(flt: ChannelFilter, row: Alert, admitted: bool) -> None:
    assert flt.admits(row) is admitted


def test_a_channel_filter_holds_back_what_it_should(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS, claimants=THIRD_PARTY)
    with WebhookReceiver() as rx:
        path = write(
            tmp_path,
            f"""version: 1
{LOOPBACK}channels:
  - name: anthropic-desk
    url: {rx.url("anthropic")}
    filter: {{firms: [Anthropic], relations: [surpass], min_claimant: third_party}}
  - name: everything
    url: {rx.url("all")}
""",
        )
        counts = deliver(db, subs_for(path, tmp_path))
    desk = [p["body"] for p in rx.accepted if p["path"] == "/hook/anthropic"]
    everything = [p["body"] for p in rx.accepted if p["path"] == "/hook/all"]
    assert counts == {"delivered": 3, "failed": 0, "digests": 0}
    assert [json.loads(b["message"])["subject_org"] for b in desk] == ["Zhipu AI"]
    assert sorted(json.loads(b["message"])["subject_org"] for b in everything) == ["Alibaba", "DeepSeek", "Zhipu AI"]


def test_an_alert_no_immediate_channel_wants_is_filtered_not_failed(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS, claimants=THIRD_PARTY)
    with WebhookReceiver() as rx:
        path = write(
            tmp_path,
            f"""{LOOPBACK}channels:
  - name: openai-only
    url: {rx.url("ok")}
    filter: {{firms: [OpenAI]}}
""",
        )
        assert deliver(db, subs_for(path, tmp_path)) == {"delivered": 1, "failed": 0, "digests": 0}
        assert deliver(db, subs_for(path, tmp_path)) == {"delivered": 0, "failed": 0, "digests": 0}
    assert statuses(db) == {"Alibaba": "filtered", "DeepSeek": "delivered", "Zhipu AI": "filtered"}
    assert len(rx.accepted) == 1


def test_a_retry_goes_only_to_the_channel_that_failed(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    with WebhookReceiver() as rx:
        path = write(
            tmp_path,
            f"""{LOOPBACK}channels:
  - {{name: steady, url: "{rx.url("ok")}"}}
  - {{name: flaky, url: "{rx.url("down")}"}}
""",
        )
        assert deliver(db, subs_for(path, tmp_path)) == {"delivered": 0, "failed": 1, "digests": 0}
        assert statuses(db) == {"Zhipu AI": "failed"}
        path.write_text(path.read_text().replace("/hook/down", "/hook/second"), encoding="utf-8")
        assert deliver(db, subs_for(path, tmp_path)) == {"delivered": 1, "failed": 0, "digests": 0}
    steady = [p for p in rx.accepted if p["path"] == "/hook/ok"]
    flaky = [p for p in rx.posts if "down" in p["path"] or "second" in p["path"]]
    assert len(steady) == 1  # not sent again when the other channel was retried
    assert [p["status"] for p in flaky] == [500, 500, 500, 200]  # three tries in the first run, one in the second
    assert len({p["key"] for p in rx.posts}) == 1  # one idempotency key throughout
    assert statuses(db) == {"Zhipu AI": "delivered"}


def test_a_digest_channel_gets_one_message_a_day(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS, claimants=THIRD_PARTY)
    with WebhookReceiver() as rx:
        path = write(
            tmp_path,
            f"""{LOOPBACK}channels:
  - name: morning
    url: {rx.url("ok")}
    mode: digest
    digest_at: "07:30"
    filter: {{firms: [Anthropic]}}
""",
        )
        subs = subs_for(path, tmp_path)
        assert deliver(db, subs) == {"delivered": 0, "failed": 0, "digests": 0}  # nothing immediate
        now = datetime.now(UTC)
        run = lambda when: deliver_digests(lambda: closing(connect(db)), subs, FAST, now=when, sleep=lambda s: None)  # noqa: E731
        assert run(now) == {"digests_sent": 1, "digests_failed": 0}
        assert run(now + timedelta(minutes=5)) == {"digests_sent": 0, "digests_failed": 0}  # this period's went out
        assert run(now + timedelta(days=1)) == {"digests_sent": 0, "digests_failed": 0}  # nothing new since
    [post] = rx.accepted
    digest = json.loads(post["body"]["message"])
    assert post["key"] == digest["digest_id"]
    assert sorted(a["subject_org"] for a in digest["alerts"]) == ["Alibaba", "Zhipu AI"]


def test_digest_time_of_day(tmp_path):
    path = write(tmp_path, 'channels:\n  - {name: d, log_file: d.jsonl, mode: digest, digest_at: "07:30"}\n')
    [sub] = Subscriptions.load(path).channels
    assert sub.digest_due_since(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
    assert sub.digest_due_since(datetime(2026, 12, 2, 7, 0, tzinfo=UTC)) == datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("channels:\n  - {name: a, url_env: CLAIMWATCH_TEST_UNSET_URL}\n", "CLAIMWATCH_TEST_UNSET_URL is not set"),
        ("channels:\n  - {name: a, url: 'json://x', log_file: a.jsonl}\n", "exactly one of url_env, url, log_file"),
        ("channels:\n  - {name: a, log_file: a.jsonl, mdoe: digest}\n", "mdoe"),
        ("channels:\n  - {name: a, log_file: a.jsonl}\n  - {name: a, log_file: b.jsonl}\n", "unique: a"),
        ("channels:\n  - {name: a, log_file: a.jsonl, filter: {relations: [beats]}}\n", "relations"),
        ("channels:\n  - {name: a, log_file: a.jsonl, mode: digest, digest_at: '25:00'}\n", "HH:MM"),
        ("chanels: []\n", "did you mean 'channels'"),
    ],
)
def test_bad_subscriptions_are_named(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError, match=message):
        subs_for(path, tmp_path)


@pytest.mark.integration
def test_alerts_test_sends_a_sample_to_every_channel_and_says_which_failed(tmp_path, monkeypatch):
    with WebhookReceiver() as rx:
        monkeypatch.setenv("CLAIMWATCH_TEST_DESK_URL", rx.url("ok"))
        path = write(
            tmp_path,
            f"""{LOOPBACK}channels:
  - {{name: desk, url_env: CLAIMWATCH_TEST_DESK_URL, filter: {{firms: [Nobody]}}}}
  - {{name: brief, log_file: "{tmp_path / "brief.jsonl"}", mode: digest}}
""",
        )
        ok = CliRunner().invoke(main, ["alerts", "test", "--subscriptions", str(path)])
        broken = write(tmp_path, f'{LOOPBACK}channels:\n  - {{name: down, url: "{rx.url("down")}"}}\n')
        bad = CliRunner().invoke(main, ["alerts", "test", "--subscriptions", str(broken)])
    assert ok.exit_code == 0, ok.output
    assert "desk (immediate, apprise): accepted" in ok.output and "brief (digest, stdout+file): accepted" in ok.output
    [post] = [p for p in rx.accepted]
    assert json.loads(post["body"]["message"])["test"] is True  # sent whatever the channel's filter
    assert json.loads((tmp_path / "brief.jsonl").read_text())["test"] is True
    assert bad.exit_code == 1 and "down (immediate, apprise): NOT accepted" in bad.output
    assert "1 of 1 channel(s) did not accept" in bad.output


@pytest.mark.integration
def test_a_run_delivers_through_the_subscriptions_file(sample_site, tmp_path, monkeypatch):
    """The whole pipeline over the sample site: each channel of CLAIMWATCH_SUBSCRIPTIONS gets what it asked for."""
    from pipelines.cli import demo_sources
    from pipelines.run import run_pipeline
    from tests.conftest import write_sources

    sources = write_sources(tmp_path / "s.yaml", demo_sources(sample_site.base_url))
    path = write(
        tmp_path,
        f"""channels:
  - {{name: all, log_file: "{tmp_path / "all.jsonl"}"}}
  - {{name: none, log_file: "{tmp_path / "none.jsonl"}", filter: {{firms: [Nobody Inc]}}}}
""",
    )
    monkeypatch.setenv("CLAIMWATCH_SUBSCRIPTIONS", str(path))
    summary = run_pipeline(sources, tmp_path / "w.duckdb", tmp_path / "a.jsonl", alert_urls="")
    assert summary.success and summary.alerts_new and not summary.undelivered
    sent = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert {a["alert_id"] for a in sent} == {d.alert_id for d in summary.alerts_new}
    assert not (tmp_path / "none.jsonl").exists() and not (tmp_path / "a.jsonl").exists()


def test_the_example_file_loads(monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_SECURITY_DESK_URL", "json://127.0.0.1:9/desk")
    monkeypatch.setenv("CLAIMWATCH_BRIEF_URL", "json://127.0.0.1:9/brief")
    path = Path(__file__).parent.parent / "subscriptions.example.yaml"
    subs = subscribers(Subscriptions.load(path), "", "alerts.jsonl", False, 1.0)
    assert [(s.name, s.mode) for s in subs] == [("security-desk", "immediate"), ("morning-brief", "digest")]
    assert subs[0].filter.min_claimant == "third_party"
