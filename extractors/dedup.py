"""Group article copies (same canonical URL, same text, or near-identical text) and pick the one to keep."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from extractors.cleaning import normalize_for_hash, strip_syndication_notes

# Measured on the sample: a copy with its first paragraph rewritten scores 0.73, with first and last rewritten
# 0.62; different stories score under 0.02. 0.5 keeps both kinds of copy and stays far from distinct stories.
NEAR_DUPLICATE_JACCARD = 0.5
SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SCHEME = "affine32"  # datasketch 2.x default; stored signatures are only comparable within one scheme
# The (bands, rows) datasketch's MinHashLSH picks for NEAR_DUPLICATE_JACCARD and NUM_PERM (a numerical optimisation
# with scipy), pinned so that a process comparing signatures never imports datasketch: its package imports scipy,
# ~80 MB in every process, while only the cleaning workers compute signatures. tests/test_dedup.py checks that
# datasketch still picks these; the stored band buckets depend on them.
LSH_BANDS, LSH_ROWS = 25, 5

Signature = np.ndarray
"""A MinHash signature: its NUM_PERM hash values (uint64), as datasketch computes and the warehouse stores them."""


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


# Chinese and Japanese have no spaces between words: each CJK character counts as a word for shingling
_SHINGLE_UNITS = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Word k-shingles of the normalised text (syndication notes removed); a CJK character is a word."""
    words = _SHINGLE_UNITS.findall(normalize_for_hash(strip_syndication_notes(text)))
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def signature(text: str) -> Signature:
    """MinHash of the text's word shingles (``update_batch``: one call per article), as its hash values."""
    from datasketch import MinHash  # imported here: see LSH_BANDS

    m = MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return np.asarray(m.hashvalues, dtype=np.uint64)


def signature_bytes(m: Signature) -> bytes:
    """The signature as stored in the warehouse."""
    return np.asarray(m, dtype=np.uint64).tobytes()


def signature_from_bytes(b: bytes) -> Signature:
    """A stored signature back as its hash values (read-only view of the bytes, nothing copied)."""
    return np.frombuffer(b, dtype=np.uint64)


def band_buckets(m: Signature) -> list[int]:
    """The LSH band buckets of a signature (LSH_BANDS bands of LSH_ROWS hash values), as signed 64-bit integers.

    Two signatures share a bucket when one of their bands is equal, the candidate rule of datasketch's MinHashLSH
    with the same (b, r); the band's number is hashed in, so equal values in different bands never meet.
    blake2b rather than Python's hash(): buckets are stored, so they must not change between processes.
    """
    values = np.asarray(m, dtype=np.uint64)
    out = []
    for band in range(LSH_BANDS):
        part = values[band * LSH_ROWS : (band + 1) * LSH_ROWS]
        digest = hashlib.blake2b(part.tobytes(), digest_size=8, salt=bytes([band]))
        out.append(int.from_bytes(digest.digest(), "little", signed=True))
    return out


def estimated_jaccard(m: Signature, others: np.ndarray) -> np.ndarray:
    """MinHash estimates of the Jaccard similarity of ``m`` with each row of hash values in ``others``."""
    return np.count_nonzero(others == np.asarray(m, dtype=np.uint64), axis=1) / NUM_PERM


class SignatureIndex:
    """The signatures of one batch's copy candidates, indexed by LSH band bucket (:func:`assign_duplicates`).

    Stored articles are looked up through their band buckets in the warehouse instead (``pipelines.articles``);
    this is the same candidate rule in memory (a dict of bucket -> ids rather than datasketch's MinHashLSH: see
    LSH_BANDS). Candidates are confirmed against a matrix of hash values in one numpy comparison per query (a large
    copy group, e.g. a wire story re-posted by hundreds of outlets, yields hundreds of candidates).
    """

    def __init__(self, stored: dict[str, Signature] | None = None) -> None:
        self.signatures: dict[str, Signature] = {}
        self._buckets: dict[int, list[str]] = {}
        self._row: dict[str, int] = {}
        self._matrix = np.empty((max(16, len(stored or ())), NUM_PERM), dtype=np.uint64)
        for key, m in (stored or {}).items():
            self.add(key, m)

    def add(self, key: str, m: Signature) -> None:
        """Index one signature (ignored if the id is already indexed)."""
        if key in self.signatures:
            return
        row = len(self._row)
        if row == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
        self._matrix[row] = m
        self._row[key] = row
        self.signatures[key] = m
        for bucket in band_buckets(m):
            self._buckets.setdefault(bucket, []).append(key)

    def near(self, m: Signature) -> set[str]:
        """Indexed ids whose estimated Jaccard with ``m`` reaches the threshold."""
        candidates = list(dict.fromkeys(key for b in band_buckets(m) for key in self._buckets.get(b, ())))
        if not candidates:
            return set()
        share = estimated_jaccard(m, self._matrix[[self._row[h] for h in candidates]])
        return {h for h, s in zip(candidates, share, strict=True) if s >= NEAR_DUPLICATE_JACCARD}


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a or b else 1.0


def keeper_rank(a: ArticleKey) -> tuple[object, ...]:
    """Rank copies of one article; the lowest rank is kept.

    The original (not AMP, not a syndicated copy, at its own canonical URL) first, then the earliest
    published, then the earliest fetched, then the URL for a stable tie-break.
    """
    published = a.published_at.timestamp() if a.published_at else float("inf")
    return (a.is_amp, a.is_syndicated, a.url != a.canonical_url, published, a.fetched_at.timestamp(), a.url)


def assign_duplicates(
    articles: Iterable[ArticleKey], signatures: dict[str, Signature] | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """Map every article id to (duplicate_of, reason); (None, None) for a kept article.

    Copies are linked when they share a canonical URL, a content hash, or their MinHash estimate of word-shingle
    Jaccard reaches ``NEAR_DUPLICATE_JACCARD`` (found through LSH). ``signatures`` may hold precomputed ones.
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
    given = signatures or {}
    sigs = {a.article_id: given[a.article_id] if a.article_id in given else signature(a.text) for a in items}
    index = SignatureIndex(sigs)
    for key, m in sigs.items():
        for other in index.near(m) - {key}:
            if find(key) != find(other):
                union(key, other, "near_duplicate")
    groups: dict[str, list[ArticleKey]] = {}
    for a in items:
        groups.setdefault(find(a.article_id), []).append(a)
    out: dict[str, tuple[str | None, str | None]] = {}
    for members in groups.values():
        keep = min(members, key=keeper_rank)
        for a in members:
            out[a.article_id] = (None, None) if a is keep else (keep.article_id, reason.get(a.article_id))
    return out
