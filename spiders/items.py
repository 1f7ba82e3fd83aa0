"""Items the news spider yields: a landed page, or one fetch outcome for the fetch log.

Both are the warehouse's landing records (warehouse/records.py); a crawled page also says how it was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.records import FetchOutcome, LandedPage

FetchRecord = FetchOutcome  # one fetch outcome, as the spider yields it


@dataclass
class FetchedPage(LandedPage):
    """A landed page plus how the crawl found it (the feed entry or sitemap that listed it)."""

    discovered_via: str | None = None
    feed_title: str | None = None
    feed_published: str | None = None
