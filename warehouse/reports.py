"""Reports: the analyst queries of the CLI, run summaries and the asset checks' counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warehouse.db import scalar
from warehouse.rows import dict_rows

CLAIM_COLUMNS = (
    "c.claim_id, c.subject_org, c.subject_model, coalesce(c.subject_group, '') AS subject_group, "
    "c.relation, c.object_org, c.object_model, coalesce(c.object_group, '') AS object_group, c.domain, "
    "c.negated, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count, c.disputed_count, "
    # the languages the claim was reported in, and the language of its first report (a Chinese report hours
    # before the first English one is what an analyst looks for)
    "(SELECT string_agg(DISTINCT ar.language, ',' ORDER BY ar.language) FROM claim_mentions m "
    "JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS languages, "
    "fa.language AS first_language, fa.source AS first_source, fa.url AS first_url, "
    "coalesce(fa.published_at, fa.fetched_at) AS first_published_at, "
    "m.claimant, m.claimant_name, m.hedged, m.sentence AS evidence, c.suppressed"
)
CLAIM_FROM = (
    "claims c LEFT JOIN articles fa ON fa.article_id = c.first_article_id "
    "LEFT JOIN v_claim_evidence m ON m.claim_id = c.claim_id"
)


def _firm_and_since(where: list[str], params: list[Any], org: str | None, since: str | None, alias: str) -> None:
    """Add the filters "the firm is a side" and "first seen on or after ``since``" (columns prefixed ``alias``)."""
    if org:
        where.append(f"(lower({alias}subject_org) = lower(?) OR lower({alias}object_org) = lower(?))")
        params += [org, org]
    if since:
        where.append(f"{alias}first_seen_at >= CAST(? AS DATE)")
        params.append(since)


def claims_query(
    only_new: bool = False,
    relation: str | None = None,
    org: str | None = None,
    since: str | None = None,
    include_suppressed: bool = False,
    claim_id: str | None = None,
    newest_first: bool = False,
) -> tuple[str, list[Any]]:
    """SQL and parameters for `claimwatch claims` filters (suppressed claims only when asked for)."""
    where: list[str] = [] if include_suppressed or claim_id else ["NOT c.suppressed"]
    params: list[Any] = []
    if claim_id:
        where.append("c.claim_id = ?")
        params.append(claim_id)
    if only_new:
        where.append("c.created_run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)")
    if relation:
        where.append("c.relation = ?")
        params.append(relation)
    _firm_and_since(where, params, org, since, "c.")
    sql = f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY c.first_seen_at{' DESC' if newest_first else ''}, c.claim_id", params


CLAIM_MENTIONS_SQL = """
SELECT m.mention_id, a.source, a.url, coalesce(a.published_at, a.fetched_at) AS published_at, a.language,
       a.duplicate_of IS NOT NULL AS duplicate_copy, m.subject, m.relation, m.object, m.domain, m.negated, m.hedged,
       m.disputed,
       m.claimant, m.claimant_name, m.sentence, r.verdict AS review, r.note AS review_note
FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id
LEFT JOIN v_current_reviews r ON r.target_kind = 'mention' AND r.target_id = m.mention_id
WHERE m.claim_id = ?
ORDER BY coalesce(a.published_at, a.fetched_at), a.source, m.start_char
"""


def claim_mentions(con: Any, claim_id: str) -> list[dict[str, Any]]:
    """Every mention of one claim, oldest first, with its article's source, URL and date and its review."""
    return dict_rows(con.execute(CLAIM_MENTIONS_SQL, [claim_id]))


ENTITIES_SQL = """
SELECT e.kind, e.name, e.firm, e.in_gazetteer, e.mention_count, e.first_seen_at, a.source AS first_source,
       a.url AS first_url,
       (SELECT m.sentence FROM claim_mentions m WHERE m.article_id = e.first_article_id
          AND (m.subject_org = e.name OR m.object_org = e.name OR m.subject_model = e.name
               OR m.object_model = e.name OR m.claimant_name = e.name)
        ORDER BY m.start_char LIMIT 1) AS example
FROM entities e LEFT JOIN articles a ON a.article_id = e.first_article_id
WHERE (? OR NOT e.in_gazetteer) AND (? IS NULL OR e.kind = ?)
ORDER BY e.in_gazetteer, e.mention_count DESC, e.name
"""


def entities(con: Any, include_known: bool = False, kind: str | None = None) -> list[dict[str, Any]]:
    """Firms and models the claims name (only those not in the gazetteer unless ``include_known``), with an example."""
    return dict_rows(con.execute(ENTITIES_SQL, [include_known, kind, kind]))


REPORT_WEEKLY_SQL = """
SELECT CAST(date_trunc('week', c.first_seen_at) AS DATE) AS week, coalesce(c.subject_org, c.subject_group) AS firm,
       c.relation, count(*) AS claims
FROM claims c WHERE NOT c.suppressed AND c.first_seen_at >= CAST(? AS DATE)
GROUP BY ALL ORDER BY week, firm, c.relation
"""

REPORT_MATRIX_SQL = """
SELECT c.subject_org, c.object_org, c.relation, count(*) AS claims, sum(c.source_count) AS sources
FROM claims c
WHERE NOT c.suppressed AND NOT c.negated AND c.relation IN ('parity', 'surpass')
  AND c.subject_org IS NOT NULL AND c.object_org IS NOT NULL AND c.first_seen_at >= CAST(? AS DATE)
GROUP BY ALL ORDER BY claims DESC
"""


def report_data(con: Any, since: str, newest: int = 25) -> dict[str, list[dict[str, Any]]]:
    """What the HTML report shows, since ``since`` (a date): weekly counts, the firm matrix, newest claims, sources."""
    sql, params = claims_query(since=since, newest_first=True)
    return {
        "weekly": dict_rows(con.execute(REPORT_WEEKLY_SQL, [since])),
        "matrix": dict_rows(con.execute(REPORT_MATRIX_SQL, [since])),
        "newest": dict_rows(con.execute(sql + f" LIMIT {int(newest)}", params)),
        "sources": dict_rows(con.execute("SELECT * FROM source_health ORDER BY source")),
    }


TABLE_DOCS_SQL = """
SELECT t.table_name AS name, t.table_type AS kind, obj.comment
FROM information_schema.tables t
LEFT JOIN (SELECT table_name, comment FROM duckdb_tables() UNION ALL SELECT view_name, comment FROM duckdb_views()
           WHERE NOT internal) obj ON obj.table_name = t.table_name
WHERE t.table_schema = 'main'
ORDER BY t.table_type, t.table_name
"""

COLUMN_DOCS_SQL = """
SELECT column_name AS name, data_type AS type, is_nullable = 'NO' AS required, comment
FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal AND table_name = ? ORDER BY column_index
"""


def table_docs(con: Any) -> list[tuple[str, str, str | None]]:
    """(name, BASE TABLE | VIEW, comment) of every warehouse table and view."""
    return [tuple(r) for r in con.execute(TABLE_DOCS_SQL).fetchall()]


def column_docs(con: Any, table: str) -> list[tuple[str, str, bool, str | None]]:
    """(name, type, required, comment) of every column of ``table`` (empty when there is no such table)."""
    return [tuple(r) for r in con.execute(COLUMN_DOCS_SQL, [table]).fetchall()]


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
    "reviews",
    "alerts",
    "entities",
    "fetch_log",
    "page_verdicts",
    "feed_state",
    "runs",
)
# what an export leaves out: claims judged wrong (their mentions and the reviews stay, as evidence)
EXPORT_FILTERS = {"claims": "WHERE NOT suppressed"}


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
        where = EXPORT_FILTERS.get(table, "")  # names and filters from the constants above
        reader = con.execute(f"SELECT * FROM {table} {where}").to_arrow_reader(65536)
        rows = 0
        with pq.ParquetWriter(path, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
        done.append((table, path, rows))
    return done


STORY_COLUMNS = (
    "story_key, relations, first_seen_at, source_count, mention_count, first_source, strongest_claimant, "
    "strongest_claimant_name, domains, disputed_mentions, alerts_sent, first_url"
)


def stories(con: Any, org: str | None = None, since: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Rows of ``v_stories`` (newest first), optionally one firm's and first seen on or after ``since``."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    _firm_and_since(where, params, org, since, "")
    cur = con.execute(
        f"SELECT {STORY_COLUMNS} FROM v_stories WHERE {' AND '.join(where)} ORDER BY first_seen_at DESC", params
    )
    return [d[0] for d in cur.description], cur.fetchall()


# -- run summaries and asset checks ----------------------------------------------------------------------------

RUN_COUNTS_SQL = {
    "pages_fetched": "SELECT count(*) FROM fetch_log WHERE run_id = ? AND role IN ('page', 'archive') "
    "AND error IS NULL",
    "pages_skipped_known": "SELECT count(*) FROM fetch_log WHERE run_id = ? AND error = 'already_stored'",
    "feeds_not_modified": "SELECT count(*) FROM fetch_log WHERE run_id = ? AND status = 304",
    "not_articles": "SELECT count(*) FROM page_verdicts v JOIN raw_pages r USING (page_id) "
    "WHERE r.run_id = ? AND NOT v.is_article",
    "articles_kept": "SELECT count(*) FROM articles a JOIN raw_pages r USING (page_id) "
    "WHERE r.run_id = ? AND a.duplicate_of IS NULL",
    "duplicates": "SELECT count(*) FROM articles a JOIN raw_pages r USING (page_id) "
    "WHERE r.run_id = ? AND a.duplicate_of IS NOT NULL",
    "mentions_new": "SELECT count(*) FROM claim_mentions m JOIN articles a USING (article_id) "
    "JOIN raw_pages r USING (page_id) WHERE r.run_id = ?",
}


def run_counts(con: Any, run_id: str) -> dict[str, Any]:
    """What one run did.

    Pages fetched and skipped, 304s, failures by reason, verdicts, kept articles, duplicates, new mentions,
    claims in all, and the crawl's own stats.
    """
    out: dict[str, Any] = {k: int(scalar(con, sql, [run_id])) for k, sql in RUN_COUNTS_SQL.items()}
    rows = con.execute(
        "SELECT error, count(*) FROM fetch_log WHERE run_id = ? AND error IS NOT NULL "
        "AND error <> 'already_stored' GROUP BY error",
        [run_id],
    ).fetchall()
    out["failures_by_reason"] = {e: n for e, n in rows}
    out["claims_total"] = int(scalar(con, "SELECT count(*) FROM claims"))
    stats = scalar(con, "SELECT summary FROM runs WHERE run_id = ?", [run_id])
    out["crawl_stats"] = json.loads(stats) if stats else {}
    return out


def new_claims_preview(con: Any, run_id: str, limit: int = 20) -> list[tuple[Any, ...]]:
    """The newest claims a run added: subject, model, relation, object, model, domain, mentions."""
    return con.execute(
        "SELECT coalesce(subject_org, subject_group), coalesce(subject_model, ''), relation, "
        "coalesce(object_org, object_group), coalesce(object_model, ''), domain, mention_count FROM claims "
        "WHERE created_run_id = ? ORDER BY first_seen_at DESC LIMIT ?",
        [run_id, limit],
    ).fetchall()


def undelivered_alert_count(con: Any) -> int:
    """Alerts a channel wants and has not accepted yet (pending, sending or failed)."""
    return int(scalar(con, "SELECT count(*) FROM alerts WHERE status NOT IN ('delivered', 'filtered', 'suppressed')"))


def orphan_mention_count(con: Any) -> int:
    """Mentions without their kept article or without a claim row."""
    return int(
        scalar(
            con,
            "SELECT count(*) FROM claim_mentions m LEFT JOIN articles a ON a.article_id = m.article_id "
            "WHERE a.article_id IS NULL OR a.duplicate_of IS NOT NULL "
            "OR NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = m.claim_id)",
        )
    )


def duplicated_claim_key_count(con: Any) -> int:
    """Claim keys (subject, models, relation, object, negation) stored on more than one row."""
    return int(
        scalar(
            con,
            "SELECT count(*) FROM (SELECT coalesce(subject_org, 'group:' || subject_group), subject_model, relation, "
            "coalesce(object_org, 'group:' || object_group), object_model, negated FROM claims "
            "GROUP BY ALL HAVING count(*) > 1)",
        )
    )


def articles_without_text_count(con: Any) -> int:
    """Articles stored with empty text."""
    return int(scalar(con, "SELECT count(*) FROM articles WHERE length(trim(text)) = 0"))


def article_duplicate_counts(con: Any) -> tuple[int, int]:
    """(articles, of which copies of another)."""
    total, dups = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles"
    ).fetchall()[0]
    return int(total), int(dups)


def source_health(con: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The source_health view: columns and rows."""
    cur = con.execute("SELECT * FROM source_health")
    return [d[0] for d in cur.description], cur.fetchall()
