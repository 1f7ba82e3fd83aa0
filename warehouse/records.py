"""The records that cross into storage: a landed page, a fetch outcome, a page's verdict, an article.

They sit on the ground floor so the crawl (spiders/), archive ingest, cleaning and the warehouse share one
definition; this module imports nothing of claimwatch and stores nothing. The spider's items extend the landing
records (spiders/items.py); the warehouse's table modules insert and return these records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Self


@dataclass
class LandedPage:
    """One HTTP response for a candidate article page, as landed (body kept raw)."""

    url: str
    final_url: str
    source: str
    status: int
    headers: dict[str, str]
    content_type: str | None
    fetched_at: str  # ISO 8601
    body: bytes

    @classmethod
    def at(
        cls,
        url: str,
        source: str,
        body: bytes,
        fetched_at: str | None = None,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
    ) -> Self:
        """A 200 response of ``url`` with no redirect (a saved page, an archived response), fetched now by default."""
        when = fetched_at or datetime.now(UTC).isoformat()
        return cls(url, url, source, 200, headers or {}, content_type, when, body)


@dataclass
class FetchOutcome:
    """One fetch outcome (success or failure) of any URL: feed, sitemap, robots, page or archive file."""

    url: str
    source: str
    role: str
    status: int | None
    error: str | None
    detail: str | None
    fetched_at: str  # ISO 8601
    extra: dict[str, Any] = field(default_factory=dict)  # feed validators, counts of skipped entries

    @classmethod
    def fetched(cls, page: LandedPage, role: str = "page") -> Self:
        """The successful fetch that landed ``page``."""
        return cls(page.url, page.source, role, page.status, None, None, page.fetched_at)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


@dataclass
class PageVerdict:
    """Whether a landed page is an article, and why (a ``page_verdicts`` row)."""

    page_id: str
    url: str
    source: str
    is_article: bool
    reason: str | None
    signal: str | None
    judged_at: datetime


@dataclass
class Article:
    """A cleaned news article as the ``articles`` table keeps it (plus its text signature on the way in).

    The id is the hash of the canonicalised URL the page was fetched at. ``duplicate_of`` names the kept copy
    when this one is a copy (AMP, syndicated, same or near-same text); it is decided as the article is loaded.
    """

    article_id: str
    url: str
    canonical_url: str
    source: str
    text: str | None
    content_hash: str
    fetched_at: datetime
    published_at: datetime | None = None
    title: str | None = None
    author: str | None = None
    language: str | None = None
    sitename: str | None = None
    is_syndicated: bool = False
    is_amp: bool = False
    page_id: str | None = None
    duplicate_of: str | None = None
    duplicate_reason: str | None = None
    minhash: bytes | None = None  # MinHash signature of the text (cleaning workers sign; article_signatures)


@dataclass
class StoredPage:
    """A landed page as the warehouse returns it for cleaning: its id and what cleaning reads."""

    page_id: str
    url: str
    final_url: str
    source: str
    content_type: str | None
    fetched_at: datetime
    body: bytes | None
