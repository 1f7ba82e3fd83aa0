"""Items the news spider yields: a landed page, or one fetch outcome for the fetch log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FetchedPage:
    """One HTTP response for a candidate article page, as landed (body kept raw)."""

    url: str
    final_url: str
    source: str
    status: int
    headers: dict[str, str]
    content_type: str | None
    fetched_at: str
    body: bytes
    discovered_via: str | None = None
    feed_title: str | None = None
    feed_published: str | None = None


@dataclass
class FetchRecord:
    """One fetch outcome (success or failure) of any URL: feed, sitemap, robots or page."""

    url: str
    source: str
    role: str
    status: int | None
    error: str | None
    detail: str | None
    fetched_at: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)
