"""Loading articles: the deduplication policy (extractors.dedup) applied to what the warehouse stores.

The warehouse stores and reads (verdicts, articles, signatures, copy groups); which copy of a story is kept is
decided here, with the rules of :mod:`extractors.dedup`, inside one warehouse transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np

from extractors.dedup import (
    LSH_BANDS,
    NEAR_DUPLICATE_JACCARD,
    ArticleKey,
    Signature,
    assign_duplicates,
    band_buckets,
    estimated_jaccard,
    signature,
    signature_bytes,
    signature_from_bytes,
)
from warehouse.articles import (
    band_candidates,
    banded_signature_count,
    copy_groups,
    existing_article_ids,
    insert_articles,
    insert_signature_bands,
    set_duplicate_of,
    signatures_of,
    signatures_without_bands,
)
from warehouse.db import transaction
from warehouse.pages import insert_verdicts
from warehouse.records import Article, PageVerdict

BACKFILL_BATCH = 5000  # stored signatures banded per statement when a warehouse from before signature_bands is opened


def _article_key(a: Article) -> ArticleKey:
    return ArticleKey(
        a.article_id,
        a.url,
        a.canonical_url,
        a.content_hash,
        a.title,
        a.text or "",
        a.published_at,
        a.fetched_at,
        bool(a.is_amp),
        bool(a.is_syndicated),
    )


def band_stored_signatures(con: duckdb.DuckDBPyConnection) -> int:
    """Give every stored signature its band rows (signatures stored before signature_bands); return how many.

    Two counts tell whether any is missing, so a warehouse whose signatures all have bands pays two reads.
    """
    sigs, rows = banded_signature_count(con)
    if rows == sigs * LSH_BANDS:
        return 0
    done = 0
    while todo := signatures_without_bands(con, BACKFILL_BATCH):
        with transaction(con):
            insert_signature_bands(con, {aid: band_buckets(signature_from_bytes(b)) for aid, b in todo.items()})
        done += len(todo)
    return done


def near_duplicates(con: duckdb.DuckDBPyConnection, sigs: dict[str, Signature]) -> dict[str, Signature]:
    """Stored articles whose estimated Jaccard with one of ``sigs`` reaches the threshold, with their signatures.

    The candidates are the stored articles sharing an LSH band bucket with one of the signatures, found by a join
    in the warehouse (no index of every stored signature is held in memory); each is then confirmed against the
    signatures in one numpy comparison.
    """
    candidates = band_candidates(con, sorted({b for m in sigs.values() for b in band_buckets(m)}))
    if not candidates:
        return {}
    ids = list(candidates)
    matrix = np.frombuffer(b"".join(candidates[i] for i in ids), dtype=np.uint64).reshape(len(ids), -1)
    near: set[int] = set()
    for m in sigs.values():
        near.update(np.flatnonzero(estimated_jaccard(m, matrix) >= NEAR_DUPLICATE_JACCARD).tolist())
    return {ids[i]: signature_from_bytes(candidates[ids[i]]) for i in sorted(near)}


def load_articles(
    con: duckdb.DuckDBPyConnection, verdicts: Sequence[PageVerdict], articles: Sequence[Article]
) -> dict[str, int]:
    """Record page verdicts and insert new articles, (re)assigning ``duplicate_of`` across old and new copies.

    Stored near-duplicates are found through the band buckets in the warehouse (:func:`near_duplicates`); the new
    articles' signatures and buckets are stored in the same transaction as the articles.

    An article that stops being the kept copy loses its claim mentions, so claims never count a copy twice.
    """
    band_stored_signatures(con)
    with transaction(con):
        insert_verdicts(con, verdicts)
        existing = existing_article_ids(con, [a.article_id for a in articles])
        # new articles, each id once (the same URL may land twice in a batch)
        new = list({a.article_id: a for a in articles if a.article_id not in existing}.values())
        if not new:
            return {"articles_new": 0, "duplicates_new": 0}
        sigs = {a.article_id: signature_from_bytes(a.minhash) if a.minhash else signature(a.text or "") for a in new}
        near = near_duplicates(con, sigs)
        # candidates: same canonical URL, same hash, or near-duplicate text; then their whole copy groups
        old = copy_groups(con, [a.canonical_url for a in new], [a.content_hash for a in new], sorted(near))
        stored = signatures_of(con, [a.article_id for a in old if a.article_id not in near])
        for a in old:
            if a.article_id in near:
                sigs.setdefault(a.article_id, near[a.article_id])
            elif a.article_id in stored:
                sigs.setdefault(a.article_id, signature_from_bytes(stored[a.article_id]))
        assignment = assign_duplicates((_article_key(a) for a in [*old, *new]), sigs)
        for a in new:
            a.duplicate_of, a.duplicate_reason = assignment[a.article_id]
        insert_articles(con, new, {a.article_id: signature_bytes(sigs[a.article_id]) for a in new})
        insert_signature_bands(con, {a.article_id: band_buckets(sigs[a.article_id]) for a in new})
        for a in old:
            dup, why = assignment[a.article_id]
            if dup != a.duplicate_of:
                set_duplicate_of(con, a.article_id, dup, why)
    return {"articles_new": len(new), "duplicates_new": sum(1 for a in new if a.duplicate_of)}
