"""Dagster resources: every side effect (DuckDB, crawling, notifications) sits behind one of these."""

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.alerting import alert_payload, format_alert
from spiders.crawl import CrawlResult, run_crawl
from spiders.sources import load_sources
from warehouse.db import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Writers migrate it on open; readers open it read-only."""

    db_path: str = "warehouse/claimwatch.duckdb"
    lock_wait_seconds: float = 120.0

    @contextmanager
    def get_connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the warehouse for the duration of a block."""
        con = connect(self.db_path, read_only=read_only, wait_seconds=self.lock_wait_seconds)
        try:
            yield con
        finally:
            con.close()


class CrawlerResource(dg.ConfigurableResource):
    """Runs the Scrapy crawl of a sources file in a child process."""

    sources_file: str = "sources.yaml"
    workdir: str | None = None
    timeout_seconds: float = 3600.0

    def crawl(self, skip_urls: list[str], feed_state: dict[str, dict[str, str | None]] | None = None) -> CrawlResult:
        """Crawl every source; ``skip_urls`` are not fetched again; feeds are conditional on ``feed_state``."""
        config = load_sources(self.sources_file)
        return run_crawl(config, self.workdir, skip_urls, timeout=self.timeout_seconds, feed_state=feed_state)


class NotifierResource(dg.ConfigurableResource):
    """Delivers alerts: appends each payload to a JSON-lines file and (optionally) prints it."""

    alerts_file: str = "alerts.jsonl"
    echo: bool = True

    @property
    def channel(self) -> str:
        """Channel name recorded on delivered alerts."""
        return "stdout+file" if self.echo else "file"

    def send(self, detail: dict[str, Any]) -> None:
        """Deliver one alert; raises on failure so the caller records it and retries later."""
        payload = alert_payload(detail)
        path = Path(self.alerts_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(payload, ensure_ascii=False) + "\n")
        if self.echo:
            print(format_alert(detail), file=sys.stdout, flush=True)
