"""Dagster resources: every side effect (DuckDB, crawling, notifications) sits behind one of these."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.delivery import AlertSettings, Channel, make_channel
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
    """Alert delivery: Apprise URLs (CLAIMWATCH_ALERT_URLS) or, with none, stdout + an alerts.jsonl file."""

    alerts_file: str = "alerts.jsonl"
    echo: bool = True
    alert_urls: str = ""  # space/comma separated Apprise URLs; secrets, so set through dg.EnvVar
    settings_file: str = ""  # alert settings (watchlist, storm threshold, retries); default pipelines/alerts.yaml

    def settings(self) -> AlertSettings:
        """Watchlist, storm threshold and retry settings."""
        return AlertSettings.load(self.settings_file or None)

    def channel(self) -> Channel:
        """Where this run sends alerts."""
        return make_channel(self.alert_urls, self.alerts_file, self.echo, self.settings().timeout_seconds)
