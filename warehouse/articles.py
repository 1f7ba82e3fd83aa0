"""Articles (cleaned text, kept copy or duplicate of another) and their text signatures."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from warehouse.records import Article
from warehouse.rows import dict_rows, insert_rows
from warehouse.statements import execute

ARTICLE_COLUMNS = [
    "article_id", "url", "canonical_url", "source", "title", "author", "published_at", "fetched_at", "language",
    "sitename", "text", "content_hash", "duplicate_of", "duplicate_reason", "is_syndicated", "is_amp", "page_id",
]  # fmt: skip


def existing_article_ids(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> set[str]:
    """Which of these article ids are stored already."""
    if not article_ids:
        return set()
    return {r[0] for r in execute(con, "existing_article_ids", [list(article_ids)]).fetchall()}


def copy_groups(
    con: duckdb.DuckDBPyConnection,
    canonical_urls: Sequence[str],
    content_hashes: Sequence[str],
    article_ids: Sequence[str],
) -> list[Article]:
    """Stored copy groups touching the given canonical URLs, content hashes or article ids.

    Every member of each group is returned: the kept copy and all its duplicates.
    """
    params = {
        "canonical_urls": list(canonical_urls),
        "content_hashes": list(content_hashes),
        "article_ids": list(article_ids),
    }
    return [Article(**row) for row in dict_rows(execute(con, "copy_groups", params))]


def insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], signatures: dict[str, bytes]) -> int:
    """Insert new articles (``duplicate_of`` already decided) and their text signatures."""
    insert_rows(
        con,
        "article_signatures",
        [{"article_id": a.article_id, "minhash": signatures[a.article_id]} for a in articles],
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
    execute(con, "set_duplicate_of", [duplicate_of, reason, article_id])
    if duplicate_of is not None:
        execute(con, "drop_mentions_of", [[article_id]])
        execute(con, "drop_extractions_of", [[article_id]])


def insert_signature_bands(con: duckdb.DuckDBPyConnection, bands: dict[str, list[int]]) -> int:
    """Store the LSH band buckets of these articles' signatures (``{article_id: buckets}``)."""
    rows = [{"bucket": b, "article_id": aid} for aid, buckets in bands.items() for b in buckets]
    return insert_rows(con, "signature_bands", rows, ["bucket", "article_id"])


def band_candidates(con: duckdb.DuckDBPyConnection, buckets: Sequence[int]) -> dict[str, bytes]:
    """{article_id: signature} of the stored articles with a band bucket among ``buckets``."""
    if not buckets:
        return {}
    return {aid: bytes(b) for aid, b in execute(con, "band_candidates", [list(buckets)]).fetchall()}


def signatures_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, bytes]:
    """{article_id: signature} of these articles (those with one stored)."""
    if not article_ids:
        return {}
    return {aid: bytes(b) for aid, b in execute(con, "signatures_of", [list(article_ids)]).fetchall()}


def signatures_without_bands(con: duckdb.DuckDBPyConnection, limit: int) -> dict[str, bytes]:
    """Up to ``limit`` stored signatures that have no band rows yet."""
    return {aid: bytes(b) for aid, b in execute(con, "signatures_without_bands", [limit]).fetchall()}


def banded_signature_count(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(stored signatures, band rows)."""
    sigs, bands = execute(con, "banded_signature_count").fetchall()[0]
    return int(sigs), int(bands)
