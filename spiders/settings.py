"""Scrapy settings for a claimwatch crawl, built from a sources config."""

from __future__ import annotations

from typing import Any

from spiders.frontier import frontier_settings
from spiders.sources import SourcesConfig


def crawler_settings(config: SourcesConfig, landing_file: str, log_file: str | None = None) -> dict[str, Any]:
    """Polite, bounded Scrapy settings: robots.txt, AutoThrottle, timeouts, size limits, retries."""
    c = config.crawl
    settings = {
        "BOT_NAME": "claimwatch",
        "USER_AGENT": c["user_agent"],
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": float(c["autothrottle_start_delay"]),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(c["autothrottle_target_concurrency"]),
        "DOWNLOAD_DELAY": float(c["download_delay"]),
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": int(c["concurrent_requests_per_domain"]),
        "DOWNLOAD_TIMEOUT": int(c["download_timeout"]),
        "DOWNLOAD_MAXSIZE": int(c["download_maxsize"]),
        "DOWNLOAD_WARNSIZE": int(c["download_maxsize"]) // 2,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": int(c["retry_times"]),
        "REDIRECT_MAX_TIMES": int(c["redirect_max_times"]),
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": log_file,
        "ITEM_PIPELINES": {"spiders.pipelines.LandingFilePipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.network_guard_middleware.NetworkGuardMiddleware": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "spiders.robots_middleware.RobotsPolicyMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "spiders.retry_middleware.BackoffRetryMiddleware": 550,
        },
        "CLAIMWATCH_RETRY_BACKOFF_BASE": float(c["retry_backoff_base"]),
        "CLAIMWATCH_MAX_RETRY_AFTER": float(c["max_retry_after"]),
        "CLAIMWATCH_LANDING_FILE": landing_file,
        "CLAIMWATCH_ALLOW_PRIVATE_NETWORKS": config.allow_private_networks,
        "CLAIMWATCH_ALLOW_NETWORKS": list(c["allow_networks"]),
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    settings.update(frontier_settings(c))
    return settings
