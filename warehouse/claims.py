"""Claims: mentions, staged extractions, claims (one row per claim key) and the entities named in them.

A mention is one sentence stating a claim; staged extractions are the cleaning workers' results waiting to load.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict

import duckdb

from warehouse.db import transaction
from warehouse.records import Article, ClaimMention, ExtractionResult
from warehouse.rows import count, dict_rows, insert_rows, utcnow
from warehouse.statements import execute, run_script, value

MENTION_COLUMNS = [
    "mention_id", "claim_id", "article_id", "subject", "subject_org", "subject_model", "subject_group", "relation",
    "object", "object_org", "object_model", "object_group", "domain", "negated", "sentence", "claimant",
    "claimant_name", "hedged", "start_char", "end_char", "extracted_at", "subject_model_in_gazetteer",
    "object_model_in_gazetteer", "disputed",
]  # fmt: skip
STAGED_COLUMNS = [
    "article_id", "extractor_version", "seed_key", "content_hash", "mentions", "introduced", "error", "limits",
    "staged_at",
]  # fmt: skip
# Strongest claimant first; the schema's views (v_claim_evidence, v_stories) read claimants in the same order.
CLAIMANT_RANK = ("third_party", "self", "outlet")


def stage_extractions(
    con: duckdb.DuckDBPyConnection, results: Sequence[ExtractionResult], extractor_version: str, seed_key: str
) -> int:
    """Keep the cleaning workers' extraction results for the claim_mentions asset (replacing older ones)."""
    if not results:
        return 0
    now = utcnow()
    rows = [
        {
            "article_id": r.article_id,
            "extractor_version": extractor_version,
            "seed_key": seed_key,
            "content_hash": r.content_hash,
            "mentions": json.dumps([asdict(m) for m in r.mentions], default=str),
            "introduced": json.dumps(r.introduced),
            "error": r.error,
            "limits": json.dumps(r.limits),
            "staged_at": now,
        }
        for r in {r.article_id: r for r in results}.values()
    ]
    with transaction(con):
        execute(con, "drop_staged_of", [[r["article_id"] for r in rows]])
        return insert_rows(con, "staged_extractions", rows, STAGED_COLUMNS)


def staged_extractions(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], extractor_version: str, seed_key: str
) -> dict[str, ExtractionResult]:
    """Usable staged results of ``article_ids``: {article_id: result}.

    Usable: made with this rules version and seed, from the text the article has now.
    """
    if not article_ids:
        return {}
    params = {"article_ids": list(article_ids), "version": extractor_version, "seed_key": seed_key}
    rows = execute(con, "usable_staged_extractions", params).fetchall()
    return {
        a: ExtractionResult(
            a, [ClaimMention(**d) for d in json.loads(m)], [tuple(n) for n in json.loads(i)], e, limits=json.loads(lim)
        )
        for a, m, i, e, lim in rows
    }


def drop_staged(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], extractor_version: str) -> None:
    """Delete the staged results of ``article_ids`` (just loaded) and every stale one.

    Stale: made by another rules version, or for an article that is a copy, gone, or already extracted with
    this version.
    """
    execute(con, "drop_loaded_or_stale_staged", {"article_ids": list(article_ids), "version": extractor_version})


def articles_to_extract(con: duckdb.DuckDBPyConnection, extractor_version: str) -> list[Article]:
    """Kept articles never run through this version of the claim rules, by id."""
    return [Article(**r) for r in dict_rows(execute(con, "articles_to_extract", [extractor_version]))]


def forget_extractions(con: duckdb.DuckDBPyConnection, since: str) -> int:
    """Mark kept articles published (undated: fetched) on or after ``since`` (a date) as not yet extracted.

    The next claim_mentions materialization reads them again with the current rules and replaces their
    mentions; judgements stay (they are keyed by claim and mention ids, which re-extraction keeps).
    """
    with transaction(con):
        ids = [r[0] for r in execute(con, "kept_articles_since", [since]).fetchall()]
        execute(con, "drop_extractions_of", [ids])
        execute(con, "drop_staged_of", [ids])
    return len(ids)


def articles_published_on(con: duckdb.DuckDBPyConnection, day: str) -> list[Article]:
    """Kept articles published (or, undated, fetched) on ``day`` (YYYY-MM-DD, UTC), by id."""
    return [Article(**r) for r in dict_rows(execute(con, "articles_published_on", [day]))]


def publication_days(con: duckdb.DuckDBPyConnection, first_day: str, last_day: str) -> list[str]:
    """Days (YYYY-MM-DD, UTC) from ``first_day`` to ``last_day`` with kept articles (:func:`articles_published_on`)."""
    return [r[0] for r in execute(con, "publication_days", [first_day, last_day]).fetchall()]


def load_mentions(
    con: duckdb.DuckDBPyConnection,
    article_ids: Sequence[str],
    mentions: Sequence[ClaimMention],
    extractor_version: str,
    limits: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, int]:
    """Replace the mentions of ``article_ids`` with ``mentions`` and record the extraction, in one transaction.

    ``limits`` holds, per article, the reading bounds it hit (stored in ``article_extractions.limits``).
    """
    limits = limits or {}
    now = utcnow()
    per_article: dict[str, int] = {a: 0 for a in article_ids}
    for m in mentions:
        m.extracted_at = m.extracted_at or now
        per_article[m.article_id] = per_article.get(m.article_id, 0) + 1
    rows = list({m.mention_id: m for m in mentions}.values())
    with transaction(con):
        if article_ids:
            execute(con, "drop_mentions_of", [list(article_ids)])
            execute(con, "drop_extractions_of", [list(article_ids)])
        insert_rows(con, "claim_mentions", rows, MENTION_COLUMNS)
        insert_rows(
            con,
            "article_extractions",
            [
                {
                    "article_id": a,
                    "extractor_version": extractor_version,
                    "mention_count": n,
                    "limits": "; ".join(limits.get(a, ())) or None,
                    "extracted_at": now,
                }
                for a, n in per_article.items()
            ],
            ["article_id", "extractor_version", "mention_count", "limits", "extracted_at"],
        )
    return {
        "articles_extracted": len(per_article),
        "mentions": len(rows),
        "articles_hitting_reading_limits": sum(1 for a in per_article if limits.get(a)),
    }


def refresh_claims(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict[str, int]:
    """Rebuild the ``claims`` rows from mentions in kept articles (one row per claim key).

    A claim keeps its ``created_at``/``created_run_id`` across refreshes; new claims get now and ``run_id``.
    """
    with transaction(con):
        before = count(con, "claims")
        rebuild_claims(con, run_id)
        after = count(con, "claims")
    return {"claims": after, "claims_delta": after - before}


def rebuild_claims(
    con: duckdb.DuckDBPyConnection, run_id: str | None, claimant_rank: Sequence[str] = CLAIMANT_RANK
) -> None:
    """Rebuild ``claims`` inside the caller's transaction.

    See :func:`refresh_claims`, and ``rebuild_claims`` in warehouse/sql/claims.sql for the rules of aggregation.
    """
    run_script(con, "rebuild_claims", {"run_id": run_id, "claimant_rank": list(claimant_rank)})


def refresh_entities(con: duckdb.DuckDBPyConnection, gazetteer_firms: Sequence[str]) -> dict[str, int]:
    """Rebuild ``entities`` from claim mentions; firms not in ``gazetteer_firms`` are flagged for curation."""
    with transaction(con):
        run_script(con, "rebuild_entities", {"gazetteer_firms": list(gazetteer_firms)})
        total = count(con, "entities")
        unknown = int(value(con, "entities_not_in_gazetteer"))
    return {"entities": total, "entities_not_in_gazetteer": unknown}


def discovered_entities(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    """(kind, name, firm) of entities not in the gazetteer, to seed the extractor for later articles."""
    return [tuple(r) for r in execute(con, "discovered_entities").fetchall()]
