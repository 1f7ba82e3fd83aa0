"""The asset graph, one module per stage: crawl (or archives) -> articles -> claims -> alerts (checks: checks.py)."""

from pipelines.assets.alerts import alerts
from pipelines.assets.archives import ArchivePaths, raw_pages_from_archives
from pipelines.assets.articles import articles
from pipelines.assets.claims import claim_mentions, claims, claims_by_day
from pipelines.assets.common import GROUP, OWNERS, column_schema
from pipelines.assets.crawl import SOURCES, CrawlScope, raw_pages, raw_pages_by_source

ALL_ASSETS = [raw_pages, articles, claim_mentions, claims, alerts]
BACKFILL_ASSETS = [claims_by_day]
BY_SOURCE_ASSETS = [raw_pages_by_source]
ARCHIVE_ASSETS = [raw_pages_from_archives]

__all__ = [
    "ALL_ASSETS",
    "ARCHIVE_ASSETS",
    "ArchivePaths",
    "BACKFILL_ASSETS",
    "BY_SOURCE_ASSETS",
    "GROUP",
    "OWNERS",
    "SOURCES",
    "CrawlScope",
    "alerts",
    "articles",
    "claim_mentions",
    "claims",
    "claims_by_day",
    "column_schema",
    "raw_pages",
    "raw_pages_by_source",
    "raw_pages_from_archives",
]
