"""Analyst queries used by the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warehouse.load import EVIDENCE_JOIN

CLAIM_COLUMNS = (
    "c.claim_id, c.subject_org, c.subject_model, coalesce(c.subject_group, '') AS subject_group, "
    "c.relation, c.object_org, c.object_model, coalesce(c.object_group, '') AS object_group, c.domain, "
    "c.negated, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count, "
    # the languages the claim was reported in, and the language of its first report (a Chinese report hours
    # before the first English one is what an analyst looks for)
    "(SELECT string_agg(DISTINCT ar.language, ',' ORDER BY ar.language) FROM claim_mentions m "
    "JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS languages, "
    "fa.language AS first_language, fa.source AS first_source, fa.url AS first_url, "
    "coalesce(fa.published_at, fa.fetched_at) AS first_published_at, "
    "m.claimant, m.claimant_name, m.hedged, m.sentence AS evidence"
)
CLAIM_FROM = "claims c LEFT JOIN articles fa ON fa.article_id = c.first_article_id " + EVIDENCE_JOIN


def claims_query(
    only_new: bool = False, relation: str | None = None, org: str | None = None, since: str | None = None
) -> tuple[str, list[Any]]:
    """SQL and parameters for `claimwatch claims` filters."""
    where: list[str] = []
    params: list[Any] = []
    if only_new:
        where.append("c.created_run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)")
    if relation:
        where.append("c.relation = ?")
        params.append(relation)
    if org:
        where.append("(lower(c.subject_org) = lower(?) OR lower(c.object_org) = lower(?))")
        params += [org, org]
    if since:
        where.append("c.first_seen_at >= CAST(? AS DATE)")
        params.append(since)
    sql = f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY c.first_seen_at, c.claim_id", params


QUIET_SOURCES_SQL = """
WITH last_run AS (SELECT source, arg_max(run_id, fetched_at) AS run_id FROM fetch_log GROUP BY source),
hist AS (SELECT DISTINCT source FROM articles WHERE duplicate_of IS NULL),
attempts AS (
    SELECT f.source,
           count(*) FILTER (WHERE f.role = 'page' AND f.error IS NULL) AS fetched,
           count(*) FILTER (WHERE f.error IS NOT NULL AND f.error <> 'already_stored') AS failed
    FROM fetch_log f JOIN last_run l ON l.source = f.source AND l.run_id = f.run_id GROUP BY f.source
),
kept AS (
    SELECT a.source, count(*) AS n FROM articles a JOIN raw_pages r ON r.page_id = a.page_id
    JOIN last_run l ON l.source = a.source AND l.run_id = r.run_id GROUP BY a.source
)
SELECT h.source, t.fetched, t.failed FROM hist h JOIN attempts t ON t.source = h.source
LEFT JOIN kept k ON k.source = h.source
WHERE coalesce(k.n, 0) = 0 AND (t.fetched > 0 OR t.failed > 0)
ORDER BY h.source
"""


def quiet_sources(con: Any) -> list[tuple[str, int, int]]:
    """Sources that yielded articles before but none in their latest run although they fetched or failed.

    An unchanged feed (HTTP 304) is not "quiet": only a run that tried and got nothing counts, the
    sign of a redesign (pages no longer clean to articles) or a block (fetches failing).
    """
    return [tuple(r) for r in con.execute(QUIET_SOURCES_SQL).fetchall()]


EXPORTED_TABLES = (
    "articles",
    "claims",
    "claim_mentions",
    "alerts",
    "entities",
    "fetch_log",
    "page_verdicts",
    "feed_state",
    "runs",
)


def export_tables(con: Any, out_dir: Path, overwrite: bool = False) -> list[tuple[str, Path, int]]:
    """Write each analyst table to ``out_dir/<table>.parquet`` (zstd); return (table, path, rows).

    The rows are streamed as Arrow record batches and written by pyarrow, so no path ever goes into SQL (a
    directory name with a quote is just a name) and the connection can be the sandboxed one. A folder that
    already holds files is refused unless ``overwrite``.
    """
    import pyarrow.parquet as pq

    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} exists and is not a folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise FileExistsError(f"{out_dir} is not empty: choose an empty folder or pass --overwrite")
    out_dir.mkdir(parents=True, exist_ok=True)
    done = []
    for table in EXPORTED_TABLES:
        path = out_dir / f"{table}.parquet"
        reader = con.execute(f"SELECT * FROM {table}").to_arrow_reader(65536)  # names from EXPORTED_TABLES
        rows = 0
        with pq.ParquetWriter(path, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
        done.append((table, path, rows))
    return done
