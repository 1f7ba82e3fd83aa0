"""Materialize the asset graph in-process (the code path `claimwatch run` and the demo share with the UI)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

import dagster as dg

from pipelines.assets import ALL_ASSETS, raw_pages_from_archives
from pipelines.checks import ALL_CHECKS
from pipelines.definitions import build_resources
from pipelines.progress import progress_logger
from pipelines.resources import ArchiveRoots
from warehouse.alerts import alert_details
from warehouse.db import connect, exclusive_run
from warehouse.records import Alert
from warehouse.reports import run_counts

# Quiet runs print nothing of Dagster's own: a failure is summed up in the summary's first line (and kept in
# the runs table); `--verbose` shows Dagster's log with tracebacks.
QUIET_LOGGING = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RunSummary:
    """What one pipeline run did, read back from the warehouse by run id."""

    run_id: str
    success: bool
    error: str | None = None  # the first failure of a failed run (also in runs.error)
    pages_fetched: int = 0
    fetch_failures: int = 0
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    pages_skipped_known: int = 0
    feeds_not_modified: int = 0
    crawl_stats: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)  # asset check name -> passed
    not_articles: int = 0
    articles_kept: int = 0
    duplicates: int = 0
    claims_total: int = 0
    mentions_new: int = 0
    alerts_new: list[Alert] = field(default_factory=list)
    kind: str = "crawl"  # crawl | ingest | reextract: which lines the summary shows

    @property
    def nothing_reachable(self) -> bool:
        """A crawl whose every fetch failed (offline, a DNS or proxy failure): 'ok' alone would hide it."""
        answered = self.pages_fetched + self.pages_skipped_known + self.feeds_not_modified
        return self.kind == "crawl" and self.fetch_failures > 0 and answered == 0

    @property
    def undelivered(self) -> list[Alert]:
        """The new alerts of the run that a channel wants and has not accepted (they stay in the outbox, retried)."""
        return [d for d in self.alerts_new if d.status not in ("delivered", "filtered")]

    def _delivery_note(self) -> str:
        if not self.alerts_new:
            return ""
        missed = len(self.undelivered)
        if not missed:
            return f" ({len(self.alerts_new)} delivered)"
        return f" ({len(self.alerts_new) - missed} delivered, {missed} NOT delivered)"

    def lines(self) -> list[str]:
        """Readable summary lines."""
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(self.failures_by_reason.items())) or "none"
        outcome = "ok" if self.success else f"FAILED: {self.error or 'see --verbose'}"
        if self.success and self.nothing_reachable:
            outcome = f"ok, but NOTHING WAS REACHABLE: all {self.fetch_failures} fetches failed (offline? see below)"
        crawl = [
            f"  pages fetched:        {self.pages_fetched}",
            f"  already stored:       {self.pages_skipped_known} (not fetched again)",
            f"  feeds unchanged:      {self.feeds_not_modified} (HTTP 304)",
            f"  fetch failures:       {self.fetch_failures} ({reasons})",
        ]
        if self.kind == "ingest":
            crawl = [
                f"  pages read:           {self.pages_fetched}",
                f"  files not read:       {self.fetch_failures} ({reasons})",
            ]
        elif self.kind == "reextract":
            crawl = []
        return [
            f"run {self.run_id}: {outcome}",
            *crawl,
            f"  not articles:         {self.not_articles}",
            f"  articles kept:        {self.articles_kept}",
            f"  duplicates:           {self.duplicates}",
            f"  claim mentions (new): {self.mentions_new}",
            f"  claims (total):       {self.claims_total}",
            f"  new alerts:           {len(self.alerts_new)}" + self._delivery_note(),
            "  checks:               "
            + (
                "all passed"
                if all(self.checks.values())
                else "FAILED: " + ", ".join(sorted(k for k, ok in self.checks.items() if not ok))
            )
            + f" ({len(self.checks)})",
        ]


def run_failure(result: dg.ExecuteInProcessResult) -> str | None:
    """The first failed step of a run and its message, in one line; None for a successful run."""
    if result.success:
        return None
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            data = event.step_failure_data
            if data.user_failure_data is not None and data.user_failure_data.description:
                message = data.user_failure_data.description
            else:
                message = data.error.message if data.error else (event.message or "failed")
            return f"{event.step_key}: {message.strip().splitlines()[-1][:500]}"
    return "the Dagster run failed"


def record_outcome(db_path: str, run_id: str, error: str | None) -> None:
    """Store the run's outcome in the warehouse's runs table (the run row exists once raw_pages started)."""
    from warehouse.runs import record_run_outcome

    con = connect(db_path)
    try:
        record_run_outcome(con, run_id, error)
    finally:
        con.close()


def summarize(
    db_path: str, run_id: str, success: bool, error: str | None = None, dagster_run_id: str | None = None
) -> RunSummary:
    """Read the counts of one run from the warehouse (alerts: those created by ``dagster_run_id`` or ``run_id``)."""
    s = RunSummary(run_id=run_id, success=success, error=error)
    con = connect(db_path, read_only=True)
    try:
        counts = run_counts(con, run_id)
        for key, value in counts.items():
            setattr(s, key, value)
        s.fetch_failures = sum(s.failures_by_reason.values())
        s.alerts_new = alert_details(con, run_id=dagster_run_id or run_id)
    finally:
        con.close()
    return s


class RunOptions(TypedDict, total=False):
    """How a run started from Python or the CLI reports and delivers (every entry point takes the same)."""

    echo_alerts: bool  # print delivered alerts to stdout (default False)
    instance: dg.DagsterInstance | None  # default: $DAGSTER_HOME's instance when set, else an ephemeral one
    quiet: bool  # Dagster's own logging at warnings only (default True)
    alert_urls: str | None  # Apprise URLs; default CLAIMWATCH_ALERT_URLS, else stdout + the alerts file
    run_wait: float  # seconds to wait for another run on the same warehouse to finish (default 60), then refuse
    progress: bool  # stage lines on stderr even when it is not a terminal (default: only on a terminal)


def run_pipeline(
    sources_file: str | Path,
    db_path: str | Path,
    alerts_file: str | Path = "alerts.jsonl",
    **options: Unpack[RunOptions],
) -> RunSummary:
    """Materialize every asset once against ``sources_file`` into ``db_path``; return the run's summary.

    Uses the Dagster instance in ``$DAGSTER_HOME`` when set (so CLI runs show in the UI), else an
    ephemeral one. Alert channels: ``alert_urls``, else CLAIMWATCH_ALERT_URLS, else stdout + ``alerts_file``.
    """
    with exclusive_run(db_path, options.get("run_wait", 60.0)):
        result = _materialize(ALL_ASSETS, "cli", str(sources_file), db_path, alerts_file, options)
        return _summary(result, db_path)


def _summary(
    result: dg.ExecuteInProcessResult, db_path: str | Path, run_id: str | None = None, kind: str = "crawl"
) -> RunSummary:
    """Record the run's outcome (ok, or failed and why) on its row and read its summary back.

    ``run_id``: the warehouse run that started the Dagster run ``result`` outside Dagster (reextract); by default
    the Dagster run is the warehouse run. ``kind`` (crawl, ingest, reextract) chooses the summary's lines.
    """
    own = run_id or result.run_id
    error = run_failure(result)
    record_outcome(str(db_path), own, error)
    summary = summarize(str(db_path), own, result.success, error, dagster_run_id=result.run_id)
    if run_id:
        summary.run_id = f"{run_id} (dagster run {result.run_id})"
    summary.checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    summary.kind = kind
    return summary


def _materialize(
    assets: list,
    trigger: str,
    sources_file: str,
    db_path: str | Path,
    alerts_file: str | Path,
    options: RunOptions,
    asset_config: dict[str, Any] | None = None,
    archive_roots: ArchiveRoots | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize ``assets`` and every asset check in-process with the claimwatch resources."""
    instance = options.get("instance")
    if instance is None and os.environ.get("DAGSTER_HOME"):
        instance = dg.DagsterInstance.get()
    resources = build_resources(
        db_path=str(db_path),
        sources_file=sources_file,
        alerts_file=str(alerts_file),
        echo_alerts=options.get("echo_alerts", False),
        alert_urls=options.get("alert_urls"),  # None: CLAIMWATCH_ALERT_URLS when set (build_resources)
        archive_roots=archive_roots,
    )
    # dg.materialize's ephemeral job, with the progress logger beside the console one (materialize() takes no
    # loggers, so the same Definitions is built here)
    defs = dg.Definitions(
        jobs=[dg.define_asset_job(name="claimwatch_cli_run")],
        assets=[*assets, *ALL_CHECKS],
        resources=resources,
        loggers={"console": dg.default_loggers()["console"], "progress": progress_logger},
    )
    progress = {"config": {"always": True}} if options.get("progress") else {}
    run_config: dict[str, Any] = {"loggers": {"progress": progress}, **(asset_config or {})}
    if options.get("quiet", True):
        run_config["loggers"].update(QUIET_LOGGING["loggers"])
    return defs.resolve_job_def("claimwatch_cli_run").execute_in_process(
        run_config=run_config, instance=instance, raise_on_error=False, tags={"claimwatch/trigger": trigger}
    )


def ingest_paths(
    paths: list[str],
    db_path: str | Path,
    source: str = "archive",
    alerts_file: str | Path = "alerts.jsonl",
    **options: Unpack[RunOptions],
) -> RunSummary:
    """Land saved HTML / WARC files (``raw_pages_from_archives``, streamed in batches) and run every asset after it.

    One Dagster run, like :func:`run_pipeline`, whose summary it returns.
    """
    assets = [raw_pages_from_archives, *(a for a in ALL_ASSETS if a.key != dg.AssetKey("raw_pages"))]
    config = {"ops": {"raw_pages_from_archives": {"config": {"paths": [str(p) for p in paths], "source": source}}}}
    with exclusive_run(db_path, options.get("run_wait", 60.0)):
        roots = ArchiveRoots.named([str(p) for p in paths])  # the caller named them: no wider, no narrower
        result = _materialize(assets, "ingest", "(ingest)", db_path, alerts_file, options, config, roots)
        return _summary(result, db_path, kind="ingest")


def reextract_since(
    since: str, db_path: str | Path, alerts_file: str | Path = "alerts.jsonl", **options: Unpack[RunOptions]
) -> tuple[int, RunSummary]:
    """Run the current claim rules again over kept articles published since ``since`` (YYYY-MM-DD).

    Their mentions are replaced, claims rebuilt, and claims the new rules find for the first time get alerts,
    as in a run. Returns (articles marked, summary).
    """
    from warehouse.claims import forget_extractions
    from warehouse.runs import start_run

    run_id = f"reextract-{uuid.uuid4()}"
    with exclusive_run(db_path, options.get("run_wait", 60.0)):
        con = connect(str(db_path))
        try:
            start_run(con, run_id, f"reextract since {since}")
            marked = forget_extractions(con, since)
            upstream = {dg.AssetKey("raw_pages"), dg.AssetKey("raw_pages_by_source"), dg.AssetKey("articles")}
            downstream = [a for a in ALL_ASSETS if a.key not in upstream]
            result = _materialize(downstream, "reextract", "(reextract)", db_path, alerts_file, options)
        finally:
            con.close()
        return marked, _summary(result, db_path, run_id, kind="reextract")
