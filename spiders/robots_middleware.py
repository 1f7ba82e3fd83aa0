"""robots.txt that always holds: one fetch per host, and every request waits for its answer.

Why not Scrapy's ``RobotsTxtMiddleware`` (2.19): while the first robots.txt fetch for a host is in
flight, every other request for that host ``await``s the same Twisted ``Deferred``. The first waiter's
callback consumes the parser and returns ``None`` to the rest of the chain, so the second and later
waiters receive ``None``, which ``process_request_2`` treats as "allowed": a disallowed URL queued behind a
slow robots.txt is fetched. (Upstream reworked this path in scrapy/scrapy#6802, noting it had no test.)
An upstream report would say: "RobotsTxtMiddleware: requests that wait on an in-flight robots.txt
Deferred after the first one get ``None`` and bypass robots.txt; reproduce with three requests to
disallowed paths on one host whose robots.txt answers after 1 s: the first is refused, the others are
downloaded. Expected: every waiter gets the parser (or the failure)."

This middleware keeps the outcome per host in a plain dict and hands each waiter its own ``Deferred``
fired with that outcome, so no request is ever allowed because robots.txt is still loading. It also
carries claimwatch's rule that a robots.txt answering 5xx, or not answering at all (a time-out, a reset or lost
connection), disallows the whole host for the run (RFC 9309 2.3.1.4); Scrapy would parse the error page, or
ignore the failure, and allow everything. It uses only public Scrapy API
(``engine.download_async``, ``ROBOTSTXT_PARSER``), no private attribute of the upstream class.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy import exceptions as scrapy_exc
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from spiders.network_guard_middleware import RefusedRequest

logger = logging.getLogger(__name__)
# robots.txt failures after which the page fetches fail the same way and are logged with that reason (a refused
# request, no server listening, no such host); any other failure to fetch robots.txt disallows the host
NO_SERVER_THERE = (
    IgnoreRequest,
    ConnectionRefusedError,
    DNSLookupError,
    scrapy_exc.DownloadConnectionRefusedError,
    scrapy_exc.CannotResolveHostError,
)


@dataclass(frozen=True)
class RobotsOutcome:
    """What one host's robots.txt fetch decided for this run."""

    parser: object | None  # a scrapy.robotstxt.RobotParser, or None when robots.txt restricts nothing
    host_refused: str | None = None  # why the whole host is disallowed for this run (a 5xx robots.txt)

    def check(self, request: Request, user_agent: str | bytes) -> None:
        """Raise :class:`RefusedRequest` when robots.txt forbids ``request``."""
        if self.host_refused is not None:
            raise RefusedRequest("robots_unavailable", self.host_refused)
        if self.parser is not None and not self.parser.allowed(request.url, user_agent):  # type: ignore[attr-defined]
            # the message is what failure_reason() maps to 'robots_disallowed'
            raise IgnoreRequest("Forbidden by robots.txt")


class RobotsPolicyMiddleware:
    """Downloader middleware obeying robots.txt (replaces ``RobotsTxtMiddleware``; see the module docstring)."""

    DOWNLOAD_PRIORITY = 1000

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent: str = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings["USER_AGENT"]
        self._parser_class = load_object(crawler.settings.get("ROBOTSTXT_PARSER"))
        self._outcomes: dict[str, RobotsOutcome] = {}
        self._waiters: dict[str, list[Deferred[RobotsOutcome]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsPolicyMiddleware:
        """Read ROBOTSTXT_OBEY, ROBOTSTXT_USER_AGENT / USER_AGENT and ROBOTSTXT_PARSER."""
        return cls(crawler)

    async def process_request(self, request: Request, spider: object = None) -> None:
        """Wait for the host's robots.txt outcome, then refuse the request if it forbids it."""
        if request.meta.get("dont_obey_robotstxt") or request.url.startswith(("data:", "file:")):
            return None
        outcome = await self.outcome_for(request)
        outcome.check(request, request.headers.get(b"User-Agent") or self.user_agent)
        return None

    async def outcome_for(self, request: Request) -> RobotsOutcome:
        """The robots.txt outcome for the request's host: known, awaited from the fetch in flight, or fetched."""
        parsed = urlparse_cached(request)
        netloc = parsed.netloc
        if netloc in self._outcomes:
            return self._outcomes[netloc]
        if netloc in self._waiters:
            waiter: Deferred[RobotsOutcome] = Deferred()
            self._waiters[netloc].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiters[netloc] = []
        # if the fetch is cancelled (the crawl is closing), the waiters are refused, never let through
        outcome = RobotsOutcome(parser=None, host_refused="robots.txt fetch did not complete")
        try:
            outcome = await self._fetch(f"{parsed.scheme}://{netloc}/robots.txt")
        finally:
            self._outcomes[netloc] = outcome
            for waiter in self._waiters.pop(netloc):
                waiter.callback(outcome)
        return outcome

    async def _fetch(self, robots_url: str) -> RobotsOutcome:
        stats = self.crawler.stats
        request = Request(
            robots_url, priority=self.DOWNLOAD_PRIORITY, meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any failure to fetch robots.txt is an outcome, not a crash
            if stats:
                stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            if isinstance(exc, NO_SERVER_THERE):
                # refused before any byte was sent (the network guard, a bad URL), or no server there at all:
                # the page fetches meet the same failure and are logged with its own reason
                return RobotsOutcome(parser=None)
            # A server that does not answer for its robots.txt (a time-out, a reset or lost connection): RFC 9309
            # 2.3.1.4 says assume complete disallow, as for a 5xx answer; Scrapy would allow everything.
            logger.info("robots.txt %s not fetched: %s", robots_url, exc)
            return RobotsOutcome(
                parser=None,
                host_refused=f"robots.txt unreachable ({type(exc).__name__}): host treated as disallowed for this run",
            )
        if stats:
            stats.inc_value("robotstxt/response_count")
            stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            return RobotsOutcome(
                parser=None,
                host_refused=f"robots.txt answered HTTP {response.status}: host treated as disallowed for this run",
            )
        if response.status >= 400:  # RFC 9309 2.3.1.3: an unavailable robots.txt restricts nothing
            return RobotsOutcome(parser=None)
        return RobotsOutcome(parser=build_from_crawler(self._parser_class, self.crawler, response.body))
