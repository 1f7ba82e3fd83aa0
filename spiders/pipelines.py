"""Item pipeline: append every item to the run's landing file (JSON lines)."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import IO, Any

from scrapy.crawler import Crawler

from spiders.items import FetchedPage, FetchRecord


class LandingFilePipeline:
    """Write pages and fetch records to the landing file named by CLAIMWATCH_LANDING_FILE.

    Each line is flushed as it is written, so a crawl that dies part-way keeps what it fetched.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.fh: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LandingFilePipeline:
        """Read the landing file path from settings."""
        path = crawler.settings.get("CLAIMWATCH_LANDING_FILE")
        if not path:
            raise ValueError("CLAIMWATCH_LANDING_FILE is not set")
        return cls(path)

    def open_spider(self, spider: object = None) -> None:
        """Open the landing file for appending."""
        self.fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close_spider

    def close_spider(self, spider: object = None) -> None:
        """Close the landing file."""
        if self.fh:
            self.fh.close()

    def process_item(self, item: Any, spider: object = None) -> Any:
        """Serialise one item as a JSON line."""
        assert self.fh is not None
        if isinstance(item, FetchedPage):
            row = asdict(item)
            row["body"] = base64.b64encode(item.body).decode("ascii")
            row["kind"] = "page"
        elif isinstance(item, FetchRecord):
            row = item.to_dict()
            row["kind"] = "fetch"
        else:
            raise TypeError(f"unexpected item type {type(item).__name__}")
        self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.fh.flush()
        return item
