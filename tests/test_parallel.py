"""The run's workers setting: the process pool gives the same rows as one process."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from extractors.rules import ClaimRules
from pipelines.cli import SAMPLE_SITE
from pipelines.parallel import (
    MIN_ARTICLES_FOR_EXTRACT_POOL,
    MIN_BATCH,
    batch_sizes,
    cleaned_batches,
    extract_alone_parallel,
    worker_count,
)
from pipelines.stages import clean_and_sign, clean_sign_extract
from warehouse.records import Article, StoredPage

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)
NOW = datetime(2026, 9, 1, tzinfo=UTC)


def _pages():
    out = []
    for n, f in enumerate(sorted(SAMPLE_SITE.rglob("*.html")) * 2):
        url = f"https://s.example/{n}/{f.name}"
        body = f.read_bytes().replace(b"BASE_URL", b"https://s.example")
        out.append(StoredPage(f"p{n}", url, url, "s", "text/html", datetime(2026, 9, 1, tzinfo=UTC), body))
    return out


def _unjudged(verdicts):
    """Verdicts without the time they were made (which differs between processes)."""
    return [replace(v, judged_at=None) for v in verdicts]


def _article(article_id, text):
    url = f"https://s.example/{article_id}"
    return Article(
        article_id=article_id, url=url, canonical_url=url, source="s", fetched_at=NOW, text=text, content_hash="h"
    )


def test_parallel_cleaning_and_extraction_match_one_process():
    pages = _pages()
    assert len(pages) >= 2 * 8  # enough for the pool to be used
    by_id = {p.page_id: p for p in pages}
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
    assert _unjudged(v1) == _unjudged(v2)
    assert a1 == a2 and len(a1) >= 20 and all(a.minhash and len(a.minhash) == 128 * 8 for a in a2)
    copies = -(-MIN_ARTICLES_FOR_EXTRACT_POOL // len(a1))  # enough articles for the extraction pool
    arts = [_article(f"{a.article_id}-{k}", a.text) for k in range(copies) for a in a1]
    rules = ClaimRules()
    m1, e1 = rules.extract_in_order(arts)
    results = extract_alone_parallel(arts, rules, workers=2)
    m2, e2, redone, _ = rules.confirm_in_order(arts, results)
    assert m1 == m2 and m1 and not e1 and not e2
    # the copies repeat the sample's articles: a copy naming what an earlier article introduced is read again
    # knowing it (never one of the first round, which follows no article introducing a name it uses)
    assert 0 < redone <= len(arts) - len(a1)
    assert worker_count(3) == 3 and worker_count(None) == worker_count(0) == (os.cpu_count() or 1)


def test_cleaning_workers_also_run_the_claim_rules():
    pages = _pages()
    ids = [p.page_id for p in pages]
    by_id = {p.page_id: p for p in pages}
    rules = ClaimRules()
    one = clean_sign_extract(pages, rules)
    batches = list(cleaned_batches(lambda b: [by_id[i] for i in b], ids, 20, workers=2, rules=rules))
    pooled = tuple([row for b in batches for row in b[k]] for k in range(3))
    assert _unjudged(one[0]) == _unjudged(pooled[0])
    assert one[1] == pooled[1] and one[2] == pooled[2]
    assert [r.article_id for r in pooled[2]] == [a.article_id for a in pooled[1]]
    assert sum(len(r.mentions) for r in pooled[2]) > 0


# A introduces a model; B names it (and nothing else would tell the rules it is a model); C is unrelated.
INTRODUCES = "Orion Robotics launched a new coding model called Starling on Monday. Starling beats GPT-4.1 on coding."
USES = "Starling matches Claude Opus 4 on coding, according to testers at Semgrep."
UNRELATED = "Llama 4 trails GPT-4.1 on math, the benchmark shows."


def _claims(rows):
    return [(m.article_id, m.subject_org, m.subject_model, m.relation, m.object_model) for m in rows]


def test_results_made_alone_become_what_one_reader_in_order_finds():
    arts = [_article("a", INTRODUCES), _article("b", USES), _article("c", UNRELATED)]
    rules = ClaimRules()
    alone = {r.article_id: r for r in rules.extract_alone(arts)}
    assert alone["b"].mentions == []  # on its own, B does not know Starling
    assert ("Starling", "MODEL", "Orion Robotics") in alone["a"].introduced
    for order in (arts, arts[::-1]):  # B after A: B's claim is found; B before A: it is not, as in one reader
        expected, _ = rules.extract_in_order(order)
        got, errors, redone, _ = rules.confirm_in_order(order, alone)
        assert got == expected and not errors
        assert redone == (1 if order is arts else 0)
    in_order, _, _, _ = rules.confirm_in_order(arts, alone)
    assert ("b", "Orion Robotics", "Starling", "parity", "Claude Opus 4") in _claims(in_order)
    assert rules.known == {}  # reading in order and confirming leave the rules as seeded
    assert ClaimRules().known == {}  # and nothing process-wide: new rules start from nothing


def test_seed_from_earlier_runs_is_known_to_every_article():
    rules = ClaimRules([("model", "Starling", "Orion Robotics")])
    [r] = rules.extract_alone([_article("b", USES)])
    assert _claims(r.mentions) == [("b", "Orion Robotics", "Starling", "parity", "Claude Opus 4")]
    assert r.introduced == [] and list(rules.known) == ["Starling"]
    assert ClaimRules().extract_alone([_article("b", USES)])[0].mentions == []  # unseeded rules


def test_batch_plan_overlaps_loading_and_ends_small():
    for total in (60, 181, 2000, 10_001):
        sizes = batch_sizes(total, 500)
        assert sum(sizes) == total and max(sizes) <= 500
        assert sizes[-1] <= MIN_BATCH  # the one load nothing overlaps is short
    assert len(batch_sizes(181, 500)) == 4  # a small run still overlaps loading with cleaning
    assert batch_sizes(2000, 500) == [500, 500, 500, 250, 125, 63, 50, 12]
