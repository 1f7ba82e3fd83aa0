"""Continuous feed polling: learned intervals, conditional GET, robots, Retry-After, and the sensor's small runs."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import SAMPLE_SITE
from pipelines.freshness import poll_once
from pipelines.resources import CrawlerResource
from spiders.feed_polling import FeedPoller, PollSettings, PollState, learned_interval
from spiders.loopback_server import LoopbackSite
from tests.conftest import write_sources
from tests.fault_server import FaultServer

FAST = PollSettings(min_interval=30, max_interval=3600, first_interval=60, interval_factor=0.25)
GEMINI = "northgate-post/2026/09/researchers-say-gemini-trails-claude-at-finding-software-flaws.html"
QWEN = "northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(60.0, 30.0), (600.0, 150.0), (6 * 3600.0, 3600.0)],  # a wire hits the floor, a blog the ceiling
)
def test_interval_follows_the_publishing_rate(gap, expected):
    now = 1_000_000.0
    dates = [now - gap * k for k in range(10, 0, -1)]
    assert learned_interval(dates, now, FAST) == pytest.approx(expected)


def test_a_feed_gone_quiet_slows_down():
    now = 1_000_000.0
    busy_then_silent = [now - 86400 - 60 * k for k in range(5)]  # five items a minute apart, a day ago
    assert learned_interval(busy_then_silent, now, FAST) > 60 * 60 * 0.5 * 0.25


@pytest.fixture
def site(tmp_path: Path):
    """A one-outlet copy of the sample site whose feed starts with one of its two stories."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE / "northgate-post", root / "northgate-post")
    shutil.copy(SAMPLE_SITE / "robots.txt", root / "robots.txt")
    feed = root / "northgate-post" / "feed.xml"
    full = feed.read_text(encoding="utf-8")
    start = full.index("<entry><title>Benchmark lab")
    end = full.index("</entry>", start) + len("</entry>")
    feed.write_text(full[:start] + full[end:], encoding="utf-8")
    with LoopbackSite(root) as server:
        server.full_feed = full  # type: ignore[attr-defined]
        server.feed_path = feed  # type: ignore[attr-defined]
        yield server


def sources_for(tmp_path: Path, base_url: str, polling: dict | None = None) -> Path:
    crawl = {"download_delay": 0.0, "autothrottle_start_delay": 0.0, "polling": polling or {}}
    data = {
        "allow_private_networks": True,
        "crawl": crawl,
        "sources": [{"name": "northgate", "feed": f"{base_url}/northgate-post/feed.xml"}],
    }
    return write_sources(tmp_path / "sources.yaml", data)


def test_conditional_get_new_items_and_intervals(site, tmp_path):
    crawler = CrawlerResource(sources_file=str(sources_for(tmp_path, site.base_url)))
    t0 = time.time()
    new, [first] = poll_once(crawler, now=t0)
    assert (first.status, new) == (200, {})  # the first poll learns the feed's history; nothing is new
    new, [second] = poll_once(crawler, now=t0 + 3600)
    assert (second.status, new) == (304, {})  # unchanged: one conditional GET answered 304
    site.feed_path.write_text(site.full_feed, encoding="utf-8")
    new, [third] = poll_once(crawler, now=t0 + 7200)
    assert third.status == 200 and new == {"northgate": [f"{site.base_url}/{QWEN}"]}
    new, _ = poll_once(crawler, now=t0 + 7200)  # not due again yet: no request
    assert new == {}
    state = PollState.load(crawler.poll_state_path())
    [feed] = state.feeds.values()
    assert (feed.polls, feed.not_modified) == (3, 1)
    assert feed.next_due > t0 + 7200
    assert site.hits["/robots.txt"] == 1  # cached for hours, not fetched per poll
    assert site.hits["/northgate-post/feed.xml"] == 3


def test_a_feed_empty_at_its_first_poll_reports_its_first_items(site, tmp_path):
    """Found by the 10,000-feed benchmark: a quiet feed with no item yet took its first item for history."""
    import re

    crawler = CrawlerResource(sources_file=str(sources_for(tmp_path, site.base_url)))
    site.feed_path.write_text(re.sub(r"<entry>.*?</entry>", "", site.full_feed, flags=re.S), encoding="utf-8")
    t0 = time.time()
    new, [first] = poll_once(crawler, now=t0)
    assert (first.status, new) == (200, {})
    site.feed_path.write_text(site.full_feed, encoding="utf-8")
    new, [second] = poll_once(crawler, now=t0 + 3600)
    assert second.status == 200 and len(new["northgate"]) == site.full_feed.count("<entry>") >= 2


def test_robots_retry_after_and_private_networks(tmp_path):
    with FaultServer(robots_status=200) as faults:
        state = PollState()
        state.sync(
            [("limited", "feed", f"{faults.base_url}/faults/429"), ("private", "feed", "http://10.0.0.1/feed.xml")],
            FAST,
        )
        poller = FeedPoller(FAST, "claimwatch-test", allow_private_networks=False, allow_networks=("127.0.0.0/8",))
        now = time.time()
        results = {r.source: r for r in poller.tick(state, now)}
        poller.close()
    assert results["limited"].status == 429 and "HTTP 429" in (results["limited"].error or "")
    assert state.feeds[f"{faults.base_url}/faults/429"].next_due >= now + 60  # backoff at least its interval
    assert "private_address" in (results["private"].error or "")  # refused before any request
    disallowed = PollState()
    with LoopbackSite(SAMPLE_SITE) as site:
        disallowed.sync([("hidden", "feed", f"{site.base_url}/private/feed.xml")], FAST)
        poller = FeedPoller(FAST, "claimwatch-test", allow_private_networks=True)
        [r] = poller.tick(disallowed)
        poller.close()
        assert "robots.txt disallows" in (r.error or "") and site.hits["/private/feed.xml"] == 0


@pytest.mark.integration
def test_the_sensor_starts_a_small_run_that_alerts(site, tmp_path):
    """New URL in a feed -> one run request scoped to it -> the run crawls just that page and alerts its story."""
    from pipelines.assets import ALL_ASSETS
    from pipelines.checks import ALL_CHECKS
    from pipelines.definitions import build_resources, defs
    from pipelines.jobs import crawl_job

    feed_poll_sensor = defs.resolve_sensor_def("feed_poll_sensor")

    sources = sources_for(tmp_path, site.base_url)
    crawler = CrawlerResource(sources_file=str(sources))
    instance = dg.DagsterInstance.ephemeral()
    first = feed_poll_sensor(dg.build_sensor_context(cursor=None, resources={"crawler": crawler}, instance=instance))
    assert isinstance(first, dg.SensorResult) and not first.run_requests and first.cursor == "1"
    site.feed_path.write_text(site.full_feed, encoding="utf-8")
    state = PollState.load(crawler.poll_state_path())
    for feed in state.feeds.values():
        feed.next_due = 0  # due now
    state.save(crawler.poll_state_path())
    result = feed_poll_sensor(
        dg.build_sensor_context(cursor=first.cursor, resources={"crawler": crawler}, instance=instance)
    )
    [request] = result.run_requests
    assert result.cursor == "2"
    assert request.run_config["ops"]["raw_pages"]["config"]["new_urls"] == {"northgate": [f"{site.base_url}/{QWEN}"]}

    db = tmp_path / "w.duckdb"
    defs = dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[crawl_job],
        resources=build_resources(str(db), str(sources), str(tmp_path / "a.jsonl"), False, ""),
    )
    run = defs.resolve_job_def("crawl_job").execute_in_process(run_config=request.run_config, tags=request.tags)
    assert run.success
    con = duckdb.connect(str(db), read_only=True)
    try:
        fetched = {r[0] for r in con.execute("SELECT url FROM raw_pages").fetchall()}
        stories = con.execute("SELECT story_key, kind FROM alerts").fetchall()
    finally:
        con.close()
    assert fetched == {f"{site.base_url}/{QWEN}"}  # the feed and the older story are not fetched again
    assert stories == [("Alibaba | Meta", "new")]


def test_new_urls_wait_while_a_fresh_run_is_queued(site, tmp_path):
    """A bounded queue: while a fresh run waits to start, new URLs are held and go out together afterwards."""
    import uuid

    from pipelines.definitions import defs
    from pipelines.freshness import FRESH_TAG

    feed_poll_sensor = defs.resolve_sensor_def("feed_poll_sensor")

    crawler = CrawlerResource(sources_file=str(sources_for(tmp_path, site.base_url)))
    instance = dg.DagsterInstance.ephemeral()

    def tick(cursor):
        return feed_poll_sensor(
            dg.build_sensor_context(cursor=cursor, resources={"crawler": crawler}, instance=instance)
        )

    first = tick(None)
    site.feed_path.write_text(site.full_feed, encoding="utf-8")
    state = PollState.load(crawler.poll_state_path())
    for feed in state.feeds.values():
        feed.next_due = 0
    state.save(crawler.poll_state_path())
    queued = dg.DagsterRun(
        job_name="crawl_job",
        run_id=str(uuid.uuid4()),
        status=dg.DagsterRunStatus.NOT_STARTED,
        tags={FRESH_TAG: "fresh"},
    )
    instance.add_run(queued)
    held = tick(first.cursor)
    assert not held.run_requests and "held for the next run" in held.skip_reason.skip_message
    assert PollState.load(crawler.poll_state_path()).pending == {"northgate": [f"{site.base_url}/{QWEN}"]}
    instance.delete_run(queued.run_id)
    released = tick(held.cursor)  # nothing is due; the held URL goes out now
    [request] = released.run_requests
    assert request.run_config["ops"]["raw_pages"]["config"]["new_urls"] == {"northgate": [f"{site.base_url}/{QWEN}"]}
    assert PollState.load(crawler.poll_state_path()).pending == {}


def test_fresh_runs_are_a_gap_apart_and_a_queued_run_holds_new_urls():
    """Issue 27: one run per tick that found something was ~6 CPU-s each; under load URLs now share runs."""
    import uuid

    from pipelines.freshness import FRESH_TAG, held_back

    instance = dg.DagsterInstance.ephemeral()
    assert held_back(instance, "crawl_job", 20, time.time()) is None  # no run yet
    run = dg.DagsterRun(job_name="crawl_job", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED,
                        tags={FRESH_TAG: "fresh"})  # fmt: skip
    instance.add_run(run)
    reason = held_back(instance, "crawl_job", 20, time.time())
    assert reason is not None and "runs are 20s apart" in reason
    assert held_back(instance, "crawl_job", 20, time.time() + 21) is None  # the gap has passed
    assert held_back(instance, "crawl_job", 0, time.time()) is None  # no gap asked for
    assert held_back(instance, "other_job", 20, time.time()) is None  # another job's runs do not count
    waiting = dg.DagsterRunStatus.NOT_STARTED
    instance.add_run(
        dg.DagsterRun(job_name="crawl_job", run_id=str(uuid.uuid4()), status=waiting, tags={FRESH_TAG: "fresh"})
    )
    reason = held_back(instance, "crawl_job", 0, time.time() + 100)
    assert reason is not None and "1 fresh run waiting to start" in reason


def test_the_poll_state_a_tick_saved_is_reused_until_the_file_changes(tmp_path):
    path = tmp_path / "s.poll-state.json"
    state = PollState()
    state.sync([("a", "feed", "http://127.0.0.1:1/a.xml")], PollSettings())
    state.save(path)
    again = PollState.load(path)
    assert again is state  # the file is as this process wrote it: not read again
    assert PollState.load(path) is not state  # a load takes it out: a tick that fails leaves the file's state
    again.save(path)
    other = PollState()  # another writer (an operator's edit, another process) replaces the file
    other.sync([("b", "feed", "http://127.0.0.1:1/b.xml")], PollSettings())
    path.write_text(json.dumps({"feeds": {u: vars(f) for u, f in other.feeds.items()}}), encoding="utf-8")
    assert list(PollState.load(path).feeds) == ["http://127.0.0.1:1/b.xml"]


def test_the_sources_file_is_parsed_again_only_when_it_changes(tmp_path):
    from spiders.sources import load_sources_unless_unchanged

    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    feed: https://a.example/feed.xml\n", encoding="utf-8")
    first = load_sources_unless_unchanged(path)
    assert load_sources_unless_unchanged(path) is first
    path.write_text("sources:\n  - name: bb\n    feed: https://b.example/feed.xml\n", encoding="utf-8")
    assert [s.name for s in load_sources_unless_unchanged(path).sources] == ["bb"]


def test_the_poller_reads_proxy_settings_once_unless_a_proxy_is_set(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    poller = FeedPoller(PollSettings(), "claimwatch-test")
    assert poller._session.trust_env is False and poller._session.verify == "/etc/ssl/certs/ca-certificates.crt"
    poller.close()
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    poller = FeedPoller(PollSettings(), "claimwatch-test")
    assert poller._session.trust_env is True  # requests keeps reading the proxy and its exceptions (NO_PROXY)
    poller.close()
