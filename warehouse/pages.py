"""Landed pages and what is known of them.

``raw_pages`` (bodies as fetched), ``fetch_log`` (every fetch outcome), ``feed_state`` (feed validators for
conditional requests) and ``page_verdicts`` (is a page an article, and why).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import transaction
from warehouse.records import FetchOutcome, LandedPage, PageVerdict, StoredPage
from warehouse.rows import count, dict_rows, insert_rows, sha1
from warehouse.statements import execute

RAW_PAGE_COLUMNS = [
    "page_id", "url", "final_url", "source", "status", "headers", "content_type", "fetched_at", "body", "body_sha1",
    "run_id",
]  # fmt: skip
FETCH_LOG_COLUMNS = ["url", "source", "role", "status", "error", "detail", "fetched_at", "run_id"]
VERDICT_COLUMNS = ["page_id", "url", "source", "is_article", "reason", "signal", "judged_at"]
LANDING_BATCH = 200  # pages a raw_pages insert takes at once: a crawl's bodies are never all in memory


def known_urls(con: duckdb.DuckDBPyConnection) -> list[str]:
    """URLs already stored (landed pages and the canonical URLs of articles): not fetched again."""
    return [r[0] for r in execute(con, "known_urls").fetchall()]


def feed_state(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    """ETag / Last-Modified per feed or sitemap URL, for conditional requests."""
    rows = execute(con, "feed_validators").fetchall()
    return {u: {"etag": e, "last_modified": lm} for u, e, lm in rows}


def _raw_page_row(run_id: str, p: LandedPage) -> dict[str, Any]:
    """One landed page as a ``raw_pages`` row; its id is the final URL and the body's hash."""
    body_sha1 = hashlib.sha1(p.body).hexdigest()
    return {
        "page_id": sha1(p.final_url, body_sha1),
        "url": p.url,
        "final_url": p.final_url,
        "source": p.source,
        "status": p.status,
        "headers": json.dumps(p.headers or {}),
        "content_type": p.content_type,
        "fetched_at": datetime.fromisoformat(p.fetched_at),
        "body": p.body,
        "body_sha1": body_sha1,
        "run_id": run_id,
    }


def _fetch_log_row(run_id: str, f: FetchOutcome) -> dict[str, Any]:
    """One fetch outcome as a ``fetch_log`` row."""
    return {
        "url": f.url,
        "source": f.source,
        "role": f.role,
        "status": f.status,
        "error": f.error,
        "detail": f.detail,
        "fetched_at": datetime.fromisoformat(f.fetched_at),
        "run_id": run_id,
    }


def _store_feed_state(con: duckdb.DuckDBPyConnection, fetches: list[FetchOutcome]) -> None:
    """Upsert the validators (ETag, Last-Modified) of every feed and sitemap fetched with 200 or 304."""
    state_rows = [
        {
            "url": f.url,
            "source": f.source,
            "etag": (f.extra or {}).get("etag"),
            "last_modified": (f.extra or {}).get("last_modified"),
            "status": f.status,
            "fetched_at": datetime.fromisoformat(f.fetched_at),
        }
        for f in fetches
        if f.role in ("feed", "sitemap") and f.status in (200, 304)
    ]
    # one row per URL (the last outcome), so the upsert never sees a key twice
    state_rows = list({r["url"]: r for r in state_rows}.values())
    if state_rows:
        con.register("incoming_feed_state", pa.Table.from_pylist(state_rows))
        try:
            execute(con, "upsert_feed_state")
        finally:
            con.unregister("incoming_feed_state")


def load_crawl(
    con: duckdb.DuckDBPyConnection, run_id: str, pages: Iterable[LandedPage], fetches: Iterable[FetchOutcome]
) -> dict[str, int]:
    """Land crawled pages in ``raw_pages`` (ignoring exact repeats) and every fetch outcome in ``fetch_log``.

    One transaction; ``pages`` is read :data:`LANDING_BATCH` at a time, so a stream of pages is never held whole.
    """
    fetches = list(fetches)
    fetch_rows = [_fetch_log_row(run_id, f) for f in fetches]
    with transaction(con):
        before = count(con, "raw_pages")
        stream = iter(pages)
        while batch := [_raw_page_row(run_id, p) for p in islice(stream, LANDING_BATCH)]:
            insert_rows(con, "raw_pages", batch, RAW_PAGE_COLUMNS, or_ignore=True)
        new_pages = count(con, "raw_pages") - before
        _store_feed_state(con, fetches)
        insert_rows(con, "fetch_log", fetch_rows, FETCH_LOG_COLUMNS)
    return {
        "pages_landed": new_pages,
        "fetches_logged": len(fetch_rows),
        "fetch_failures": sum(1 for f in fetch_rows if f["error"] and f["error"] != "already_stored"),
    }


def unjudged_pages(con: duckdb.DuckDBPyConnection) -> list[StoredPage]:
    """Landed 200 responses not yet cleaned and judged, with bodies, in landing order (all at once)."""
    return pages_at_rowids(con, unjudged_page_rowids(con))


def unjudged_page_rowids(con: duckdb.DuckDBPyConnection) -> list[int]:
    """DuckDB row ids of the landed 200 responses not yet judged, in landing order.

    Bodies are then read batch by batch with :func:`pages_at_rowids`. Row ids, not page ids: DuckDB 2.0 stores
    bodies ZSTD-compressed, and a scan filtered on ``page_id`` decompresses far more than it returns (50 pages
    in 0.8 s against 0.05 s by row id). Row ids stay valid while no raw_pages row is deleted, which nothing
    does during a run (the articles asset is the single writer).
    """
    return [r[0] for r in execute(con, "unjudged_page_rowids").fetchall()]


def pages_at_rowids(con: duckdb.DuckDBPyConnection, rowids: Sequence[int]) -> list[StoredPage]:
    """Landed pages (with bodies) at ``rowids``, in the order given."""
    rows = {r.pop("_rowid"): StoredPage(**r) for r in dict_rows(execute(con, "pages_at_rowids", [list(rowids)]))}
    return [rows[i] for i in rowids if i in rows]


def insert_verdicts(con: duckdb.DuckDBPyConnection, verdicts: Sequence[PageVerdict]) -> int:
    """Record page verdicts (a page judged before keeps its first verdict)."""
    return insert_rows(con, "page_verdicts", verdicts, VERDICT_COLUMNS, or_ignore=True)
