"""Loading articles: the deduplication policy (extractors.dedup) applied to what the warehouse stores.

The warehouse stores and reads (verdicts, articles, signatures, copy groups); which copy of a story is kept is
decided here, with the rules of :mod:`extractors.dedup`, inside one warehouse transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from extractors.dedup import (
    ArticleKey,
    SignatureIndex,
    assign_duplicates,
    signature,
    signature_bytes,
    signature_from_bytes,
)
from warehouse.articles import copy_groups, existing_article_ids, insert_articles, set_duplicate_of, stored_signatures
from warehouse.db import transaction
from warehouse.pages import insert_verdicts
from warehouse.records import Article, PageVerdict


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


def signature_index(con: duckdb.DuckDBPyConnection) -> SignatureIndex:
    """Every stored article signature, indexed once for a run of many batches."""
    return SignatureIndex({aid: signature_from_bytes(b) for aid, b in stored_signatures(con).items()})


def load_articles(
    con: duckdb.DuckDBPyConnection,
    verdicts: Sequence[PageVerdict],
    articles: Sequence[Article],
    index: SignatureIndex | None = None,
) -> dict[str, int]:
    """Record page verdicts and insert new articles, (re)assigning ``duplicate_of`` across old and new copies.

    ``index`` holds the stored signatures for a run that loads many batches (see :func:`signature_index`);
    without it they are read from the warehouse. The new articles' signatures are added to it.

    An article that stops being the kept copy loses its claim mentions, so claims never count a copy twice.
    """
    with transaction(con):
        insert_verdicts(con, verdicts)
        existing = existing_article_ids(con, [a.article_id for a in articles])
        # new articles, each id once (the same URL may land twice in a batch)
        new = list({a.article_id: a for a in articles if a.article_id not in existing}.values())
        if not new:
            return {"articles_new": 0, "duplicates_new": 0}
        sigs = {a.article_id: signature_from_bytes(a.minhash) if a.minhash else signature(a.text or "") for a in new}
        if index is None:
            index = signature_index(con)
        near = {h for m in sigs.values() for h in index.near(m)}
        # candidates: same canonical URL, same hash, or near-duplicate text; then their whole copy groups
        old = copy_groups(con, [a.canonical_url for a in new], [a.content_hash for a in new], sorted(near))
        for a in old:
            if a.article_id in index.signatures:
                sigs.setdefault(a.article_id, index.signatures[a.article_id])
        assignment = assign_duplicates((_article_key(a) for a in [*old, *new]), sigs)
        for a in new:
            a.duplicate_of, a.duplicate_reason = assignment[a.article_id]
        insert_articles(con, new, {a.article_id: signature_bytes(sigs[a.article_id]) for a in new})
        for a in old:
            dup, why = assignment[a.article_id]
            if dup != a.duplicate_of:
                set_duplicate_of(con, a.article_id, dup, why)
    for a in new:  # only after the commit: a rolled-back batch leaves nothing in the index
        index.add(a.article_id, sigs[a.article_id])
    return {"articles_new": len(new), "duplicates_new": sum(1 for a in new if a.duplicate_of)}
