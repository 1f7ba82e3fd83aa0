"""Group article copies (same canonical URL, same text, or near-identical text) and pick the one to keep."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from extractors.cleaning import normalize_for_hash, strip_syndication_notes

NEAR_DUPLICATE_JACCARD = 0.8
SHINGLE_WORDS = 5


@dataclass
class ArticleKey:
    """What deduplication needs to know about one article copy."""

    article_id: str
    url: str
    canonical_url: str
    content_hash: str
    title: str | None
    text: str
    published_at: datetime | None
    fetched_at: datetime
    is_amp: bool
    is_syndicated: bool


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Word k-shingles of the normalised text (syndication notes removed)."""
    words = normalize_for_hash(strip_syndication_notes(text)).split()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _title_key(title: str | None) -> str:
    return re.sub(r"\s+", " ", normalize_for_hash(title or "")).strip()


def keeper_rank(a: ArticleKey) -> tuple[object, ...]:
    """Rank copies of one article; the lowest rank is kept.

    The original (not AMP, not a syndicated copy, at its own canonical URL) first, then the earliest
    published, then the earliest fetched, then the URL for a stable tie-break.
    """
    published = a.published_at.timestamp() if a.published_at else float("inf")
    return (a.is_amp, a.is_syndicated, a.url != a.canonical_url, published, a.fetched_at.timestamp(), a.url)


def assign_duplicates(articles: Iterable[ArticleKey]) -> dict[str, tuple[str | None, str | None]]:
    """Map every article id to (duplicate_of, reason); (None, None) for a kept article.

    Copies are linked when they share a canonical URL, a content hash, or (among articles with the
    same normalised title) word-shingle Jaccard >= ``NEAR_DUPLICATE_JACCARD``.
    """
    items = list(articles)
    parent = {a.article_id: a.article_id for a in items}
    reason: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str, why: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[ry] = rx
        reason.setdefault(x, why)
        reason.setdefault(y, why)

    for attr, why in (("canonical_url", "canonical_url"), ("content_hash", "content_hash")):
        first: dict[str, str] = {}
        for a in items:
            key = getattr(a, attr)
            if key in first:
                union(first[key], a.article_id, why)
            else:
                first[key] = a.article_id
    by_title: dict[str, list[ArticleKey]] = {}
    for a in items:
        if t := _title_key(a.title):
            by_title.setdefault(t, []).append(a)
    for group in by_title.values():
        if len(group) < 2:
            continue
        sh = {a.article_id: shingles(a.text) for a in group}
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (
                    find(a.article_id) != find(b.article_id)
                    and jaccard(sh[a.article_id], sh[b.article_id]) >= NEAR_DUPLICATE_JACCARD
                ):
                    union(a.article_id, b.article_id, "near_duplicate")
    groups: dict[str, list[ArticleKey]] = {}
    for a in items:
        groups.setdefault(find(a.article_id), []).append(a)
    out: dict[str, tuple[str | None, str | None]] = {}
    for members in groups.values():
        keep = min(members, key=keeper_rank)
        for a in members:
            out[a.article_id] = (None, None) if a is keep else (keep.article_id, reason.get(a.article_id))
    return out
