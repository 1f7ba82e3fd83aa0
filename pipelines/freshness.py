"""Freshness: the feed-polling sensor that starts a small run for each batch of new article URLs.

Every tick polls the feeds and news sitemaps that are due (each at its own learned interval, see
``spiders.feed_polling``) and, when some carry URLs not seen before, requests one run of ``crawl_job`` scoped to
those URLs (``raw_pages``' ``new_urls`` config): the crawl fetches only them, and cleaning, extraction, loading and
alert delivery follow in the same run. The hourly schedule stays for sitemaps, backfills and anything missed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence

import dagster as dg

from pipelines.resources import CrawlerResource
from spiders.feed_polling import FeedPoller, PollResult, PollSettings, PollState
from spiders.sources import SourcesError, load_sources_unless_unchanged

FRESH_TAG = "claimwatch/trigger"
WAITING = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING]


def new_urls_by_source(results: Sequence[PollResult]) -> dict[str, list[str]]:
    """The new URLs of a tick's polls, by source, each URL once."""
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for r in results:
        for url in r.new_urls:
            if url not in seen:
                seen.add(url)
                out.setdefault(r.source, []).append(url)
    return out


def poll_once(
    crawler: CrawlerResource, now: float | None = None, release: bool = True
) -> tuple[dict[str, list[str]], list[PollResult]]:
    """One polling tick over the crawler's sources file: poll what is due and queue the new URLs.

    With ``release`` the queued URLs (this tick's and those held back before) are returned and leave the queue;
    without it they stay queued for a later tick (a run is already waiting to start). The state is saved whenever the
    tick changed it, either way, so a crash between polling and requesting a run loses no URL.
    """
    config = load_sources_unless_unchanged(crawler.sources_file)
    settings = PollSettings(**config.crawl.get("polling", {}))
    feeds = [(s.name, s.kind, s.urls[0]) for s in config.sources if s.kind in ("feed", "sitemap")]
    state = PollState.load(crawler.poll_state_path())
    changed = state.sync(feeds, settings)
    poller = FeedPoller(
        settings,
        config.crawl["user_agent"],
        config.allow_private_networks,
        tuple(config.crawl.get("allow_networks", ())),
    )
    try:
        results = poller.tick(state, now)
    finally:
        poller.close()
    state.add_pending(new_urls_by_source(results))
    released = state.take_pending() if release else {}
    if changed or results or released:
        state.save(crawler.poll_state_path())
    else:
        state.keep(crawler.poll_state_path())  # nothing polled, nothing queued or handed out: the file is current
    return released, results


def fresh_run_request(new_urls: dict[str, list[str]]) -> dg.RunRequest:
    """A run of the whole pipeline over just these URLs; its key is the URLs', so a retried tick asks once."""
    key = hashlib.sha1(json.dumps(new_urls, sort_keys=True).encode()).hexdigest()[:20]
    return dg.RunRequest(
        run_key=f"fresh-{key}",
        run_config={"ops": {"raw_pages": {"config": {"new_urls": new_urls}}}},
        tags={FRESH_TAG: "fresh", "claimwatch/new_urls": str(sum(map(len, new_urls.values())))},
    )


def held_back(instance: dg.DagsterInstance, job_name: str, gap_seconds: float, now: float) -> str | None:
    """Why this tick's new URLs wait for a later run, or None when a run may start now.

    They wait while a fresh run is queued or starting (it could not take them; the next carries them all) and
    until ``gap_seconds`` after the last fresh run was created, so a steady trickle of URLs makes one run every
    ``gap_seconds``, not one per tick.
    """
    fresh = dg.RunsFilter(job_name=job_name, tags={FRESH_TAG: "fresh"})
    waiting = instance.get_runs_count(dg.RunsFilter(job_name=job_name, statuses=WAITING, tags={FRESH_TAG: "fresh"}))
    if waiting:
        return f"held for the next run ({waiting} fresh run waiting to start)"
    if gap_seconds > 0:
        last = instance.get_run_records(fresh, limit=1)
        since = now - last[0].create_timestamp.timestamp() if last else gap_seconds
        if since < gap_seconds:
            return f"held for the next run (the last started {since:.0f}s ago; runs are {gap_seconds:.0f}s apart)"
    return None


def build_feed_poll_sensor(
    job: dg.UnresolvedAssetJobDefinition, interval_seconds: int, run_gap_seconds: int = 0
) -> dg.SensorDefinition:
    """The sensor, for ``job`` (crawl_job), evaluated every ``interval_seconds``.

    Fresh runs start ``run_gap_seconds`` apart at least (:func:`held_back`).
    """

    @dg.sensor(
        name="feed_poll_sensor",
        job=job,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Polls feeds and news sitemaps continuously, each at an interval learned from its publishing "
        "history (conditional GET, robots.txt, Retry-After), and starts a small run of the whole pipeline for "
        "the new article URLs. Turn it on for alerts within minutes of publication.",
    )
    def feed_poll_sensor(
        context: dg.SensorEvaluationContext, crawler: CrawlerResource
    ) -> dg.SensorResult | dg.SkipReason:
        started = time.monotonic()
        # bounded queue: while a fresh run waits to start, or the last started moments ago, new URLs are held and
        # go together in the next one
        held = held_back(context.instance, job.name, run_gap_seconds, time.time())
        try:
            new_urls, results = poll_once(crawler, release=held is None)
        except SourcesError as exc:
            return dg.SkipReason(f"sources file unusable: {exc}")
        polled = sum(1 for r in results if r.status is not None)
        unchanged = sum(1 for r in results if r.status == 304)
        failed = [r for r in results if r.error]
        for r in failed[:5]:
            context.log.warning(f"feed {r.source} ({r.url}): {r.error}")
        cursor = str(int(context.cursor or 0) + 1)
        summary = (
            f"{len(results)} due, {polled} polled ({unchanged} unchanged), {len(failed)} failed, "
            f"{sum(1 for r in results for _ in r.new_urls)} new URLs, {time.monotonic() - started:.1f}s"
        )
        if held:
            summary += f"; {held}"
        if not new_urls:
            return dg.SensorResult(skip_reason=dg.SkipReason(summary), cursor=cursor)
        context.log.info(summary)
        return dg.SensorResult(run_requests=[fresh_run_request(new_urls)], cursor=cursor)

    return feed_poll_sensor
