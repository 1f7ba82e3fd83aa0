"""Idempotent, transactional loads into the warehouse: landed pages, articles, claim mentions, claims, alerts.

Every function that writes runs in one transaction; rows go in through Arrow tables in bulk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import scalar, transaction

# An alert is due for delivery: pending, or failed and past its wait, with attempts left (parameter: max attempts).
# Due for delivery: waiting or failed with attempts left and past its wait, or claimed by a delivery whose lease
# ran out (the sender died between claiming and recording; the alert is sent again under the same key).
DUE_ALERTS_WHERE = (
    "al.status IN ('pending', 'failed', 'sending') AND al.attempts < ? "
    "AND (al.next_attempt_at IS NULL OR al.next_attempt_at <= now()) "
    "AND NOT EXISTS (SELECT 1 FROM claims sc WHERE sc.claim_id = al.claim_id AND sc.suppressed)"
)


def sha1(*parts: object) -> str:
    """Short stable id from parts."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    or_ignore: bool = False,
) -> int:
    """Bulk-insert ``rows`` (dicts) into ``table`` through an Arrow table; return the row count given."""
    if not rows:
        return 0
    data = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    name = f"incoming_{table}"
    con.register(name, data)
    try:
        cols = ", ".join(columns)
        verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)
    return len(rows)


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count of a table."""
    return int(scalar(con, f"SELECT count(*) FROM {table}"))


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, sources_file: str | None) -> None:
    """Record that a pipeline run started (used by `claimwatch claims --new`)."""
    con.execute(
        "INSERT OR IGNORE INTO runs (run_id, started_at, sources_file) VALUES (?, now(), ?)", [run_id, sources_file]
    )


def finish_crawl(con: duckdb.DuckDBPyConnection, run_id: str, stats: dict[str, Any]) -> None:
    """Store the crawl's figures (requests, peak memory, ...) on the run's row."""
    con.execute("UPDATE runs SET finished_at = now(), summary = ? WHERE run_id = ?", [json.dumps(stats), run_id])


def record_run_outcome(con: duckdb.DuckDBPyConnection, run_id: str, error: str | None) -> None:
    """Mark a run 'ok' or 'failed' (keeping the first error recorded for it) and its finish time."""
    con.execute(
        "UPDATE runs SET status = CASE WHEN ? IS NULL AND coalesce(status, 'ok') = 'ok' THEN 'ok' ELSE 'failed' END, "
        "error = coalesce(error, ?), finished_at = coalesce(finished_at, now()) WHERE run_id = ?",
        [error, error, run_id],
    )


# -- crawl landing ----------------------------------------------------------------------------------
def known_urls(con: duckdb.DuckDBPyConnection) -> list[str]:
    """URLs already stored (landed pages and the canonical URLs of articles): not fetched again."""
    rows = con.execute(
        "SELECT url FROM raw_pages WHERE status = 200 UNION SELECT final_url FROM raw_pages WHERE status = 200 "
        "UNION SELECT canonical_url FROM articles"
    ).fetchall()
    return [r[0] for r in rows]


def feed_state(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    """ETag / Last-Modified per feed or sitemap URL, for conditional requests."""
    rows = con.execute("SELECT url, etag, last_modified FROM feed_state").fetchall()
    return {u: {"etag": e, "last_modified": lm} for u, e, lm in rows}


FEED_STATE_SQL = """
INSERT INTO feed_state (url, source, etag, last_modified, last_status, checked_at, changed_at)
SELECT url, source, etag, last_modified, status, fetched_at, CASE WHEN status = 200 THEN fetched_at END
FROM incoming_feed_state
ON CONFLICT (url) DO UPDATE SET
    etag = CASE WHEN excluded.last_status = 200 THEN excluded.etag ELSE feed_state.etag END,
    last_modified = CASE WHEN excluded.last_status = 200 THEN excluded.last_modified ELSE feed_state.last_modified END,
    last_status = excluded.last_status, checked_at = excluded.checked_at,
    changed_at = coalesce(excluded.changed_at, feed_state.changed_at)
"""


RAW_PAGE_COLUMNS = [
    "page_id", "url", "final_url", "source", "status", "headers", "content_type", "fetched_at", "body", "body_sha1",
    "run_id",
]  # fmt: skip
FETCH_LOG_COLUMNS = ["url", "source", "role", "status", "error", "detail", "fetched_at", "run_id"]


def _raw_page_row(run_id: str, p: dict[str, Any]) -> dict[str, Any]:
    """One landed page as a ``raw_pages`` row; its id is the final URL and the body's hash."""
    body: bytes = p["body"]
    body_sha1 = hashlib.sha1(body).hexdigest()
    return {
        "page_id": sha1(p["final_url"], body_sha1),
        "url": p["url"],
        "final_url": p["final_url"],
        "source": p["source"],
        "status": p["status"],
        "headers": json.dumps(p.get("headers") or {}),
        "content_type": p.get("content_type"),
        "fetched_at": datetime.fromisoformat(p["fetched_at"]),
        "body": body,
        "body_sha1": body_sha1,
        "run_id": run_id,
    }


def _fetch_log_row(run_id: str, f: dict[str, Any]) -> dict[str, Any]:
    """One fetch outcome as a ``fetch_log`` row."""
    return {
        "url": f["url"],
        "source": f["source"],
        "role": f.get("role"),
        "status": f.get("status"),
        "error": f.get("error"),
        "detail": f.get("detail"),
        "fetched_at": datetime.fromisoformat(f["fetched_at"]),
        "run_id": run_id,
    }


def _store_feed_state(con: duckdb.DuckDBPyConnection, fetches: list[dict[str, Any]]) -> None:
    """Upsert the validators (ETag, Last-Modified) of every feed and sitemap fetched with 200 or 304."""
    state_rows = [
        {
            "url": f["url"],
            "source": f["source"],
            "etag": (f.get("extra") or {}).get("etag"),
            "last_modified": (f.get("extra") or {}).get("last_modified"),
            "status": f.get("status"),
            "fetched_at": datetime.fromisoformat(f["fetched_at"]),
        }
        for f in fetches
        if f.get("role") in ("feed", "sitemap") and f.get("status") in (200, 304)
    ]
    # one row per URL (the last outcome), so the upsert never sees a key twice
    state_rows = list({r["url"]: r for r in state_rows}.values())
    if state_rows:
        con.register("incoming_feed_state", pa.Table.from_pylist(state_rows))
        try:
            con.execute(FEED_STATE_SQL)
        finally:
            con.unregister("incoming_feed_state")


def load_crawl(
    con: duckdb.DuckDBPyConnection, run_id: str, pages: Iterable[dict[str, Any]], fetches: Iterable[dict[str, Any]]
) -> dict[str, int]:
    """Land crawled pages in ``raw_pages`` (ignoring exact repeats) and every fetch outcome in ``fetch_log``."""
    page_rows = [_raw_page_row(run_id, p) for p in pages]
    fetches = list(fetches)
    fetch_rows = [_fetch_log_row(run_id, f) for f in fetches]
    with transaction(con):
        before = count(con, "raw_pages")
        insert_rows(con, "raw_pages", page_rows, RAW_PAGE_COLUMNS, or_ignore=True)
        new_pages = count(con, "raw_pages") - before
        _store_feed_state(con, fetches)
        insert_rows(con, "fetch_log", fetch_rows, FETCH_LOG_COLUMNS)
    return {
        "pages_landed": new_pages,
        "fetches_logged": len(fetch_rows),
        "fetch_failures": sum(1 for f in fetch_rows if f["error"] and f["error"] != "already_stored"),
    }


UNJUDGED_WHERE = "status = 200 AND NOT EXISTS (SELECT 1 FROM page_verdicts v WHERE v.page_id = r.page_id)"
PAGE_COLUMNS = "page_id, url, final_url, source, content_type, fetched_at, body"


def dict_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every row of an executed query as a dict keyed by column name."""
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def unjudged_pages(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Landed 200 responses not yet cleaned and judged, with bodies, in landing order (all at once)."""
    return pages_at_rowids(con, unjudged_page_rowids(con))


def unjudged_page_rowids(con: duckdb.DuckDBPyConnection) -> list[int]:
    """DuckDB row ids of the landed 200 responses not yet judged, in landing order.

    Bodies are then read batch by batch with :func:`pages_at_rowids`. Row ids, not page ids: DuckDB 2.0 stores
    bodies ZSTD-compressed, and a scan filtered on ``page_id`` decompresses far more than it returns (50 pages
    in 0.8 s against 0.05 s by row id). Row ids stay valid while no raw_pages row is deleted, which nothing
    does during a run (the articles asset is the single writer).
    """
    sql = f"SELECT rowid FROM raw_pages r WHERE {UNJUDGED_WHERE} ORDER BY fetched_at, url"
    return [r[0] for r in con.execute(sql).fetchall()]


def pages_at_rowids(con: duckdb.DuckDBPyConnection, rowids: Sequence[int]) -> list[dict[str, Any]]:
    """Landed pages (with bodies) at ``rowids``, in the order given."""
    cur = con.execute(f"SELECT rowid AS _rowid, {PAGE_COLUMNS} FROM raw_pages WHERE rowid = ANY(?)", [list(rowids)])
    rows = {r.pop("_rowid"): r for r in dict_rows(cur)}
    return [rows[i] for i in rowids if i in rows]


# -- articles ----------------------------------------------------------------------------------------
ARTICLE_COLUMNS = [
    "article_id",
    "url",
    "canonical_url",
    "source",
    "title",
    "author",
    "published_at",
    "fetched_at",
    "language",
    "sitename",
    "text",
    "content_hash",
    "duplicate_of",
    "duplicate_reason",
    "is_syndicated",
    "is_amp",
    "page_id",
]


def insert_verdicts(con: duckdb.DuckDBPyConnection, verdicts: Sequence[dict[str, Any]]) -> int:
    """Record page verdicts (a page judged before keeps its first verdict)."""
    return insert_rows(
        con,
        "page_verdicts",
        verdicts,
        ["page_id", "url", "source", "is_article", "reason", "signal", "judged_at"],
        or_ignore=True,
    )


def existing_article_ids(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> set[str]:
    """Which of these article ids are stored already."""
    if not article_ids:
        return set()
    rows = con.execute(
        "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [list(article_ids)]
    ).fetchall()
    return {r[0] for r in rows}


def copy_groups(
    con: duckdb.DuckDBPyConnection,
    canonical_urls: Sequence[str],
    content_hashes: Sequence[str],
    article_ids: Sequence[str],
) -> list[dict[str, Any]]:
    """Stored copy groups touching the given canonical URLs, content hashes or article ids.

    Every member of each group is returned: the kept copy and all its duplicates.
    """
    cur = con.execute(
        f"""
        WITH hit AS (
            SELECT article_id, duplicate_of FROM articles
            WHERE canonical_url IN (SELECT unnest(?)) OR content_hash IN (SELECT unnest(?))
               OR article_id IN (SELECT unnest(?))),
        keepers AS (SELECT coalesce(duplicate_of, article_id) AS k FROM hit)
        SELECT {", ".join(ARTICLE_COLUMNS)} FROM articles
        WHERE article_id IN (SELECT k FROM keepers) OR duplicate_of IN (SELECT k FROM keepers)
        """,
        [list(canonical_urls), list(content_hashes), list(article_ids)],
    )
    return dict_rows(cur)


def insert_articles(
    con: duckdb.DuckDBPyConnection, articles: Sequence[dict[str, Any]], signatures: dict[str, bytes]
) -> int:
    """Insert new articles (``duplicate_of`` already decided) and their text signatures."""
    insert_rows(
        con,
        "article_signatures",
        [{"article_id": a["article_id"], "minhash": signatures[a["article_id"]]} for a in articles],
        ["article_id", "minhash"],
        or_ignore=True,
    )
    return insert_rows(con, "articles", articles, ARTICLE_COLUMNS)


def set_duplicate_of(
    con: duckdb.DuckDBPyConnection, article_id: str, duplicate_of: str | None, reason: str | None
) -> None:
    """Record which article a stored copy duplicates (None: it is the kept copy).

    A copy that is no longer kept loses its claim mentions, so claims never count a copy twice.
    """
    con.execute(
        "UPDATE articles SET duplicate_of = ?, duplicate_reason = ? WHERE article_id = ?",
        [duplicate_of, reason, article_id],
    )
    if duplicate_of is not None:
        con.execute("DELETE FROM claim_mentions WHERE article_id = ?", [article_id])
        con.execute("DELETE FROM article_extractions WHERE article_id = ?", [article_id])


def stored_signatures(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """Every stored article's text signature, as stored."""
    return {aid: bytes(b) for aid, b in con.execute("SELECT article_id, minhash FROM article_signatures").fetchall()}


# -- claims ------------------------------------------------------------------------------------------
MENTION_COLUMNS = [
    "mention_id",
    "claim_id",
    "article_id",
    "subject",
    "subject_org",
    "subject_model",
    "subject_group",
    "relation",
    "object",
    "object_org",
    "object_model",
    "object_group",
    "domain",
    "negated",
    "sentence",
    "claimant",
    "claimant_name",
    "hedged",
    "start_char",
    "end_char",
    "extracted_at",
    "subject_model_in_gazetteer",
    "object_model_in_gazetteer",
    "disputed",
]


def stage_extractions(
    con: duckdb.DuckDBPyConnection, results: Sequence[dict[str, Any]], extractor_version: str, seed_key: str
) -> int:
    """Keep the cleaning workers' extraction results for the claim_mentions asset (replacing older ones)."""
    if not results:
        return 0
    now = utcnow()
    rows = [
        {
            "article_id": r["article_id"],
            "extractor_version": extractor_version,
            "seed_key": seed_key,
            "content_hash": r["content_hash"],
            "mentions": json.dumps(r["mentions"]),
            "introduced": json.dumps(r["introduced"]),
            "error": r["error"],
            "staged_at": now,
        }
        for r in {r["article_id"]: r for r in results}.values()
    ]
    with transaction(con):
        con.execute(
            "DELETE FROM staged_extractions WHERE article_id IN (SELECT unnest(?))", [[r["article_id"] for r in rows]]
        )
        return insert_rows(
            con,
            "staged_extractions",
            rows,
            [
                "article_id",
                "extractor_version",
                "seed_key",
                "content_hash",
                "mentions",
                "introduced",
                "error",
                "staged_at",
            ],
        )


def staged_extractions(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], extractor_version: str, seed_key: str
) -> dict[str, dict[str, Any]]:
    """Usable staged results of ``article_ids``: {article_id: result}.

    Usable: made with this rules version and seed, from the text the article has now.
    """
    if not article_ids:
        return {}
    rows = con.execute(
        "SELECT s.article_id, s.mentions, s.introduced, s.error FROM staged_extractions s "
        "JOIN articles a ON a.article_id = s.article_id AND a.content_hash = s.content_hash "
        "WHERE s.article_id IN (SELECT unnest(?)) AND s.extractor_version = ? AND s.seed_key = ?",
        [list(article_ids), extractor_version, seed_key],
    ).fetchall()
    return {
        a: {"article_id": a, "mentions": json.loads(m), "introduced": json.loads(i), "error": e} for a, m, i, e in rows
    }


def drop_staged(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], extractor_version: str) -> None:
    """Delete the staged results of ``article_ids`` (just loaded) and every stale one.

    Stale: made by another rules version, or for an article that is a copy, gone, or already extracted with
    this version.
    """
    con.execute(
        "DELETE FROM staged_extractions s WHERE s.article_id IN (SELECT unnest(?)) OR s.extractor_version <> ? "
        "OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = s.article_id AND a.duplicate_of IS NULL) "
        "OR EXISTS (SELECT 1 FROM article_extractions e WHERE e.article_id = s.article_id "
        "           AND e.extractor_version = ?)",
        [list(article_ids), extractor_version, extractor_version],
    )


def articles_to_extract(con: duckdb.DuckDBPyConnection, extractor_version: str) -> list[dict[str, Any]]:
    """Kept articles never run through this version of the claim rules."""
    cur = con.execute(
        "SELECT a.article_id, a.text, a.title, a.url, a.published_at FROM articles a "
        "LEFT JOIN article_extractions e ON e.article_id = a.article_id "
        "WHERE a.duplicate_of IS NULL AND (e.article_id IS NULL OR e.extractor_version <> ?) "
        "ORDER BY a.article_id",
        [extractor_version],
    )
    return dict_rows(cur)


def forget_extractions(con: duckdb.DuckDBPyConnection, since: str) -> int:
    """Mark kept articles published (undated: fetched) on or after ``since`` (a date) as not yet extracted.

    The next claim_mentions materialization reads them again with the current rules and replaces their
    mentions; judgements stay (they are keyed by claim and mention ids, which re-extraction keeps).
    """
    with transaction(con):
        ids = [
            r[0]
            for r in con.execute(
                "SELECT article_id FROM articles WHERE duplicate_of IS NULL "
                "AND coalesce(published_at, fetched_at) >= CAST(? AS DATE)",
                [since],
            ).fetchall()
        ]
        con.execute("DELETE FROM article_extractions WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        con.execute("DELETE FROM staged_extractions WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    return len(ids)


def articles_published_on(con: duckdb.DuckDBPyConnection, day: str) -> list[dict[str, Any]]:
    """Kept articles published (or, undated, fetched) on ``day`` (YYYY-MM-DD, UTC)."""
    cur = con.execute(
        "SELECT article_id, text, title, url, published_at FROM articles WHERE duplicate_of IS NULL "
        "AND CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) = CAST(? AS DATE) ORDER BY article_id",
        [day],
    )
    return dict_rows(cur)


def load_mentions(
    con: duckdb.DuckDBPyConnection,
    article_ids: Sequence[str],
    mentions: Sequence[dict[str, Any]],
    extractor_version: str,
) -> dict[str, int]:
    """Replace the mentions of ``article_ids`` with ``mentions`` and record the extraction, in one transaction."""
    now = utcnow()
    per_article: dict[str, int] = {a: 0 for a in article_ids}
    for m in mentions:
        m.setdefault("extracted_at", now)
        m["disputed"] = bool(m.get("disputed"))  # mentions from before the flag existed were not doubted
        per_article[m["article_id"]] = per_article.get(m["article_id"], 0) + 1
    rows = list({m["mention_id"]: m for m in mentions}.values())
    with transaction(con):
        if article_ids:
            con.execute("DELETE FROM claim_mentions WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])
            con.execute("DELETE FROM article_extractions WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])
        insert_rows(con, "claim_mentions", rows, MENTION_COLUMNS)
        insert_rows(
            con,
            "article_extractions",
            [
                {"article_id": a, "extractor_version": extractor_version, "mention_count": n, "extracted_at": now}
                for a, n in per_article.items()
            ],
            ["article_id", "extractor_version", "mention_count", "extracted_at"],
        )
    return {"articles_extracted": len(per_article), "mentions": len(rows)}


REFRESH_CLAIMS_SQL = """
CREATE OR REPLACE TEMP TABLE judged_wrong AS
SELECT target_kind, target_id FROM v_current_reviews WHERE verdict = 'wrong';
CREATE OR REPLACE TEMP TABLE counted_mentions AS
SELECT m.* FROM claim_mentions m
WHERE NOT EXISTS (SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = m.mention_id)
   OR NOT EXISTS (SELECT 1 FROM claim_mentions o WHERE o.claim_id = m.claim_id AND NOT EXISTS (
       SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = o.mention_id));
CREATE OR REPLACE TEMP TABLE claim_agg AS
SELECT m.claim_id,
       arg_min(m.subject_org,   coalesce(a.published_at, a.fetched_at)) AS subject_org,
       arg_min(m.subject_model, coalesce(a.published_at, a.fetched_at)) AS subject_model,
       arg_min(m.subject_group, coalesce(a.published_at, a.fetched_at)) AS subject_group,
       arg_min(m.relation,      coalesce(a.published_at, a.fetched_at)) AS relation,
       arg_min(m.object_org,    coalesce(a.published_at, a.fetched_at)) AS object_org,
       arg_min(m.object_model,  coalesce(a.published_at, a.fetched_at)) AS object_model,
       arg_min(m.object_group,  coalesce(a.published_at, a.fetched_at)) AS object_group,
       arg_min(m.domain,        coalesce(a.published_at, a.fetched_at)) AS domain,
       bool_or(m.negated) AS negated,
       min(coalesce(a.published_at, a.fetched_at)) AS first_seen_at,
       max(coalesce(a.published_at, a.fetched_at)) AS last_seen_at,
       arg_min(a.article_id, coalesce(a.published_at, a.fetched_at)) AS first_article_id,
       count(*)::INTEGER AS mention_count,
       count(*) FILTER (WHERE m.disputed)::INTEGER AS disputed_count,
       count(DISTINCT a.source)::INTEGER AS source_count,
       arg_min(m.claimant, CASE m.claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END
               * 10 + CASE WHEN m.claimant_name IS NULL THEN 1 ELSE 0 END) AS strongest_claimant,
       arg_min(m.claimant_name, CASE m.claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END
               * 10 + CASE WHEN m.claimant_name IS NULL THEN 1 ELSE 0 END) AS strongest_claimant_name
FROM counted_mentions m JOIN articles a ON a.article_id = m.article_id
WHERE a.duplicate_of IS NULL
GROUP BY m.claim_id;
DELETE FROM claims WHERE claim_id NOT IN (SELECT claim_id FROM claim_agg);
INSERT OR REPLACE INTO claims (claim_id, subject_org, subject_model, subject_group, relation, object_org,
    object_model, object_group, domain, negated, first_seen_at, last_seen_at, first_article_id, mention_count,
    source_count, created_at, created_run_id, strongest_claimant, strongest_claimant_name, suppressed, disputed_count)
SELECT g.claim_id, g.subject_org, g.subject_model, g.subject_group, g.relation, g.object_org, g.object_model,
       g.object_group, g.domain, g.negated, g.first_seen_at, g.last_seen_at, g.first_article_id, g.mention_count,
       g.source_count, coalesce(old.created_at, now()), CASE WHEN old.claim_id IS NULL THEN ?
       ELSE old.created_run_id END, g.strongest_claimant, g.strongest_claimant_name,
       EXISTS (SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'claim' AND w.target_id = g.claim_id)
       OR NOT EXISTS (SELECT 1 FROM claim_mentions o WHERE o.claim_id = g.claim_id AND NOT EXISTS (
           SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = o.mention_id)),
       g.disputed_count
FROM claim_agg g LEFT JOIN claims old ON old.claim_id = g.claim_id;
DROP TABLE claim_agg;
DROP TABLE counted_mentions;
DROP TABLE judged_wrong;
"""


def refresh_claims(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict[str, int]:
    """Rebuild the ``claims`` rows from mentions in kept articles (one row per claim key).

    A claim keeps its ``created_at``/``created_run_id`` across refreshes; new claims get now and ``run_id``.
    """
    with transaction(con):
        before = count(con, "claims")
        rebuild_claims(con, run_id)
        after = count(con, "claims")
    return {"claims": after, "claims_delta": after - before}


def rebuild_claims(con: duckdb.DuckDBPyConnection, run_id: str | None) -> None:
    """Rebuild ``claims`` inside the caller's transaction (see :func:`refresh_claims`)."""
    for statement in filter(str.strip, REFRESH_CLAIMS_SQL.split(";")):
        con.execute(statement, [run_id] if "?" in statement else [])


REFRESH_ENTITIES_SQL = """
CREATE OR REPLACE TEMP TABLE entity_sightings AS
SELECT 'firm' AS kind, org AS name, org AS firm, list_contains(?, org) AS in_gazetteer, ts, article_id
FROM (SELECT m.subject_org AS org, coalesce(a.published_at, a.fetched_at) AS ts, a.article_id
      FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.subject_org IS NOT NULL
      UNION ALL
      SELECT m.object_org, coalesce(a.published_at, a.fetched_at), a.article_id
      FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.object_org IS NOT NULL
      UNION ALL
      SELECT m.claimant_name, coalesce(a.published_at, a.fetched_at), a.article_id
      FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.claimant_name IS NOT NULL)
UNION ALL
SELECT 'model', model, firm, coalesce(known, FALSE), ts, article_id
FROM (SELECT m.subject_model AS model, m.subject_org AS firm, m.subject_model_in_gazetteer AS known,
             coalesce(a.published_at, a.fetched_at) AS ts, a.article_id
      FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.subject_model IS NOT NULL
      UNION ALL
      SELECT m.object_model, m.object_org, m.object_model_in_gazetteer, coalesce(a.published_at, a.fetched_at),
             a.article_id
      FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.object_model IS NOT NULL);
CREATE OR REPLACE TEMP TABLE entity_agg AS
SELECT kind || ':' || name AS entity_id, kind, name, arg_min(firm, ts) AS firm, bool_or(in_gazetteer) AS in_gazetteer,
       min(ts) AS first_seen_at, arg_min(article_id, ts) AS first_article_id, count(*)::INTEGER AS mention_count
FROM entity_sightings GROUP BY kind, name;
DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM entity_agg);
INSERT OR REPLACE INTO entities (entity_id, kind, name, firm, in_gazetteer, first_seen_at, first_article_id,
    mention_count, created_at)
SELECT g.entity_id, g.kind, g.name, g.firm, g.in_gazetteer, g.first_seen_at, g.first_article_id, g.mention_count,
       coalesce(old.created_at, now())
FROM entity_agg g LEFT JOIN entities old ON old.entity_id = g.entity_id;
DROP TABLE entity_sightings;
DROP TABLE entity_agg
"""


def refresh_entities(con: duckdb.DuckDBPyConnection, gazetteer_firms: Sequence[str]) -> dict[str, int]:
    """Rebuild ``entities`` from claim mentions; firms not in ``gazetteer_firms`` are flagged for curation."""
    with transaction(con):
        for statement in filter(str.strip, REFRESH_ENTITIES_SQL.split(";")):
            con.execute(statement, [list(gazetteer_firms)] if "?" in statement else [])
        total = count(con, "entities")
        unknown = int(scalar(con, "SELECT count(*) FROM entities WHERE NOT in_gazetteer"))
    return {"entities": total, "entities_not_in_gazetteer": unknown}


def discovered_entities(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    """(kind, name, firm) of entities not in the gazetteer, to seed the extractor for later articles."""
    return [
        tuple(r)
        for r in con.execute(
            "SELECT kind, name, firm FROM entities WHERE NOT in_gazetteer ORDER BY first_seen_at"
        ).fetchall()
    ]


# A story is a (subject firm, object firm) pair of parity/surpass claims: model, domain and outlet variants of it
# are one story. Each statement below writes at most one alert per story and kind; every alert id is stable, so a
# refresh never writes one twice.
STORY = "c.subject_org || ' | ' || c.object_org"
STORY_CLAIMS = (
    "SELECT *, row_number() OVER (PARTITION BY subject_org, object_org ORDER BY first_seen_at, claim_id) AS n "
    "FROM claims c WHERE c.relation IN ('parity', 'surpass') AND NOT c.suppressed "
    "AND c.subject_org IS NOT NULL AND c.object_org IS NOT NULL"
)
NAMED_THIRD_PARTY = "c.strongest_claimant = 'third_party' AND c.strongest_claimant_name IS NOT NULL"
ASSERTED = "c.mention_count > c.disputed_count"  # some report states it without doubting it
ALERT_COLUMNS = (
    "INSERT INTO alerts (alert_id, claim_id, relation, created_at, status, attempts, priority, kind, run_id, "
    "story_key, claimant) "
)
PRIORITY = (
    "list_has_any([lower(c.subject_org), lower(c.subject_model), lower(c.object_org), lower(c.object_model)], "
    "?::VARCHAR[])"
)
CREATE_ALERTS_SQL = [
    # new: the story's first claim (its strongest claimant over every claim of the story so far)
    ALERT_COLUMNS
    + f"""SELECT substr(md5(c.claim_id || ':' || c.relation), 1, 20), c.claim_id, c.relation, now(), 'pending', 0,
       {PRIORITY}, 'new', ?, {STORY},
       CASE WHEN EXISTS (SELECT 1 FROM claims o WHERE o.subject_org = c.subject_org AND o.object_org = c.object_org
                         AND o.relation IN ('parity', 'surpass') AND NOT o.negated AND NOT o.suppressed
                         AND o.strongest_claimant = 'third_party' AND o.strongest_claimant_name IS NOT NULL)
            THEN 'third_party' ELSE c.strongest_claimant END
FROM ({STORY_CLAIMS} AND NOT c.negated AND {ASSERTED}) c
WHERE c.n = 1 AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY})""",
    # relation_change: a parity story now has a surpass claim
    ALERT_COLUMNS
    + f"""SELECT substr(md5(c.claim_id || ':' || c.relation), 1, 20), c.claim_id, c.relation, now(), 'pending', 0,
       {PRIORITY}, 'relation_change', ?, {STORY}, c.strongest_claimant
FROM ({STORY_CLAIMS} AND NOT c.negated AND {ASSERTED} AND c.relation = 'surpass') c
WHERE c.n = 1 AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY})
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY} AND x.relation = 'surpass')""",
    # confirmed: a story first alerted on its firm's or an outlet's word now has a named third party's
    ALERT_COLUMNS
    + f"""SELECT substr(md5({STORY} || ':confirmed'), 1, 20), c.claim_id, c.relation, now(), 'pending', 0,
       {PRIORITY}, 'confirmed', ?, {STORY}, c.strongest_claimant
FROM ({STORY_CLAIMS} AND NOT c.negated AND {ASSERTED} AND {NAMED_THIRD_PARTY}) c
WHERE c.n = 1
  AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY} AND x.kind = 'new'
              AND coalesce(x.claimant, 'outlet') <> 'third_party')
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY} AND x.kind = 'confirmed')""",
    # disputed: a named party denies an alerted story, or a report of it says it is doubted
    ALERT_COLUMNS
    + f"""SELECT substr(md5({STORY} || ':disputed'), 1, 20), c.claim_id, c.relation, now(), 'pending', 0,
       {PRIORITY}, 'disputed', ?, {STORY}, c.strongest_claimant
FROM ({STORY_CLAIMS} AND ((c.negated AND {NAMED_THIRD_PARTY}) OR (NOT c.negated AND c.disputed_count > 0))) c
WHERE c.n = 1 AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY})
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = {STORY} AND x.kind = 'disputed')""",
    # unnamed: "a Chinese AI model matches Anthropic" never alerts on its own; it goes out in a digest
    ALERT_COLUMNS
    + f"""SELECT substr(md5(c.claim_id || ':' || c.relation), 1, 20), c.claim_id, c.relation, now(), 'pending', 0,
       {PRIORITY}, 'unnamed', ?, NULL, c.strongest_claimant
FROM claims c
WHERE c.relation IN ('parity', 'surpass') AND NOT c.negated AND NOT c.suppressed AND {ASSERTED}
  AND c.subject_org IS NULL AND c.object_org IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.claim_id = c.claim_id)""",
]


def _create_alerts(con: duckdb.DuckDBPyConnection, watchlist: Sequence[str], run_id: str | None) -> int:
    before = count(con, "alerts")
    for statement in CREATE_ALERTS_SQL:
        con.execute(statement, [[w.lower() for w in watchlist], run_id])
    return count(con, "alerts") - before


def create_alerts(
    con: duckdb.DuckDBPyConnection, watchlist: Sequence[str] = (), run_id: str | None = None
) -> dict[str, int]:
    """Outbox alerts per story (subject firm, object firm), never twice: see :data:`CREATE_ALERTS_SQL`.

    A story alerts once when it first appears (``new``) and again only when it changes in kind:
    ``relation_change`` (parity, now surpass), ``confirmed`` (a named third party, after the firm's own or an
    outlet's word), ``disputed`` (a named party denies it). A claim with no named subject is ``unnamed`` and
    goes out only in a digest. A claim touching a watched firm or model is marked priority.
    """
    with transaction(con):
        new = _create_alerts(con, watchlist, run_id)
        total = count(con, "alerts")
    return {"alerts_new": new, "alerts": total}


def refresh_claims_and_outbox(
    con: duckdb.DuckDBPyConnection, run_id: str | None, watchlist: Sequence[str] = ()
) -> dict[str, int]:
    """Refresh claims and write their outbox alerts in one transaction (a crash loses both or neither)."""
    with transaction(con):
        before = count(con, "claims")
        rebuild_claims(con, run_id)
        after = count(con, "claims")
        new_alerts = _create_alerts(con, watchlist, run_id)
    return {"claims": after, "claims_delta": after - before, "alerts_new": new_alerts}


# A claim's evidence: the sentence of its first article from the strongest claimant (a named third party, then the
# firm itself, then the outlet). Joined as ``m`` onto a query over ``claims c``.
EVIDENCE_JOIN = """
LEFT JOIN LATERAL (
    SELECT sentence, claimant, claimant_name, hedged FROM claim_mentions mm
    WHERE mm.claim_id = c.claim_id AND mm.article_id = c.first_article_id
    ORDER BY CASE claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END, claimant_name IS NULL,
             start_char LIMIT 1
) m ON TRUE
"""

ALERT_DETAIL_SQL = (
    """
SELECT al.alert_id, al.status, al.created_at, al.delivered_at, al.priority, al.kind, al.attempts, al.digest_id,
       al.last_error, al.story_key, al.claimant AS story_claimant,
       c.claim_id,
       c.subject_org, c.subject_model,
       c.subject_group, c.relation, c.object_org, c.object_model, c.object_group, c.domain, c.first_seen_at,
       c.mention_count, c.source_count, a.url AS first_url, a.source AS first_source, a.title AS first_title,
       a.language AS first_language,
       (SELECT string_agg(DISTINCT ar.language, ',' ORDER BY ar.language) FROM claim_mentions lm
        JOIN articles ar ON ar.article_id = lm.article_id WHERE lm.claim_id = c.claim_id) AS languages,
       m.sentence, m.claimant, m.claimant_name, m.hedged
FROM alerts al
JOIN claims c ON c.claim_id = al.claim_id
LEFT JOIN articles a ON a.article_id = c.first_article_id
"""
    + EVIDENCE_JOIN
)


def _alert_details(con: duckdb.DuckDBPyConnection, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = con.execute(ALERT_DETAIL_SQL + f" WHERE {where} ORDER BY c.first_seen_at, al.alert_id", list(params))
    return dict_rows(cur)


def alert_details(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str] | None = None, run_id: str | None = None
) -> list[dict[str, Any]]:
    """Alerts (all, these ids, or those a run wrote) joined with their claim, first source and evidence sentence."""
    if alert_ids is not None:
        return _alert_details(con, "al.alert_id IN (SELECT unnest(?))", [list(alert_ids)])
    if run_id is not None:
        return _alert_details(con, "al.run_id = ?", [run_id])
    return _alert_details(con, "TRUE", [])


def due_alerts_summary(con: duckdb.DuckDBPyConnection, max_attempts: int) -> tuple[int, str | None, int]:
    """Alerts due for delivery now: how many, the newest one's creation time, and their attempts so far."""
    row = con.execute(
        f"SELECT count(*), max(al.created_at)::VARCHAR, coalesce(sum(al.attempts), 0) FROM alerts al "
        f"WHERE {DUE_ALERTS_WHERE}",
        [max_attempts],
    ).fetchall()[0]
    return int(row[0]), row[1], int(row[2])


def claim_due_alerts(con: duckdb.DuckDBPyConnection, max_attempts: int, lease_seconds: float) -> list[str]:
    """Take every due alert for one delivery, in one transaction: status 'sending' for ``lease_seconds``.

    A concurrent delivery (another run, the sensor's run) finds them not due and sends nothing twice; if this
    one dies before recording the outcome, the lease runs out and they are due again.
    """
    with transaction(con):
        ids = [
            r[0]
            for r in con.execute(f"SELECT alert_id FROM alerts al WHERE {DUE_ALERTS_WHERE}", [max_attempts]).fetchall()
        ]
        if ids:
            con.execute(
                "UPDATE alerts SET status = 'sending', next_attempt_at = now() + to_seconds(?) "
                "WHERE alert_id IN (SELECT unnest(?))",
                [float(lease_seconds), ids],
            )
    return ids


def assign_digest(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], digest_id: str) -> None:
    """Record that these alerts go out together as ``digest_id``, before the first attempt.

    A retry then resends the same digest, with the same members, under the same id.
    """
    con.execute("UPDATE alerts SET digest_id = ? WHERE alert_id IN (SELECT unnest(?))", [digest_id, list(alert_ids)])


def mark_alerts(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[str],
    delivered: bool,
    channel: str,
    error: str | None = None,
    backoff_seconds: float = 0.0,
    digest_id: str | None = None,
) -> None:
    """Record one delivery outcome for alerts, in one transaction.

    Delivered: time, channel and digest. Failed: the error, and the next attempt after
    ``backoff_seconds * 2 ** attempts so far`` (so each alert backs off by its own attempt count).
    """
    if not alert_ids:
        return
    ids = list(alert_ids)
    with transaction(con):
        if delivered:
            con.execute(
                "UPDATE alerts SET status = 'delivered', delivered_at = now(), channel = ?, attempts = attempts + 1, "
                "last_error = NULL, next_attempt_at = NULL, digest_id = coalesce(?, digest_id) "
                "WHERE alert_id IN (SELECT unnest(?))",
                [channel, digest_id, ids],
            )
        else:
            con.execute(
                "UPDATE alerts SET status = 'failed', channel = ?, attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = now() + to_seconds(? * pow(2, attempts)) WHERE alert_id IN (SELECT unnest(?))",
                [channel, error, float(backoff_seconds), ids],
            )


def mark_alerts_filtered(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> None:
    """Record that no immediate channel subscribes to these alerts (status 'filtered'; digests may still carry them)."""
    if alert_ids:
        con.execute(
            "UPDATE alerts SET status = 'filtered', next_attempt_at = NULL WHERE alert_id IN (SELECT unnest(?))",
            [list(alert_ids)],
        )


def channel_deliveries(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The per-channel rows of these alerts: alert_id, channel, digest_id, status (planned or delivered)."""
    cur = con.execute(
        "SELECT alert_id, channel, digest_id, status FROM alert_deliveries WHERE alert_id IN (SELECT unnest(?)) "
        "ORDER BY alert_id, channel",
        [list(alert_ids)],
    )
    return dict_rows(cur)


def record_channel_deliveries(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], channel: str, status: str, digest_id: str | None
) -> None:
    """Write (or move on) the per-channel rows of alerts: ``planned`` in a digest, or ``delivered``."""
    if not alert_ids:
        return
    con.execute(
        """INSERT INTO alert_deliveries (alert_id, channel, digest_id, status, delivered_at)
           SELECT unnest(?), ?, ?, ?, CASE WHEN ? = 'delivered' THEN now() END
           ON CONFLICT (alert_id, channel) DO UPDATE SET digest_id = excluded.digest_id, status = excluded.status,
               delivered_at = excluded.delivered_at""",
        [list(alert_ids), channel, digest_id, status, status],
    )


def last_delivery_at(con: duckdb.DuckDBPyConnection, channel: str) -> datetime | None:
    """When ``channel`` last accepted anything (None: never)."""
    value = scalar(
        con, "SELECT max(delivered_at) FROM alert_deliveries WHERE channel = ? AND status = 'delivered'", [channel]
    )
    return value if isinstance(value, datetime) else None


def alerts_not_delivered_to(
    con: duckdb.DuckDBPyConnection, channel: str, created_since: datetime
) -> list[dict[str, Any]]:
    """Alerts written since ``created_since`` (of claims not judged wrong) that ``channel`` has not accepted yet."""
    return _alert_details(
        con,
        "al.created_at >= ? AND al.status <> 'suppressed' AND NOT c.suppressed AND NOT EXISTS "
        "(SELECT 1 FROM alert_deliveries ad WHERE ad.alert_id = al.alert_id AND ad.channel = ? "
        "AND ad.status = 'delivered')",
        [created_since, channel],
    )
