"""Dagster resources: every side effect (DuckDB, crawling, notifications) sits behind one of these."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field, PrivateAttr

from pipelines.delivery import Subscriber, subscribers
from pipelines.settings import ClaimwatchSettings
from pipelines.subscriptions import Subscriptions
from spiders.crawl import CrawlResult, run_crawl
from spiders.sources import Source, SourcesConfig, load_sources
from warehouse.db import connect

ARCHIVE_ROOTS_VARIABLE = "CLAIMWATCH_ARCHIVE_ROOTS"
DEFAULT_ARCHIVE_ROOT = "archives"


@dataclass(frozen=True)
class ArchiveRoots:
    """The folders (or files) the archive ingest may read; a file whose real path is under none is refused.

    A plain object handed to Dagster as a resource, not a ``ConfigurableResource``, on purpose: Dagster lets the
    launchpad override any resource's config for one run, so roots kept in config could be widened by whoever
    launches the job, which is the person they confine. They come from the deployment's environment instead.
    """

    folders: tuple[Path, ...]

    @classmethod
    def from_environment(cls) -> "ArchiveRoots":
        """``CLAIMWATCH_ARCHIVE_ROOTS`` (``os.pathsep``-separated), else ``archives/`` in the working directory."""
        given = [r for r in os.environ.get(ARCHIVE_ROOTS_VARIABLE, "").split(os.pathsep) if r.strip()]
        return cls.named(given or [DEFAULT_ARCHIVE_ROOT])

    @classmethod
    def named(cls, paths: list[str]) -> "ArchiveRoots":
        """Exactly these paths (``claimwatch ingest``: what its user named on the command line)."""
        return cls(tuple(Path(p).expanduser().resolve() for p in paths))


class SettingsResource(dg.ConfigurableResource):
    """The run's settings (``pipelines/settings.yaml``, ``alerts.yaml``, worker processes), read once per run.

    The files are read and validated when the run starts (a bad file fails the run before any stage) and every
    asset, check and sensor of the run reads the same :class:`ClaimwatchSettings` through :meth:`get`.
    """

    orchestration_file: str = ""  # "" = the packaged pipelines/settings.yaml
    alert_settings_file: str = ""  # "" = the packaged pipelines/alerts.yaml
    workers: int = Field(0, ge=0)  # clean/extract processes; 0 = one per core (CLAIMWATCH_WORKERS via dg.EnvVar)
    _loaded: ClaimwatchSettings | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Start of a run: read and validate the settings once."""
        self._loaded = self._load()

    def get(self) -> ClaimwatchSettings:
        """The settings of this run (read on first use outside a run, e.g. by a sensor)."""
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def _load(self) -> ClaimwatchSettings:
        return ClaimwatchSettings.load(self.orchestration_file or None, self.alert_settings_file or None, self.workers)


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
    """Runs the Scrapy crawl of a sources file in a child process.

    The sources file is parsed once per run (or sensor tick), on first use, and handed on as an object: to the
    crawl's child process as the parsed configuration, never as the file to parse again.
    """

    sources_file: str = "sources.yaml"
    workdir: str | None = None
    timeout_seconds: float = 3600.0
    poll_state_file: str = ""  # the feed poller's state (feed_poll_sensor); "" = beside the sources file
    _sources: SourcesConfig | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Start of a run: the sources file is read afresh (on first use)."""
        self._sources = None

    def sources(self) -> SourcesConfig:
        """The parsed sources file (parsed on the first call; later calls get the same configuration)."""
        if self._sources is None:
            self._sources = load_sources(self.sources_file)
        return self._sources

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
        config = self.sources()
        if only_urls:
            chosen = [Source(name, "urls", tuple(urls)) for name, urls in sorted(only_urls.items()) if urls]
            config = replace(config, sources=chosen)
        if only_sources is not None:
            unknown = set(only_sources) - {s.name for s in config.sources}
            if unknown:
                raise ValueError(f"{self.sources_file} has no source named {', '.join(sorted(unknown))}")
            config = replace(config, sources=[s for s in config.sources if s.name in only_sources])
        return run_crawl(config, self.workdir, skip_urls, timeout=self.timeout_seconds, feed_state=feed_state)

    def poll_state_path(self) -> str:
        """Where the feed poller keeps its per-feed state: beside the sources file unless set."""
        return self.poll_state_file or str(Path(self.sources_file).with_suffix(".poll-state.json"))

    def source_names(self) -> list[str]:
        """Names of the configured sources (the keys of the by-source crawl partitions)."""
        return [s.name for s in self.sources().sources]


class NotifierResource(dg.ConfigurableResource):
    """Alert delivery: Apprise URLs (CLAIMWATCH_ALERT_URLS) or, with none, stdout + an alerts.jsonl file."""

    alerts_file: str = "alerts.jsonl"
    echo: bool = True
    alert_urls: str = ""  # space/comma separated Apprise URLs; secrets, so set through dg.EnvVar
    subscriptions_file: str = ""  # channels with filters and modes (pipelines/subscriptions.py); "" = one channel

    def subscribers(self, timeout_seconds: float) -> list[Subscriber]:
        """Every channel with its filter and mode: the subscriptions file's, else the one channel above.

        ``timeout_seconds`` bounds each send (alert settings' ``timeout_seconds``).
        """
        subscriptions = Subscriptions.load(self.subscriptions_file) if self.subscriptions_file else None
        return subscribers(subscriptions, self.alert_urls, self.alerts_file, self.echo, timeout_seconds)
