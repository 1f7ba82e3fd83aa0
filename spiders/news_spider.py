"""The claimwatch news spider: feeds, sitemaps and URL lists in, landed pages and fetch records out."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import exceptions as scrapy_exc
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from spiders.feeds import ParsedXml, XmlRejected, parse_feed, parse_sitemap
from spiders.gdelt import parse_artlist, query_urls
from spiders.http_dates import parse_any_date
from spiders.items import FetchedPage, FetchRecord
from spiders.network_guard_middleware import RefusedRequest
from spiders.sources import SourcesConfig, load_sources
from spiders.urls import InvalidUrl, canonicalize_url, is_http_url

MAX_SITEMAP_DEPTH = 3


def now_iso() -> str:
    """Current UTC time in ISO 8601."""
    return datetime.now(UTC).isoformat()


def failure_reason(failure: Failure) -> tuple[str, int | None, str]:
    """Map a Scrapy/Twisted failure to (reason code, HTTP status, detail) for the fetch log."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", status, f"HTTP {status}"
    if isinstance(exc, RefusedRequest):
        return exc.reason, None, exc.detail
    if isinstance(exc, scrapy.exceptions.IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots_disallowed", None, text
        if "max redirections" in text.lower():
            return "redirect_loop", None, text
        if "DOWNLOAD_MAXSIZE" in text or "download max size" in text:
            return "too_large", None, text[:500]
        return "ignored", None, text[:500]
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, DNSLookupError | scrapy_exc.CannotResolveHostError):
        return "dns_error", None, text
    if isinstance(exc, TimeoutError | TCPTimedOutError | scrapy_exc.DownloadTimeoutError):
        return "timeout", None, text
    if isinstance(exc, ConnectionRefusedError | scrapy_exc.DownloadConnectionRefusedError):
        return "connection_refused", None, text
    if isinstance(exc, scrapy_exc.DownloadCancelledError) or "maxsize" in text.lower() or "max size" in text.lower():
        return "too_large", None, text
    if isinstance(exc, scrapy_exc.ResponseDataLossError):
        return "data_loss", None, text
    if isinstance(exc, scrapy_exc.UnsupportedURLSchemeError):
        return "unsupported_scheme", None, text
    return f"network_error:{name}", None, text[:500]


def _join(response: Response, href: str) -> str:
    """``href`` resolved against the response URL; left as it is when it cannot be (then _bad_url says why)."""
    try:
        return response.urljoin(href)
    except ValueError:
        return href


def _bad_url(url: str) -> str | None:
    """Why ``url`` cannot be requested (not http(s), unparsable, rejected by Scrapy), or None when it can."""
    try:
        canonical = canonicalize_url(url)
    except InvalidUrl as exc:
        return str(exc)
    if not is_http_url(canonical):
        return f"not an http(s) URL: {url[:300]!r}"
    try:
        scrapy.Request(canonical)
    except ValueError as exc:
        return f"{exc}"[:300]
    return None


class NewsSpider(scrapy.Spider):
    """Crawl every configured source once: discover article links, fetch them, record every outcome."""

    name = "news"

    def __init__(
        self,
        config: SourcesConfig | None = None,
        skip_file: str | None = None,
        state_file: str | None = None,
        sources: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Crawl ``config`` (parsed sources, from ``claimwatch run``) or ``sources``, a file to read.

        ``sources`` is for ``scrapy crawl news -a sources=sources.yaml``.
        """
        super().__init__(**kwargs)
        if config is None:
            if not sources:
                raise ValueError("give a sources file: scrapy crawl news -a sources=sources.yaml")
            config = load_sources(sources)
        self.config: SourcesConfig = config
        self.skip: set[str] = set()
        if skip_file:
            with open(skip_file, encoding="utf-8") as fh:
                self.skip = {line.strip() for line in fh if line.strip()}
        self.pages_requested: Counter[str] = Counter()
        self.requested: set[str] = set()
        self.xml_requested: set[str] = set()
        self.max_pages = int(self.config.crawl["max_pages_per_source"])
        self.max_age_days = float(self.config.crawl["sitemap_max_age_days"])
        self.state: dict[str, dict[str, str | None]] = {}
        if state_file:
            with open(state_file, encoding="utf-8") as fh:
                self.state = json.load(fh)

    async def start(self) -> AsyncIterator[Any]:
        """One request per configured feed, sitemap or listed URL."""
        for src in self.config.sources:
            if src.kind == "urls":
                for url in src.urls:
                    req = self._page_request(url, src.name, "list", None)
                    if req is not None:
                        yield req
                continue
            if src.kind == "gdelt":
                for url in query_urls(src.options):
                    yield scrapy.Request(
                        url,
                        callback=self.parse_gdelt,
                        errback=self.on_error,
                        dont_filter=True,
                        meta={"source": src.name, "role": "gdelt"},
                    )
                continue
            if src.kind == "sitemap" and urlsplit(src.urls[0]).path.endswith("/robots.txt"):
                yield scrapy.Request(
                    src.urls[0],
                    callback=self.parse_robots_sitemaps,
                    errback=self.on_error,
                    dont_filter=True,
                    meta={"source": src.name, "role": "robots", "dont_obey_robotstxt": True},
                )
                continue
            callback = self.parse_feed if src.kind == "feed" else self.parse_sitemap
            if (out := self._xml_request(src.urls[0], callback, src.name, src.kind, 0)) is not None:
                yield out

    # -- discovery -------------------------------------------------------------------------------
    def _xml_request(
        self, url: str, callback: Any, source: str, role: str, depth: int
    ) -> scrapy.Request | FetchRecord | None:
        """A feed/sitemap request, conditional on the ETag / Last-Modified of the last fetch.

        A sitemap URL already requested in this run is not requested again (an index listing itself, or two
        indexes listing each other, cost one fetch per URL); an unusable URL becomes a ``bad_url`` record.
        """
        if url in self.xml_requested:
            return None
        if (bad := _bad_url(url)) is not None:
            return FetchRecord(url[:2000], source, role, None, "bad_url", bad, now_iso())
        self.xml_requested.add(url)
        headers = {}
        state = self.state.get(url) or {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        # dont_filter: feeds are deduplicated above (per run) and must be re-fetched in the next run
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            dont_filter=True,
            headers=headers,
            meta={"source": source, "role": role, "depth_sitemap": depth, "handle_httpstatus_list": [304]},
        )

    def _not_modified(self, response: Response) -> FetchRecord | None:
        if response.status != 304:
            return None
        return FetchRecord(
            response.url,
            response.meta["source"],
            response.meta["role"],
            304,
            None,
            None,
            now_iso(),
            {"not_modified": True},
        )

    def _validators(self, response: Response) -> dict[str, Any]:
        etag = response.headers.get(b"ETag")
        lm = response.headers.get(b"Last-Modified")
        return {"etag": etag.decode("latin-1") if etag else None, "last_modified": lm.decode("latin-1") if lm else None}

    def _too_old(self, link: Any) -> bool:
        if self.max_age_days <= 0 or not getattr(link, "published", None):
            return False
        when = parse_any_date(link.published)
        return when is not None and when < datetime.now(UTC) - timedelta(days=self.max_age_days)

    def parse_gdelt(self, response: Response) -> Iterator[Any]:
        """Request every article an artlist query returned."""
        source = response.meta["source"]
        try:
            links = parse_artlist(response.body)
        except ValueError as exc:
            yield FetchRecord(
                response.url, source, "gdelt", response.status, "malformed_json", str(exc)[:300], now_iso()
            )
            return
        yield self._record_ok(response, {"links": len(links)})
        for link in links:
            out = self._page_request(link.url, source, "gdelt", link)
            if out is not None:
                yield out

    def parse_robots_sitemaps(self, response: Response) -> Iterator[Any]:
        """Follow every ``Sitemap:`` line of a robots.txt."""
        source = response.meta["source"]
        sitemaps = [
            line.split(":", 1)[1].strip() for line in response.text.splitlines() if line.lower().startswith("sitemap:")
        ]
        yield FetchRecord(
            response.url,
            source,
            "robots",
            response.status,
            None if sitemaps else "no_sitemaps",
            None if sitemaps else "robots.txt announces no sitemap",
            now_iso(),
            {"sitemaps": len(sitemaps)},
        )
        for url in sitemaps:
            if (out := self._xml_request(_join(response, url), self.parse_sitemap, source, "sitemap", 0)) is not None:
                yield out

    def _page_requests(
        self, response: Response, source: str, via: str, links: Iterable[Any]
    ) -> Iterator[scrapy.Request | FetchRecord]:
        """Requests for the listed article links (resolved against the listing's URL), or why one is not fetched."""
        for link in links:
            out = self._page_request(_join(response, link.url), source, via, link)
            if out is not None:
                yield out

    def _page_request(self, url: str, source: str, via: str, link: Any) -> scrapy.Request | FetchRecord | None:
        if (bad := _bad_url(url)) is not None:
            return FetchRecord(url[:2000], source, "page", None, "bad_url", bad, now_iso())
        canonical = canonicalize_url(url)
        if canonical in self.skip:
            return FetchRecord(
                canonical, source, "page", None, "already_stored", "skipped: URL already in warehouse", now_iso()
            )
        if self.pages_requested[source] >= self.max_pages:
            return FetchRecord(canonical, source, "page", None, "page_limit", f"over {self.max_pages} pages", now_iso())
        if canonical in self.requested:
            return None
        self.requested.add(canonical)
        self.pages_requested[source] += 1
        # dont_filter: the spider dedupes pages itself, so a redirect back to the same URL is followed
        # until REDIRECT_MAX_TIMES and recorded as redirect_loop instead of vanishing in the dupefilter.
        # With a shared frontier the (Redis) dupefilter is what keeps two crawlers off the same page.
        return scrapy.Request(
            canonical,
            dont_filter=not self.settings.getbool("CLAIMWATCH_SHARED_FRONTIER"),
            callback=self.parse_page,
            errback=self.on_error,
            meta={
                "source": source,
                "role": "page",
                "via": via,
                "feed_title": getattr(link, "title", None),
                "feed_published": getattr(link, "published", None),
            },
        )

    def _record_ok(self, response: Response, extra: dict[str, Any] | None = None) -> FetchRecord:
        return FetchRecord(
            response.request.url if response.request else response.url,
            response.meta["source"],
            response.meta["role"],
            response.status,
            None,
            None,
            now_iso(),
            extra or {},
        )

    def _listing(
        self, response: Response, role: str, parse: Callable[[bytes], ParsedXml]
    ) -> Generator[FetchRecord, None, ParsedXml | None]:
        """Return a feed or sitemap parsed; or yield the record saying why not and return None.

        Why not: unchanged since the last crawl (304), or XML refused. Use as ``parsed = yield from ...``.
        """
        if (unchanged := self._not_modified(response)) is not None:
            yield unchanged
            return None
        try:
            return parse(response.body)
        except XmlRejected as exc:
            source = response.meta["source"]
            yield FetchRecord(response.url, source, role, response.status, exc.reason, exc.detail, now_iso())
            return None

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Parse a feed and request every linked article."""
        source = response.meta["source"]
        parsed = yield from self._listing(response, "feed", parse_feed)
        if parsed is None:
            return
        yield self._record_ok(
            response,
            {"links": len(parsed.links), "recovered_errors": parsed.recovered_errors, **self._validators(response)},
        )
        yield from self._page_requests(response, source, "feed", parsed.links)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Parse a sitemap or sitemap index; follow child sitemaps and request every recent page."""
        source = response.meta["source"]
        parsed = yield from self._listing(response, "sitemap", parse_sitemap)
        if parsed is None:
            return
        fresh = [link for link in parsed.links if not self._too_old(link)]
        yield self._record_ok(
            response,
            {
                "links": len(parsed.links),
                "sitemaps": len(parsed.sitemaps),
                "skipped_too_old": len(parsed.links) - len(fresh),
                **self._validators(response),
            },
        )
        depth = response.meta.get("depth_sitemap", 0)
        for child in parsed.sitemaps:
            if depth + 1 > MAX_SITEMAP_DEPTH:
                yield FetchRecord(child, source, "sitemap", None, "sitemap_too_deep", f"depth {depth + 1}", now_iso())
                continue
            out = self._xml_request(_join(response, child), self.parse_sitemap, source, "sitemap", depth + 1)
            if out is not None:
                yield out
        yield from self._page_requests(response, source, "sitemap", fresh)

    # -- pages and failures ----------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Land the response for cleaning; the cleaner decides whether it is an article."""
        meta = response.meta
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        requested = response.request.url if response.request else response.url
        redirected = meta.get("redirect_urls")
        url = canonicalize_url(redirected[0]) if redirected else requested
        ctype = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if ctype and not any(k in ctype for k in ("html", "xml", "text/")):
            yield FetchRecord(
                url, meta["source"], "page", response.status, "not_html", f"Content-Type {ctype}", now_iso()
            )
            return
        yield FetchedPage(
            url=url,
            final_url=response.url,
            source=meta["source"],
            status=response.status,
            headers=headers,
            content_type=headers.get("Content-Type"),
            fetched_at=now_iso(),
            body=response.body,
            discovered_via=meta.get("via"),
            feed_title=meta.get("feed_title"),
            feed_published=meta.get("feed_published"),
        )
        yield FetchRecord(url, meta["source"], "page", response.status, None, None, now_iso())

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Record a failed fetch with a reason an operator can group by."""
        request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on every download failure
        reason, status, detail = failure_reason(failure)
        yield FetchRecord(
            request.url,
            request.meta.get("source", "?"),
            request.meta.get("role", "page"),
            status,
            reason,
            detail,
            now_iso(),
        )
