"""The ``runs`` table: when a pipeline run started and finished, its crawl figures and its outcome."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from warehouse.statements import execute


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, sources_file: str | None) -> None:
    """Record that a pipeline run started (used by `claimwatch claims --new`)."""
    execute(con, "start_run", [run_id, sources_file])


def finish_crawl(con: duckdb.DuckDBPyConnection, run_id: str, stats: dict[str, Any]) -> None:
    """Store the crawl's figures (requests, peak memory, ...) on the run's row."""
    execute(con, "finish_crawl", [json.dumps(stats), run_id])


def record_run_outcome(con: duckdb.DuckDBPyConnection, run_id: str, error: str | None) -> None:
    """Mark a run 'ok' or 'failed' (keeping the first error recorded for it) and its finish time."""
    execute(con, "record_run_outcome", {"error": error, "run_id": run_id})
