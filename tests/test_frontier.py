"""Shared crawl frontier (scrapy-redis): two crawlers, one Redis on loopback, each page fetched once.

Needs Debian's redis-server (`apt-get install redis-server`) and the `scale` extra; skipped with the reason
otherwise. `.ci/run` installs redis-server when it can, so CI runs it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders.crawl import CrawlResult, run_crawl
from spiders.frontier import frontier_key, frontier_settings
from spiders.loopback_server import LoopbackSite
from spiders.sources import SourcesError, parse_sources
from tests.cluster import REDIS_SERVER, redis_server

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


PAGES = 60
needs_redis = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (Debian: apt-get install redis-server)"
)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on a loopback port (no persistence)."""
    pytest.importorskip("scrapy_redis", reason="the `scale` extra (scrapy-redis) is not installed")
    with redis_server(tmp_path) as url:
        yield url


def _site(root: Path) -> Path:
    (root / "p").mkdir(parents=True)
    locs = []
    for i in range(PAGES):
        words = f"Words of story {i}. " * 40
        body = f"<html><body><article><h1>Story {i}</h1><p>{words}</p></article></body></html>"
        (root / "p" / f"{i}.html").write_text(body)
        locs.append(f"<url><loc>BASE_URL/p/{i}.html</loc></url>")
    (root / "sitemap.xml").write_text(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        + "".join(locs)
        + "</urlset>"
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return root


def _two_crawls(site: LoopbackSite, tmp: Path, frontier: dict[str, str]) -> list[CrawlResult]:
    config = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": {
                "autothrottle_start_delay": 0.0,
                "download_delay": 0.0,
                "concurrent_requests_per_domain": 2,
                "sitemap_max_age_days": 0,
                **frontier,
            },
            "sources": [{"name": "site", "sitemap": f"{site.base_url}/sitemap.xml"}],
        }
    )
    results: list[CrawlResult | None] = [None, None]

    def crawl(k: int) -> None:
        results[k] = run_crawl(config, tmp / f"crawler-{k}", timeout=120)

    threads = [threading.Thread(target=crawl, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None and r.exit_code == 0 for r in results), [r and r.stderr_tail for r in results]
    return [r for r in results if r is not None]


def _page_hits(site: LoopbackSite) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith("/p/")}


@needs_redis
def test_two_crawlers_share_one_frontier_and_fetch_each_page_once(tmp_path, redis_url):
    # Pages are held until both crawlers have asked for robots.txt (both are up): on a loaded machine one
    # child process can start seconds after the other and would otherwise find the queue already empty.
    both_up = threading.Event()
    with LoopbackSite(_site(tmp_path / "site"), page_delay=0.05, page_gate=both_up) as site:

        def open_gate_when_both_crawlers_are_up() -> None:
            deadline = time.monotonic() + 30
            while site.hits.get("/robots.txt", 0) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            both_up.set()

        threading.Thread(target=open_gate_when_both_crawlers_are_up, daemon=True).start()
        results = _two_crawls(site, tmp_path, {"frontier_redis_url": redis_url, "frontier_key": "test:{hour}"})
        hits = _page_hits(site)
    landed = [sorted(p.url for p in r.pages) for r in results]
    assert len(hits) == PAGES and set(hits.values()) == {1}  # every page fetched, and only once in all
    assert sorted(landed[0] + landed[1]) == sorted({u for part in landed for u in part})  # no page landed twice
    assert len(landed[0]) + len(landed[1]) == PAGES
    print("pages landed by each crawler:", [len(x) for x in landed])
    assert landed[0] and landed[1]  # both crawlers took pages from the shared queue
    # the frontier's keys expire after the crawl instead of piling up
    import redis

    server = redis.Redis.from_url(redis_url)
    keys = server.keys("test:*")
    assert keys and all(0 < server.ttl(k) <= 86400 for k in keys)


def test_without_a_frontier_two_crawlers_fetch_everything_twice(tmp_path):
    """The control: what the shared frontier prevents."""
    with LoopbackSite(_site(tmp_path / "site")) as site:
        _two_crawls(site, tmp_path, {})
        hits = _page_hits(site)
    assert len(hits) == PAGES and set(hits.values()) == {2}


def test_frontier_settings_and_validation():
    assert frontier_settings({"frontier_redis_url": ""}) == {}
    hour = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    assert frontier_key("claimwatch:frontier:{hour}", hour) == "claimwatch:frontier:2026-11-22T09"
    with pytest.raises(SourcesError, match="frontier_redis_url"):
        parse_sources({"crawl": {"frontier_redis_url": "http://x"}, "sources": [{"name": "a", "feed": "https://a/"}]})
