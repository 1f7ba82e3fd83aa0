from __future__ import annotations

from datetime import UTC, datetime

from extractors.dedup import ArticleKey, assign_duplicates

TEXT = " ".join(f"word{i} sentence about model evaluation results number {i}." for i in range(80))
OTHER = " ".join(f"entirely different story {i} on chip export rules and licences." for i in range(80))


def art(
    aid,
    url,
    canonical=None,
    text=TEXT,
    title="Same title",
    published=datetime(2026, 9, 1, tzinfo=UTC),
    amp=False,
    syndicated=False,
    chash=None,
):
    return ArticleKey(
        aid,
        url,
        canonical or url,
        chash or f"h-{aid}",
        title,
        text,
        published,
        datetime(2026, 9, 2, tzinfo=UTC),
        amp,
        syndicated,
    )


def test_amp_copy_points_to_original_by_canonical_url():
    got = assign_duplicates(
        [art("amp", "https://x/amp/a", canonical="https://x/a", amp=True), art("orig", "https://x/a")]
    )
    assert got == {"orig": (None, None), "amp": ("orig", "canonical_url")}


def test_syndicated_copy_with_same_publication_time_loses_to_original():
    got = assign_duplicates(
        [art("copy", "https://wire/a", syndicated=True, chash="same"), art("orig", "https://paper/a", chash="same")]
    )
    assert got["orig"] == (None, None)
    assert got["copy"] == ("orig", "content_hash")


def test_earliest_published_copy_is_kept():
    got = assign_duplicates(
        [
            art("late", "https://b/a", chash="same", published=datetime(2026, 9, 3, tzinfo=UTC)),
            art("early", "https://a/a", chash="same", published=datetime(2026, 9, 1, tzinfo=UTC)),
        ]
    )
    assert got["late"] == ("early", "content_hash")


def test_near_duplicate_with_changed_paragraph_is_caught():
    edited = "A new first paragraph written by the partner desk. " + TEXT
    got = assign_duplicates(
        [art("a", "https://a/x"), art("b", "https://b/y", text=edited, published=datetime(2026, 9, 2, tzinfo=UTC))]
    )
    assert got["b"] == ("a", "near_duplicate")


def test_different_stories_are_not_merged():
    got = assign_duplicates([art("a", "https://a/x"), art("b", "https://b/y", text=OTHER)])
    assert got == {"a": (None, None), "b": (None, None)}


def test_pinned_lsh_bands_are_what_datasketch_picks():
    """The band buckets stored in the warehouse depend on (bands, rows); datasketch must still choose the same."""
    from datasketch import MinHashLSH

    from extractors.dedup import LSH_BANDS, LSH_ROWS, NEAR_DUPLICATE_JACCARD, NUM_PERM

    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (LSH_BANDS, LSH_ROWS)


def test_signature_index_finds_what_datasketch_lsh_finds():
    """The bucket index gives the same confirmed near-duplicates as datasketch's MinHashLSH over the same signatures."""
    from datasketch import LeanMinHash, MinHashLSH

    from extractors.dedup import (
        MINHASH_SCHEME,
        NEAR_DUPLICATE_JACCARD,
        NUM_PERM,
        SignatureIndex,
        estimated_jaccard,
        signature,
    )

    words = TEXT.split()
    texts = {f"v{i}": " ".join(words[: 40 * i] + ["rewritten"] * 30 + words[40 * i + 30 :]) for i in range(8)}
    texts["other"] = OTHER
    sigs = {k: signature(t) for k, t in texts.items()}
    index = SignatureIndex(sigs)
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=NUM_PERM, params=(25, 5))
    lean = {k: LeanMinHash(seed=1, hashvalues=v, scheme=MINHASH_SCHEME) for k, v in sigs.items()}
    for k, m in lean.items():
        lsh.insert(k, m)
    for k, sig in sigs.items():
        share = {h: estimated_jaccard(sig, sigs[h][None, :])[0] for h in lsh.query(lean[k])}
        theirs = {h for h, s in share.items() if s >= NEAR_DUPLICATE_JACCARD}
        assert index.near(sig) == theirs
    assert index.near(sigs["v0"]) >= {"v0", "v1"}
    assert "other" not in index.near(sigs["v0"])
