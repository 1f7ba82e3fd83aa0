"""The records that cross from fetching into storage: a landed page and one fetch outcome.

They sit on the ground floor so the crawl (spiders/), archive ingest and the warehouse share one definition;
this module imports nothing of claimwatch and stores nothing. The spider's items extend them (spiders/items.py).
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
