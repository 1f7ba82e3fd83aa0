"""CLAIMWATCH_WORKERS: the process pool gives the same rows as one process."""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.cli import SAMPLE_SITE
from pipelines.parallel import (
    MIN_ARTICLES_FOR_EXTRACT_POOL,
    cleaned_batches,
    extract_mentions_parallel,
    worker_count,
)
from pipelines.stages import clean_and_sign, extract_mentions, seeded_extractor


def _pages():
    out = []
    for n, f in enumerate(sorted(SAMPLE_SITE.rglob("*.html")) * 2):
        url = f"https://s.example/{n}/{f.name}"
        out.append(
            {
                "page_id": f"p{n}",
                "url": url,
                "final_url": url,
                "source": "s",
                "content_type": "text/html",
                "fetched_at": datetime(2026, 9, 1, tzinfo=UTC),
                "body": f.read_bytes().replace(b"BASE_URL", b"https://s.example"),
            }
        )
    return out


def _strip(rows, drop):
    return [{k: v for k, v in r.items() if k not in drop} for r in rows]


def test_parallel_cleaning_and_extraction_match_one_process(monkeypatch):
    pages = _pages()
    assert len(pages) >= 2 * 8  # enough for the pool to be used
    by_id = {p["page_id"]: p for p in pages}
    fetched: list[list[str]] = []

    def fetch(ids):
        fetched.append(ids)
        return [by_id[i] for i in ids]

    ids = list(by_id)
    v1, a1 = clean_and_sign(pages)
    batches = list(cleaned_batches(fetch, ids, batch_size=20, workers=2))
    assert len(batches) == -(-len(ids) // 20) and [i for b in fetched for i in b] == ids
    v2 = [v for b in batches for v in b[0]]
    a2 = [a for b in batches for a in b[1]]
    assert _strip(v1, {"judged_at"}) == _strip(v2, {"judged_at"})
    assert a1 == a2 and len(a1) >= 20 and all(len(a["minhash"]) == 128 * 8 for a in a2)
    copies = -(-MIN_ARTICLES_FOR_EXTRACT_POOL // len(a1))  # enough articles for the extraction pool
    arts = [{"article_id": f"{a['article_id']}-{k}", "text": a["text"]} for k in range(copies) for a in a1]
    m1, e1 = extract_mentions(arts, seeded_extractor([]))
    m2, e2 = extract_mentions_parallel(arts, [], workers=2)
    assert _strip(m1, {"extracted_at"}) == _strip(m2, {"extracted_at"}) and m1 and not e1 and not e2
    monkeypatch.setenv("CLAIMWATCH_WORKERS", "3")
    assert worker_count() == 3
