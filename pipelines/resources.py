"""Dagster resources: every side effect (DuckDB, crawling, notifications) sits behind one of these."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.delivery import Channel, Subscriber, make_channel, subscribers
from pipelines.settings import AlertSettings
from pipelines.subscriptions import Subscriptions
from spiders.crawl import CrawlResult, run_crawl
from spiders.sources import Source, load_sources
from warehouse.db import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Writers migrate it on open; readers open it read-only.

    Within one run in one process (the in-process executor, `claimwatch run`/`ingest`), the first writer's
    connection is kept and shared by every later step, reader or writer, and closed when the run ends: opening
    a DuckDB file costs ~30 ms, and a run has a dozen steps and checks. Outside a run (sensors, the CLI) and
    for readers before any writer, each block gets its own short-lived connection, as before.
    """

    db_path: str = "warehouse/claimwatch.duckdb"
    lock_wait_seconds: float = 120.0
    share_connection_in_run: bool = True
    _in_run: bool = PrivateAttr(default=False)
    _shared: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Start of a run (or of one step's process): no connection is opened until a step asks."""
        self._in_run = self.share_connection_in_run
        self._shared = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """End of the run: close the shared connection, releasing the file's lock."""
        self.release_connection()
        self._in_run = False

    def release_connection(self) -> None:
        """Close the run's shared connection (reopened on the next request).

        Called before a long crawl, so that readers can open the file meanwhile.
        """
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    @contextmanager
    def get_connection(
        self, read_only: bool = False, wait_seconds: float | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the warehouse for the duration of a block (the run's shared one when there is one).

        ``wait_seconds`` overrides how long to wait for another process's lock (sensors must answer within
        Dagster's 60 s evaluation limit, so they wait briefly and skip).
        """
        wait = self.lock_wait_seconds if wait_seconds is None else wait_seconds
        if self._in_run and (self._shared is not None or not read_only):
            if self._shared is None:
                self._shared = connect(self.db_path, read_only=False, wait_seconds=wait)
            yield self._shared
            return
        con = connect(self.db_path, read_only=read_only, wait_seconds=wait)
        try:
            yield con
        finally:
            con.close()


class CrawlerResource(dg.ConfigurableResource):
    """Runs the Scrapy crawl of a sources file in a child process."""

    sources_file: str = "sources.yaml"
    workdir: str | None = None
    timeout_seconds: float = 3600.0
    poll_state_file: str = ""  # the feed poller's state (feed_poll_sensor); "" = beside the sources file

    def crawl(
        self,
        skip_urls: list[str],
        feed_state: dict[str, dict[str, str | None]] | None = None,
        only_sources: list[str] | None = None,
        only_urls: dict[str, list[str]] | None = None,
    ) -> CrawlResult:
        """Crawl every source (or ``only_sources``); ``skip_urls`` are not fetched again; feeds are conditional.

        ``only_urls`` (source name -> article URLs, what a feed poll found new) crawls just those pages, with the
        sources file's crawl settings, under their sources' names.
        """
        config = load_sources(self.sources_file)
        if only_urls:
            config.sources = [Source(name, "urls", tuple(urls)) for name, urls in sorted(only_urls.items()) if urls]
        if only_sources is not None:
            unknown = set(only_sources) - {s.name for s in config.sources}
            if unknown:
                raise ValueError(f"{self.sources_file} has no source named {', '.join(sorted(unknown))}")
            config.sources = [s for s in config.sources if s.name in only_sources]
        return run_crawl(config, self.workdir, skip_urls, timeout=self.timeout_seconds, feed_state=feed_state)

    def poll_state_path(self) -> str:
        """Where the feed poller keeps its per-feed state: beside the sources file unless set."""
        return self.poll_state_file or str(Path(self.sources_file).with_suffix(".poll-state.json"))

    def source_names(self) -> list[str]:
        """Names of the configured sources (the keys of the by-source crawl partitions)."""
        return [s.name for s in load_sources(self.sources_file).sources]


class NotifierResource(dg.ConfigurableResource):
    """Alert delivery: Apprise URLs (CLAIMWATCH_ALERT_URLS) or, with none, stdout + an alerts.jsonl file."""

    alerts_file: str = "alerts.jsonl"
    echo: bool = True
    alert_urls: str = ""  # space/comma separated Apprise URLs; secrets, so set through dg.EnvVar
    settings_file: str = ""  # alert settings (watchlist, storm threshold, retries); default pipelines/alerts.yaml
    subscriptions_file: str = ""  # channels with filters and modes (pipelines/subscriptions.py); "" = one channel

    def settings(self) -> AlertSettings:
        """Watchlist, storm threshold and retry settings."""
        return AlertSettings.load(self.settings_file or None)

    def channel(self) -> Channel:
        """Where this run sends alerts."""
        return make_channel(self.alert_urls, self.alerts_file, self.echo, self.settings().timeout_seconds)

    def subscribers(self) -> list[Subscriber]:
        """Every channel with its filter and mode: the subscriptions file's, else the one channel above."""
        subscriptions = Subscriptions.load(self.subscriptions_file) if self.subscriptions_file else None
        return subscribers(subscriptions, self.alert_urls, self.alerts_file, self.echo, self.settings().timeout_seconds)
