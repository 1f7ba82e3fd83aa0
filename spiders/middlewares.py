"""Downloader middlewares of the claimwatch crawler."""

from __future__ import annotations

import asyncio
import ipaddress

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.resolver import dnscache
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message

from spiders.http_dates import parse_retry_after
from spiders.netguard import UrlRefused, check_url

__all__ = ["BackoffRetryMiddleware", "NetworkGuardMiddleware", "RefusedRequest", "parse_retry_after"]


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

    def __init__(self, allow_private_networks: bool, allow_networks: tuple[str, ...] = ()) -> None:
        self.allow_private_networks = allow_private_networks
        self.allow_networks = allow_networks

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkGuardMiddleware:
        """Read CLAIMWATCH_ALLOW_PRIVATE_NETWORKS from the crawler settings."""
        return cls(
            crawler.settings.getbool("CLAIMWATCH_ALLOW_PRIVATE_NETWORKS", False),
            tuple(crawler.settings.getlist("CLAIMWATCH_ALLOW_NETWORKS")),
        )

    def process_request(self, request: Request, spider: object = None) -> None:
        """Raise :class:`RefusedRequest` for a URL that must not be fetched; pin the address that was checked."""
        try:
            addresses = check_url(request.url, self.allow_private_networks, self.allow_networks)
        except UrlRefused as exc:
            raise RefusedRequest(exc.reason, exc.detail) from exc
        pin_checked_address(urlparse_cached(request).hostname or "", addresses)
        return None


def pin_checked_address(host: str, addresses: list[str]) -> None:
    """Make the download connect to an address the guard checked, not to a second DNS answer.

    Scrapy's default resolver (``CachingThreadedResolver``, IPv4) answers from ``scrapy.resolver.dnscache``
    before asking DNS, so writing the checked IPv4 address there closes the window a rebinding DNS server
    would use between the check and the connect.
    """
    v4 = [a for a in addresses if ":" not in a]
    if host and v4 and not _is_ip_literal(host):
        dnscache[host] = v4[0]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class BackoffRetryMiddleware:
    """Scrapy's retries, but waiting between attempts: Retry-After on 429/503, exponential backoff otherwise.

    It replaces Scrapy's RetryMiddleware (same RETRY_* settings) and builds each retry with Scrapy's public
    ``get_retry_request``, so retry counts, stats and give-up logging stay Scrapy's. A Retry-After longer than
    CLAIMWATCH_MAX_RETRY_AFTER is not waited for: the response goes through as a failure (``http_429`` /
    ``http_503``) and the next run tries again.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_http_codes = {int(x) for x in settings.getlist("RETRY_HTTP_CODES")}
        self.priority_adjust = settings.getint("RETRY_PRIORITY_ADJUST")
        self.give_up_log_level = settings.get("RETRY_GIVE_UP_LOG_LEVEL")
        self.exceptions_to_retry = tuple(
            load_object(x) if isinstance(x, str) else x for x in settings.getlist("RETRY_EXCEPTIONS")
        )
        self.backoff_base = settings.getfloat("CLAIMWATCH_RETRY_BACKOFF_BASE", 0.5)
        self.backoff_max = settings.getfloat("CLAIMWATCH_RETRY_BACKOFF_MAX", 30.0)
        self.max_retry_after = settings.getfloat("CLAIMWATCH_MAX_RETRY_AFTER", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Read the RETRY_* and CLAIMWATCH_* settings."""
        return cls(crawler)

    def _retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        """The next attempt of ``request`` (None once RETRY_TIMES is spent), honouring per-request meta."""
        if self.crawler.spider is None:
            return None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _backoff(self, retried: Request) -> float:
        n = int(retried.meta.get("retry_times", 1))
        return min(self.backoff_max, self.backoff_base * 2 ** (n - 1))

    async def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        """Retry a retryable status after Retry-After (429/503) or a backoff delay."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay: float | None = None
        if response.status in (429, 503):
            delay = parse_retry_after(response.headers.get(b"Retry-After"))
            if delay is not None and delay > self.max_retry_after:
                return response
        retried = self._retry_request(request, response_status_message(response.status))
        if retried is None:
            return response
        await asyncio.sleep(self._backoff(retried) if delay is None else delay)
        return retried

    async def process_exception(
        self, request: Request, exception: Exception, spider: object = None
    ) -> Request | Response | None:
        """Retry timeouts and connection errors after a backoff delay."""
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            retried = self._retry_request(request, exception)
            if retried is not None:
                await asyncio.sleep(self._backoff(retried))
                return retried
        return None
