"""Downloader middlewares of the claimwatch crawler."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from spiders.netguard import UrlRefused, check_url


class RefusedRequest(IgnoreRequest):
    """A request refused before download; carries the fetch-log reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class NetworkGuardMiddleware:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to internal addresses.

    Runs on every request Scrapy downloads, including each redirect hop and robots.txt fetches,
    because redirected requests pass through the downloader middlewares again.
    """

    def __init__(self, allow_private_networks: bool) -> None:
        self.allow_private_networks = allow_private_networks

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkGuardMiddleware:
        """Read CLAIMWATCH_ALLOW_PRIVATE_NETWORKS from the crawler settings."""
        return cls(crawler.settings.getbool("CLAIMWATCH_ALLOW_PRIVATE_NETWORKS", False))

    def process_request(self, request: Request, spider: object = None) -> None:
        """Raise :class:`RefusedRequest` for a URL that must not be fetched."""
        try:
            check_url(request.url, self.allow_private_networks)
        except UrlRefused as exc:
            raise RefusedRequest(exc.reason, exc.detail) from exc
        return None
