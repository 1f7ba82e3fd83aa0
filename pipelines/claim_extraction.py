"""The claim stage in two halves: run the rules on articles (no warehouse), then land the results (one writer turn).

The assets run both halves on one connection. The backfill job (``pipelines.backfill``) keeps them apart so that
a step holds the warehouse file only to read its articles and to land its mentions: DuckDB lets one process
write a file at a time, and steps on several workers then overlap in the rules, where the time goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractors.rules import ClaimRules
from pipelines.parallel import extract_alone_parallel
from warehouse.claims import (
    articles_published_on,
    discovered_entities,
    drop_staged,
    load_mentions,
    staged_extractions,
)
from warehouse.records import Article, ClaimMention, ExtractionResult
from warehouse.rows import insert_rows, utcnow


@dataclass
class Extraction:
    """The claim rules' results on a list of articles, ready to land (:func:`land_extraction`)."""

    version: str
    article_ids: list[str]
    mentions: list[ClaimMention]
    errors: dict[str, str]
    limits: Mapping[str, Sequence[str]]
    counts: dict[str, int] = field(default_factory=dict)


def extract_claims(
    todo: list[Article],
    staged: dict[str, ExtractionResult],
    rules: ClaimRules,
    workers: int | None,
    warn: Callable[[str], Any],
) -> Extraction:
    """Claim rules on ``todo``, in its order; ``staged``: results the cleaning workers already made.

    The rest are computed in a pool of ``workers`` processes; ``ClaimRules.confirm_in_order`` makes them what one
    extractor reading ``todo`` in order would find. Failures and reading bounds are reported through ``warn``.
    """
    results = dict(staged)
    results.update(extract_alone_parallel([a for a in todo if a.article_id not in results], rules, workers))
    mentions, errors, redone, limits = rules.confirm_in_order(todo, results)
    for article_id, err in errors.items():
        warn(f"claim rules failed on article {article_id}: {err}")
    for article_id, hit in limits.items():
        warn(f"article {article_id} hit a reading bound: {'; '.join(hit)}")
    return Extraction(
        version=rules.version,
        article_ids=[a.article_id for a in todo],
        mentions=list(mentions),
        errors=dict(errors),
        limits=limits,
        counts={
            "results_from_cleaning_workers": len(staged),
            "extracted_here": len(todo) - len(staged),
            "re_extracted_in_order": redone,
        },
    )


def land_extraction(con: Any, extraction: Extraction) -> dict[str, int]:
    """Replace the articles' mentions, record failed extractions, drop used and stale staged results."""
    ok_ids = [a for a in extraction.article_ids if a not in extraction.errors]
    counts = load_mentions(con, ok_ids, extraction.mentions, extraction.version, extraction.limits)
    if extraction.errors:
        insert_rows(
            con,
            "article_extractions",
            [
                {
                    "article_id": a,
                    "extractor_version": extraction.version,
                    "mention_count": 0,
                    "error": e,
                    "extracted_at": utcnow(),
                }
                for a, e in extraction.errors.items()
            ],
            ["article_id", "extractor_version", "mention_count", "error", "extracted_at"],
            or_ignore=True,
        )
    drop_staged(con, extraction.article_ids, extraction.version)
    return {**counts, **extraction.counts}


def reextract_day(warehouse: Any, day: str, workers: int | None, warn: Callable[[str], Any]) -> dict[str, Any]:
    """Re-run the current claim rules on the kept articles published on ``day``, in two turns on the warehouse.

    ``warehouse`` is a ``WarehouseResource``. Turn one reads the day's articles (a read-only connection); the rules
    run with no connection open; turn two lands the mentions in one short write, after which the connection is
    released, so that another process's step can land while this one extracts. Claims are not rebuilt here
    (once per backfill, or by the ``claims_by_day`` asset).
    """
    with warehouse.get_connection(read_only=True) as con:
        rules = ClaimRules(discovered_entities(con))
        todo = articles_published_on(con, day)
        staged = staged_extractions(con, [a.article_id for a in todo], rules.version, rules.seed_key)
    warehouse.release_connection()
    extraction = extract_claims(todo, staged, rules, workers, warn)
    with warehouse.get_connection() as con:
        counts = land_extraction(con, extraction)
    warehouse.release_connection()
    return {
        **counts,
        "day": day,
        "articles": len(todo),
        "extraction_errors": len(extraction.errors),
        "extractor_version": rules.version,
    }
