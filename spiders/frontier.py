"""A crawl frontier shared between crawler processes or hosts, on scrapy-redis (optional `scale` extra).

With ``crawl.frontier_redis_url`` set, every crawler of one crawl (same Redis, same ``frontier_key``) pushes its
page requests to one Redis queue and pops from it, and one Redis set of request fingerprints makes each page URL
fetched once between them. Feeds, sitemaps and robots.txt are still read by every crawler (conditional GETs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

INSTALL_HINT = "crawl.frontier_redis_url needs the `scale` extra: pip install 'claimwatch[scale]' (scrapy-redis)"


def frontier_key(template: str, now: datetime | None = None) -> str:
    """The Redis key prefix of one crawl's frontier: ``{hour}`` is the UTC hour the crawler started in."""
    now = now or datetime.now(UTC)
    return template.replace("{hour}", now.strftime("%Y-%m-%dT%H"))


def frontier_settings(crawl: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Scrapy settings that put the scheduler's queue and dupefilter in Redis ({} when no frontier is set)."""
    url = crawl.get("frontier_redis_url")
    if not url:
        return {}
    try:
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    key = frontier_key(crawl["frontier_key"], now)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_PERSIST": True,  # another crawler may still be working on the queue when this one closes
        "SCHEDULER_QUEUE_KEY": f"{key}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
        "REDIS_URL": url,
        "CLAIMWATCH_SHARED_FRONTIER": True,
        "CLAIMWATCH_FRONTIER_TTL": int(crawl["frontier_ttl_seconds"]),
        "EXTENSIONS": {"spiders.frontier.FrontierExpiry": 500},
    }


class FrontierExpiry:
    """When a crawler closes, give the frontier's Redis keys a TTL, so finished crawls do not pile up."""

    def __init__(self, crawler: Crawler) -> None:
        self.settings = crawler.settings
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierExpiry:
        """Scrapy's extension hook."""
        return cls(crawler)

    def spider_closed(self, spider: Spider) -> None:
        """Set the TTL on the queue and dupefilter keys (a later crawler of the same crawl resets nothing)."""
        from scrapy_redis.connection import get_redis_from_settings

        server = get_redis_from_settings(self.settings)
        ttl = self.settings.getint("CLAIMWATCH_FRONTIER_TTL")
        for name in ("SCHEDULER_QUEUE_KEY", "SCHEDULER_DUPEFILTER_KEY"):
            server.expire(self.settings.get(name) % {"spider": spider.name}, ttl)
