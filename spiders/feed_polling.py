"""Continuous polling of feeds and news sitemaps, each at an interval learned from its publishing history.

One poll is one conditional GET (ETag / Last-Modified, so an unchanged feed costs one 304), allowed by the
host's robots.txt, never sooner than a Retry-After the host asked for. What a poll learns:

- new item URLs (not seen in this feed before): the only thing that starts work;
- the feed's publishing rate, from the publication dates its items carry (a feed shows its own history, so the
  first poll already knows a wire from a blog) and from new items seen between polls;
- the next poll time: the mean gap between recent items times ``interval_factor``, within
  ``[min_interval, max_interval]``; a poll that finds nothing lengthens the interval by ``backoff`` (up to the
  maximum), a poll that finds something returns it to the learned value (Media Cloud's adaptive fetcher does
  the same).

The state of every feed is a small JSON file the poller owns (:class:`PollState`); Dagster's
``feed_poll_sensor`` keeps only a tick counter in its cursor, since a thousand feeds' state would be copied
into every tick record. HTTP is ``requests`` in a thread pool rather than Scrapy: a sensor tick must answer
within Dagster's 60 s limit and a Twisted reactor cannot be restarted per tick; the article pages themselves are
fetched by the Scrapy crawl of the run the sensor starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import statistics
import time
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from protego import Protego
from pydantic import BaseModel, ConfigDict, Field, model_validator

from spiders.feeds import XmlRejected, maybe_gunzip, parse_feed, parse_sitemap
from spiders.http_dates import parse_any_date, parse_retry_after
from spiders.netguard import UrlRefused, check_url

SEEN_PER_FEED = 300  # item URL hashes kept per feed: more than a feed shows at once, so old items never look new
DATES_PER_FEED = 20  # publication times kept per feed for the rate estimate
ROBOTS_TTL_SECONDS = 6 * 3600

# The sensor's ticks run in one long-lived code-server process: the state a tick saved stays in memory beside the
# file's (mtime_ns, size), and the next tick takes it instead of reading and parsing the file again (at 10,000
# feeds that was most of an idle tick's CPU). A tick takes its state out of this cache, so a tick that fails
# half-way leaves nothing here and the next one reads the file it last saved.
_SAVED: dict[str, tuple[tuple[int, int] | None, PollState]] = {}


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class PollSettings(BaseModel):
    """Bounds of the learned intervals and of one polling tick (``polling:`` in the sources file's ``crawl:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_interval: float = Field(20.0, ge=5)  # seconds; a busy wire
    # a quiet feed. This bound sets the latency of a quiet feed's news: polled every 90 s, an item waits 45 s on
    # average for its poll; a conditional GET of an unchanged feed is one 304. Raise it to be gentler with quiet
    # hosts at the cost of their latency (benchmarks/results.md, Freshness).
    max_interval: float = Field(90.0, ge=5)
    first_interval: float = Field(30.0, ge=5)  # a feed with no dated items yet
    interval_factor: float = Field(0.25, gt=0)  # poll this many times per mean gap between items
    backoff: float = Field(1.5, ge=1)  # a poll that finds nothing lengthens the interval this much
    timeout: float = Field(10.0, gt=0)  # per request
    workers: int = Field(16, ge=1, le=64)  # concurrent requests of one tick
    tick_budget: float = Field(40.0, gt=0)  # seconds a tick may spend; feeds not reached stay due

    @model_validator(mode="after")
    def _bounds(self) -> PollSettings:
        if self.min_interval > self.max_interval:
            raise ValueError("min_interval must not exceed max_interval")
        return self


@dataclass
class FeedState:
    """What the poller knows about one feed (or news sitemap)."""

    source: str
    url: str
    kind: str = "feed"  # feed | sitemap
    etag: str | None = None
    last_modified: str | None = None
    interval: float = 60.0
    next_due: float = 0.0  # epoch seconds
    seen: list[str] = field(default_factory=list)  # short hashes of item URLs, newest last
    dates: list[float] = field(default_factory=list)  # publication times (epoch) of recent items, ascending
    polls: int = 0
    reads: int = 0  # polls that read the feed's items (HTTP 200, parsed): the first one only learns its history
    not_modified: int = 0
    errors: int = 0
    last_error: str | None = None


@dataclass
class PollResult:
    """One poll of one feed: the new item URLs, and how it went."""

    source: str
    url: str
    status: int | None
    new_urls: list[str]
    error: str | None = None


@dataclass
class PollState:
    """Every feed's state plus cached robots.txt answers; saved as JSON between ticks."""

    feeds: dict[str, FeedState] = field(default_factory=dict)  # by feed URL
    robots: dict[str, tuple[float, str]] = field(default_factory=dict)  # host -> (fetched at, body)
    ticks: int = 0
    pending: dict[str, list[str]] = field(default_factory=dict)  # new URLs by source not yet handed to a run

    @classmethod
    def load(cls, path: str | Path) -> PollState:
        """The saved state, or an empty one when there is none (or it is unreadable: polling starts over).

        The state this process saved last is handed back as it is when the file has not changed since.
        """
        cached = _SAVED.pop(str(Path(path).absolute()), None)
        if cached is not None and cached[0] is not None and cached[0] == _file_key(Path(path)):
            return cached[1]
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            feeds = {u: FeedState(**f) for u, f in data.get("feeds", {}).items()}
            robots = {h: (float(t), str(b)) for h, (t, b) in data.get("robots", {}).items()}
            pending = {str(s): [str(u) for u in urls] for s, urls in data.get("pending", {}).items()}
            return cls(feeds, robots, int(data.get("ticks", 0)), pending)
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, path: str | Path) -> None:
        """Write atomically (a crash mid-write keeps the previous state)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        data = {
            "ticks": self.ticks,
            # vars(), not asdict(): asdict deep-copies every list of every feed before json copies it again
            "feeds": {u: vars(f) for u, f in self.feeds.items()},
            "robots": self.robots,
            "pending": self.pending,
        }
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)
        self.keep(target)

    def keep(self, path: str | Path) -> None:
        """Leave this state for the next :meth:`load` of ``path`` in this process (the file holds the same)."""
        _SAVED[str(Path(path).absolute())] = (_file_key(Path(path)), self)

    def add_pending(self, new_urls: dict[str, list[str]]) -> None:
        """Queue new URLs (by source) for the next run, each URL once."""
        queued = {u for urls in self.pending.values() for u in urls}
        for source, urls in new_urls.items():
            fresh = [u for u in urls if u not in queued]
            queued.update(fresh)
            if fresh:
                self.pending.setdefault(source, []).extend(fresh)

    def take_pending(self) -> dict[str, list[str]]:
        """Every queued URL, removed from the queue."""
        out, self.pending = self.pending, {}
        return out

    def sync(self, feeds: Iterable[tuple[str, str, str]], settings: PollSettings) -> bool:
        """Track exactly these (source, kind, url) feeds: new ones are due now, removed ones are forgotten.

        True when that changed anything.
        """
        wanted = {url: (source, kind) for source, kind, url in feeds}
        changed = False
        for url in list(self.feeds):
            if url not in wanted:
                del self.feeds[url]
                changed = True
        for url, (source, kind) in wanted.items():
            feed = self.feeds.get(url)
            if feed is None:
                self.feeds[url] = FeedState(source, url, kind, interval=settings.first_interval)
                changed = True
            elif feed.source != source:
                feed.source = source
                changed = True
        return changed


def _hash(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def learned_interval(dates: Sequence[float], now: float, settings: PollSettings) -> float:
    """The poll interval a feed's recent publication times call for, within the settings' bounds.

    The mean gap between the recent items (and the time since the newest, so a feed gone quiet slows down)
    times ``interval_factor``; a feed with fewer than two dated items gets ``first_interval``.
    """
    if len(dates) < 2:
        return min(max(settings.first_interval, settings.min_interval), settings.max_interval)
    ordered = sorted(dates)
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)] + [max(0.0, now - ordered[-1])]
    gap = statistics.fmean(gaps)
    return min(max(gap * settings.interval_factor, settings.min_interval), settings.max_interval)


class FeedPoller:
    """Polls the due feeds of a :class:`PollState` with conditional GETs, robots and Retry-After respected."""

    def __init__(
        self,
        settings: PollSettings,
        user_agent: str,
        allow_private_networks: bool = False,
        allow_networks: tuple[str, ...] = (),
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self.allow_private_networks = allow_private_networks
        self.allow_networks = allow_networks
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=settings.workers, pool_maxsize=settings.workers)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = user_agent
        if not urllib.request.getproxies():
            # No proxy in the environment: stop requests from reading it again on every request (its proxy
            # lookup walks os.environ twice a call, ~40% of a 304 poll's CPU). The CA bundle it would have taken
            # from the environment is set once instead; with a proxy set, requests keeps reading it as before.
            self._session.trust_env = False
            self._session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def due(self, state: PollState, now: float) -> list[FeedState]:
        """The feeds whose next poll time has come, most overdue first."""
        return sorted((f for f in state.feeds.values() if f.next_due <= now), key=lambda f: f.next_due)

    def tick(self, state: PollState, now: float | None = None) -> list[PollResult]:
        """Poll every due feed (within the tick budget) and update ``state``; return each poll's result."""
        now = time.time() if now is None else now
        state.ticks += 1
        due = self.due(state, now)
        if not due:
            return []
        deadline = time.monotonic() + self.settings.tick_budget
        for url in {urlsplit(f.url).netloc: f.url for f in due}.values():  # one robots.txt per host
            self._robots(state, url)
        with ThreadPoolExecutor(self.settings.workers) as pool:
            futures = [pool.submit(self._poll, state, feed, now, deadline) for feed in due]
            return [f.result() for f in futures]

    def _robots(self, state: PollState, url: str) -> None:
        """Fetch (at most every few hours) the robots.txt of ``url``'s host into the state's cache."""
        parts = urlsplit(url)
        host = parts.netloc
        cached = state.robots.get(host)
        if cached and time.time() - cached[0] < ROBOTS_TTL_SECONDS:
            return
        body = ""
        try:
            check_url(url, self.allow_private_networks, self.allow_networks)
            r = self._session.get(
                f"{parts.scheme}://{host}/robots.txt", timeout=self.settings.timeout, allow_redirects=False
            )
            if r.status_code == 200:
                body = r.text[:500_000]
            elif r.status_code in (401, 403):
                body = "User-agent: *\nDisallow: /"  # as Google treats them: the host refuses crawlers
        except (requests.RequestException, UrlRefused):
            body = ""  # unreachable robots.txt: allowed (as Scrapy's RobotsTxtMiddleware does)
        state.robots[host] = (time.time(), body)

    def _allowed(self, state: PollState, url: str) -> bool:
        cached = state.robots.get(urlsplit(url).netloc)
        if not cached or not cached[1]:
            return True
        return Protego.parse(cached[1]).can_fetch(url, self.user_agent)

    def _poll(self, state: PollState, feed: FeedState, now: float, deadline: float) -> PollResult:
        if time.monotonic() > deadline:
            return PollResult(feed.source, feed.url, None, [], "tick budget spent; polled next tick")
        if not self._allowed(state, feed.url):
            feed.next_due = now + self.settings.max_interval
            return PollResult(feed.source, feed.url, None, [], "robots.txt disallows this feed")
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        feed.polls += 1
        try:
            check_url(feed.url, self.allow_private_networks, self.allow_networks)
            # no redirects followed: each hop would need the network check again (the crawl itself follows them)
            r = self._session.get(feed.url, headers=headers, timeout=self.settings.timeout, allow_redirects=False)
        except (requests.RequestException, UrlRefused) as exc:
            return self._failed(feed, now, None, f"{type(exc).__name__}: {exc}")
        if r.status_code == 304:
            feed.not_modified += 1
            self._schedule(feed, now, found=False)
            return PollResult(feed.source, feed.url, 304, [])
        if r.status_code in (429, 503) or r.status_code >= 400:
            wait = parse_retry_after(r.headers.get("Retry-After"))
            return self._failed(feed, now, r.status_code, f"HTTP {r.status_code}", wait)
        if r.status_code != 200:
            return self._failed(feed, now, r.status_code, f"HTTP {r.status_code} (redirects are left to the crawl)")
        try:
            body = maybe_gunzip(r.content)
            parsed = parse_sitemap(body) if feed.kind == "sitemap" else parse_feed(body)
        except (XmlRejected, OSError, ValueError) as exc:
            return self._failed(feed, now, r.status_code, f"unreadable {feed.kind}: {exc}")
        feed.etag = r.headers.get("ETag")
        feed.last_modified = r.headers.get("Last-Modified")
        new_urls = self._remember(feed, parsed.links, now)
        self._schedule(feed, now, found=bool(new_urls))
        feed.errors, feed.last_error = 0, None
        return PollResult(feed.source, feed.url, 200, new_urls)

    def _remember(self, feed: FeedState, links: Sequence[Any], now: float) -> list[str]:
        """Record the feed's items; return the URLs of those not seen before (none on a feed's first read).

        The first read is the first poll that got the feed's items, not the first whose items were not empty: a
        feed that was empty when first read reports its first item when it appears.
        """
        seen = set(feed.seen)
        first_poll = feed.reads == 0 and not feed.seen  # state files from before `reads`: `seen` tells
        feed.reads += 1
        new = []
        for link in links:
            h = _hash(link.url)
            if h in seen:
                continue
            seen.add(h)
            feed.seen.append(h)
            published = parse_any_date(link.published) if link.published else None
            when = published.timestamp() if published else None
            if when is None and not first_poll:
                when = now  # undated item: it appeared since the last poll
            if when is not None:
                feed.dates.append(min(when, now))
            if not first_poll:
                new.append(link.url)
        feed.seen = feed.seen[-SEEN_PER_FEED:]
        feed.dates = sorted(feed.dates)[-DATES_PER_FEED:]
        return new

    def _schedule(self, feed: FeedState, now: float, found: bool) -> None:
        learned = learned_interval(feed.dates, now, self.settings)
        if found:
            feed.interval = learned
        else:
            feed.interval = min(max(learned, feed.interval * self.settings.backoff), self.settings.max_interval)
        # +-10% jitter: feeds first polled together would otherwise stay in step and arrive in bursts
        feed.next_due = now + feed.interval * random.uniform(0.9, 1.1)

    def _failed(
        self, feed: FeedState, now: float, status: int | None, error: str, wait: float | None = None
    ) -> PollResult:
        """A failed poll: back off (doubling, within max_interval), or wait as long as Retry-After asked."""
        feed.errors += 1
        feed.last_error = error
        backoff = min(self.settings.max_interval, feed.interval * 2 ** min(feed.errors, 6))
        feed.next_due = now + max(backoff, wait or 0.0)
        return PollResult(feed.source, feed.url, status, [], error)
