"""Reports: the analyst queries of the CLI, run summaries and the asset checks' counts."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.rows import dict_rows
from warehouse.statements import execute, value

CLAIM_COLUMNS = (
    "c.claim_id, c.subject_org, c.subject_model, coalesce(c.subject_group, '') AS subject_group, "
    "c.relation, c.object_org, c.object_model, coalesce(c.object_group, '') AS object_group, c.domain, "
    "c.negated, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count, c.disputed_count, "
    # the languages the claim was reported in, and the language of its first report (a Chinese report hours
    # before the first English one is what an analyst looks for)
    "(SELECT string_agg(DISTINCT ar.language, ',' ORDER BY ar.language) FROM claim_mentions m "
    "JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS languages, "
    "fa.language AS first_language, fa.source AS first_source, fa.url AS first_url, fa.title AS first_title, "
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


def _model_side(where: list[str], params: list[Any], model: str, alias: str) -> None:
    """Add the filter "the model, or a model of that name's family, is a side" (case-insensitive).

    "GPT-4o" finds GPT-4o; "Claude" finds "Claude Opus 4" and "Claude-3" (the name, then a space or a hyphen).
    """
    sides = []
    for side in (f"{alias}subject_model", f"{alias}object_model"):
        sides.append(f"(lower({side}) = lower(?) OR starts_with(lower({side}), lower(?) || ' ') "
                     f"OR starts_with(lower({side}), lower(?) || '-'))")  # fmt: skip
        params += [model, model, model]
    where.append("(" + " OR ".join(sides) + ")")


def side_names(con: Any) -> tuple[list[str], list[str]]:
    """(firms, models) named on either side of the warehouse's claims: what a search can find."""
    firms = [r[0] for r in con.execute(
        "SELECT DISTINCT o FROM (SELECT subject_org AS o FROM claims UNION SELECT object_org FROM claims) "
        "WHERE o IS NOT NULL ORDER BY o").fetchall()]  # fmt: skip
    models = [r[0] for r in con.execute(
        "SELECT DISTINCT m FROM (SELECT subject_model AS m FROM claims UNION SELECT object_model FROM claims) "
        "WHERE m IS NOT NULL ORDER BY m").fetchall()]  # fmt: skip
    return firms, models


def claims_query(
    only_new: bool = False,
    relation: str | None = None,
    org: str | None = None,
    model: str | None = None,
    since: str | None = None,
    include_suppressed: bool = False,
    claim_id: str | None = None,
    newest_first: bool = False,
    negated: bool | None = None,
) -> tuple[str, list[Any]]:
    """SQL and parameters for `claimwatch claims` filters (suppressed claims only when asked for).

    ``negated``: only denials (True), only claims that assert their relation (False), or both (None).
    """
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
    if negated is not None:
        where.append("c.negated" if negated else "NOT c.negated")
    _firm_and_since(where, params, org, since, "c.")
    if model:
        _model_side(where, params, model, "c.")
    sql = f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY c.first_seen_at{' DESC' if newest_first else ''}, c.claim_id", params


def claims_listing(con: Any, **filters: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Claims matching the filters of :func:`claims_query` (``claimwatch claims``): (column names, rows)."""
    sql, params = claims_query(**filters)
    cur = con.execute(sql, params)
    return [d[0] for d in cur.description], cur.fetchall()


def claim_mentions(con: Any, claim_id: str) -> list[dict[str, Any]]:
    """Every mention of one claim, oldest first, with its article's source, URL and date and its review."""
    return dict_rows(execute(con, "claim_mentions", [claim_id]))


def entities(con: Any, include_known: bool = False, kind: str | None = None) -> list[dict[str, Any]]:
    """Firms and models the claims name (only those not in the gazetteer unless ``include_known``), with an example."""
    return dict_rows(execute(con, "entities", {"include_known": include_known, "kind": kind}))


def chart_data(con: Any, since: str) -> dict[str, list[dict[str, Any]]]:
    """What the report's charts draw, since ``since`` (a date).

    ``attention`` (mentions per day per firm) and ``matrix`` (claims per firm pair and relation); the ``claims``
    asset draws the same charts from it.
    """
    return {
        "attention": dict_rows(execute(con, "report_attention", [since])),
        "matrix": dict_rows(execute(con, "report_matrix", [since])),
    }


def report_data(con: Any, since: str, newest: int = 25, stories: int = 15) -> dict[str, list[dict[str, Any]]]:
    """What the HTML report shows of the claims first seen on or after ``since`` (a date).

    :func:`chart_data`, plus ``stories`` (the newest ``stories``), ``story_languages`` (their first report per
    language), ``newest`` (the newest ``newest`` claims with their evidence) and ``sources`` (source health,
    whatever the window).
    """
    sql, params = claims_query(since=since, newest_first=True)
    shown = dict_rows(execute(con, "report_stories", [since, int(stories)]))
    return {
        **chart_data(con, since),
        "stories": shown,
        "story_languages": dict_rows(execute(con, "report_story_languages", [[s["story_key"] for s in shown]])),
        "newest": dict_rows(con.execute(sql + f" LIMIT {int(newest)}", params)),
        "sources": dict_rows(execute(con, "source_health")),
    }


def ids_with_prefix(con: Any, prefix: str) -> list[tuple[str, str]]:
    """(id, 'claim' | 'mention') of the ids starting with ``prefix``, at most 10."""
    return [tuple(r) for r in execute(con, "ids_with_prefix", {"prefix": prefix}).fetchall()]


def newest_claim_day(con: Any) -> date | None:
    """The day the newest claim not judged wrong was first seen (None on an empty warehouse)."""
    row = execute(con, "newest_claim_day").fetchone()
    return row[0] if row else None


def table_docs(con: Any) -> list[tuple[str, str, str | None]]:
    """(name, BASE TABLE | VIEW, comment) of every warehouse table and view."""
    return [tuple(r) for r in execute(con, "table_docs").fetchall()]


def column_docs(con: Any, table: str) -> list[tuple[str, str, bool, str | None]]:
    """(name, type, required, comment) of every column of ``table`` (empty when there is no such table)."""
    return [tuple(r) for r in execute(con, "column_docs", [table]).fetchall()]


def quiet_sources(con: Any) -> list[tuple[str, int, int]]:
    """Sources that yielded articles before but none in their latest run although they fetched or failed.

    An unchanged feed (HTTP 304) is not "quiet": only a run that tried and got nothing counts, the
    sign of a redesign (pages no longer clean to articles) or a block (fetches failing).
    """
    return [tuple(r) for r in execute(con, "quiet_sources").fetchall()]


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
# what an export leaves out: claims judged wrong, their mentions and mentions judged wrong, so every exported
# mention's claim is in claims.parquet (the judgements are in reviews.parquet; the warehouse keeps everything)
EXPORT_FILTERS = {
    "claims": "WHERE NOT suppressed",
    "claim_mentions": "WHERE claim_id NOT IN (SELECT claim_id FROM claims WHERE suppressed) AND mention_id NOT IN "
    "(SELECT target_id FROM v_current_reviews WHERE target_kind = 'mention' AND verdict = 'wrong')",
}


def export_tables(con: Any, out_dir: Path, overwrite: bool = False) -> list[tuple[str, Path, int]]:
    """Write each analyst table to ``out_dir/<table>.parquet`` (zstd); return (table, path, rows).

    The rows are streamed as Arrow record batches and written by pyarrow, so no path ever goes into SQL (a
    directory name with a quote is just a name) and the connection can be the sandboxed one. A folder that
    already holds files is refused unless ``overwrite``. Each file is written under a new name and renamed over its
    own, so a symlink planted at a table's name is replaced, not followed.
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
        reader = con.sql(f"SELECT * FROM {table} {where}").to_arrow_reader(65536)  # a relation: no extra copy
        rows = 0
        # written to a new file in the folder, then renamed over the name: a link already at that name is
        # replaced, never followed (writing through it overwrote whatever file it pointed at)
        fd, tmp = tempfile.mkstemp(prefix=f".{table}.", suffix=".parquet", dir=out_dir)
        os.close(fd)
        try:
            with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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


def run_counts(con: Any, run_id: str) -> dict[str, Any]:
    """What one run did.

    Pages fetched and skipped, 304s, failures by reason, verdicts, kept articles, duplicates, new mentions,
    claims in all, and the crawl's own stats.
    """
    out = dict_rows(execute(con, "run_counts", {"run_id": run_id}))[0]
    out["failures_by_reason"] = dict(execute(con, "run_failures_by_reason", [run_id]).fetchall())
    out["crawl_stats"] = json.loads(out["crawl_stats"]) if out["crawl_stats"] else {}
    return out


def new_claims_preview(con: Any, run_id: str, limit: int = 20) -> list[tuple[Any, ...]]:
    """The newest claims a run added: subject, model, relation, object, model, domain, mentions."""
    return execute(con, "new_claims_preview", [run_id, limit]).fetchall()


def _count(con: Any, name: str) -> int:
    return int(value(con, name))


def undelivered_alert_count(con: Any) -> int:
    """Alerts a channel wants and has not accepted yet (pending, sending or failed)."""
    return _count(con, "undelivered_alert_count")


def orphan_mention_count(con: Any) -> int:
    """Mentions without their kept article or without a claim row."""
    return _count(con, "orphan_mention_count")


def duplicated_claim_key_count(con: Any) -> int:
    """Claim keys (subject, models, relation, object, negation) stored on more than one row."""
    return _count(con, "duplicated_claim_key_count")


def articles_without_text_count(con: Any) -> int:
    """Articles stored with empty text."""
    return _count(con, "articles_without_text_count")


def article_duplicate_counts(con: Any) -> tuple[int, int]:
    """(articles, of which copies of another)."""
    total, dups = execute(con, "article_duplicate_counts").fetchall()[0]
    return int(total), int(dups)


def source_health(con: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The source_health view: columns and rows."""
    cur = execute(con, "source_health")
    return [d[0] for d in cur.description], cur.fetchall()


# -- acceptance audits (make eval) ------------------------------------------------------------------------------


def row_counts(con: Any) -> dict[str, int]:
    """Rows of articles, claims, claim_mentions and alerts (a second run over the same pages must not change them)."""
    return dict_rows(execute(con, "row_counts"))[0]


def row_keys(con: Any) -> dict[str, Counter[str]]:
    """The key of every row of the tables a crash must neither lose nor double, counted per table."""
    out: dict[str, Counter[str]] = {}
    for table, key in execute(con, "row_keys").fetchall():
        out.setdefault(table, Counter())[key] += 1
    return out


def duplicate_outbox_alerts(con: Any) -> int:
    """Alerts beyond the first for one claim and relation."""
    return _count(con, "duplicate_outbox_alerts")


def article_copies(con: Any) -> tuple[set[str], dict[str, str]]:
    """(URLs of kept articles, {URL of a copy: URL of the article it duplicates})."""
    rows = execute(con, "article_copies").fetchall()
    return {u for u, k in rows if k is None}, {u: k for u, k in rows if k is not None}


def fetched_urls(con: Any) -> set[str]:
    """Every URL requested or landed at (after redirects)."""
    return {r[0] for r in execute(con, "fetched_urls").fetchall()}


def alert_policy_audit(con: Any, story_relations: Sequence[str]) -> tuple[int, bool, tuple[int, int, int, int]]:
    """(alerts breaking the story rules, at most one alert per story and kind, (stories, new, updates, unnamed))."""
    breaches, once = execute(con, "alert_policy_breaches", {"story_relations": list(story_relations)}).fetchall()[0]
    stories, new, updates, unnamed = (int(x) for x in execute(con, "alert_kind_counts").fetchall()[0])
    return int(breaches), bool(once), (stories, new, updates, unnamed)


def fetch_outcomes(con: Any) -> list[tuple[str, str | None, int | None, str | None]]:
    """(url, role, status, error) of every fetch, by URL."""
    return execute(con, "fetch_outcomes").fetchall()


def article_texts(con: Any) -> dict[str, str]:
    """{url: text} of every article."""
    return dict(execute(con, "article_texts").fetchall())


def verdict_reasons(con: Any) -> dict[str, str]:
    """{url: reason} of every page verdict."""
    return dict(execute(con, "verdict_reasons").fetchall())
