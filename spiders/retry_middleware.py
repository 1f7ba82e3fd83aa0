"""Downloader middleware: Scrapy's retries with a wait between attempts (Retry-After, exponential backoff)."""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message

from spiders.http_dates import parse_retry_after


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
