"""Analyst query timings on a warehouse with 1M synthetic claim mentions.

Usage: python benchmarks/warehouse_queries.py [--mentions 1000000] [--db PATH] [--keep]

Generates the warehouse with SQL (articles, claims, mentions, alerts, entities, fetch log), then times
`claimwatch claims --new` (the query, and the whole CLI process) and each analyst view, printing the best
of three runs. Target: every one under 1 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warehouse.db import connect
from warehouse.reports import claims_listing

GENERATE = """
INSERT INTO runs (run_id, started_at, finished_at, sources_file, summary)
SELECT 'run-' || i, TIMESTAMPTZ '2026-01-01' + INTERVAL (i) HOUR, NULL, 'bench', NULL
FROM range(100) t(i);
INSERT INTO articles (article_id, url, canonical_url, source, title, author, published_at, fetched_at, language,
                      sitename, text, content_hash, duplicate_of, duplicate_reason, is_syndicated, is_amp, page_id)
SELECT 'a' || i, 'https://s' || (i % 500) || '.example/' || i, 'https://s' || (i % 500) || '.example/' || i,
       'source-' || (i % 500), 'title ' || i, NULL, TIMESTAMPTZ '2025-11-01' + INTERVAL (i % 365) DAY,
       TIMESTAMPTZ '2025-11-01' + INTERVAL (i % 365) DAY, 'en', NULL, 'text of article ' || i, 'h' || i,
       CASE WHEN i % 20 = 0 AND i > 0 THEN 'a' || (i - 1) END, NULL, FALSE, FALSE, 'p' || i
FROM range({articles}) t(i);
CREATE TEMP TABLE firms AS SELECT * FROM (VALUES ('OpenAI'), ('Anthropic'), ('Google DeepMind'), ('Meta'),
    ('DeepSeek'), ('Alibaba'), ('Zhipu AI'), ('Moonshot AI'), ('Mistral AI'), ('xAI'), ('Baidu'), ('Tencent'),
    ('ByteDance'), ('MiniMax'), ('Microsoft'), ('Amazon'), ('Cohere'), ('StepFun'), ('360 Security Technology'),
    ('Nvidia')) f(name);
CREATE TEMP TABLE firm_ids AS SELECT name, row_number() OVER () - 1 AS k FROM firms;
INSERT INTO claims (claim_id, subject_org, subject_model, subject_group, relation, object_org, object_model,
                    object_group, domain, negated, first_seen_at, last_seen_at, first_article_id, mention_count,
                    source_count, created_at, created_run_id, strongest_claimant, strongest_claimant_name)
SELECT 'c' || i, s.name, 'model-' || (i % 97), NULL,
       ['parity', 'surpass', 'trail', 'approach'][1 + i % 4], o.name, 'model-' || (i % 89), NULL,
       ['coding', 'math', 'cybersecurity', 'reasoning', 'agents'][1 + i % 5], i % 10 = 0,
       TIMESTAMPTZ '2025-11-01' + INTERVAL (i % 365) DAY, TIMESTAMPTZ '2025-11-01' + INTERVAL (i % 365) DAY,
       'a' || (i * 7 % {articles}), 20, 5, now(), 'run-' || (i % 100), 'outlet', NULL
FROM range({claims}) t(i)
JOIN firm_ids s ON s.k = i % 20 JOIN firm_ids o ON o.k = (i * 7 + 3) % 20;
INSERT INTO claim_mentions (mention_id, claim_id, article_id, subject, subject_org, subject_model, subject_group,
    relation, object, object_org, object_model, object_group, domain, negated, sentence, claimant, claimant_name,
    hedged, start_char, end_char, extracted_at)
SELECT 'm' || i, c.claim_id, 'a' || ((i * 13) % {articles}), c.subject_org, c.subject_org, c.subject_model, NULL,
       c.relation, c.object_org, c.object_org, c.object_model, NULL, c.domain, c.negated,
       'evidence sentence number ' || i, ['outlet', 'self', 'third_party'][1 + i % 3], NULL, i % 4 = 0, 0, 30, now()
FROM range({mentions}) t(i) JOIN claims c ON c.claim_id = 'c' || (i % {claims});
INSERT INTO alerts (alert_id, claim_id, relation, created_at, delivered_at, channel, status, attempts)
SELECT 'al' || claim_id, claim_id, relation, now(), CASE WHEN hash(claim_id) % 10 <> 0 THEN now() END, 'bench',
       CASE WHEN hash(claim_id) % 10 <> 0 THEN 'delivered' ELSE 'pending' END, 1
FROM claims WHERE relation IN ('parity', 'surpass') AND NOT negated;
INSERT INTO entities SELECT 'firm:' || name, 'firm', name, name, TRUE, TIMESTAMPTZ '2025-11-01', 'a0', 1000, now()
FROM firms;
INSERT INTO fetch_log (url, source, role, status, error, detail, fetched_at, run_id)
SELECT 'https://s' || (i % 500) || '.example/' || i, 'source-' || (i % 500), 'page',
       CASE WHEN i % 17 = 0 THEN 500 ELSE 200 END, CASE WHEN i % 17 = 0 THEN 'http_500' END, NULL,
       TIMESTAMPTZ '2025-11-01' + INTERVAL (i % 365) DAY, 'run-' || (i % 100)
FROM range({articles}) t(i);
"""

QUERIES = {
    "v_parity_claims (all rows)": "SELECT * FROM v_parity_claims",
    "v_claim_timeline (all rows)": "SELECT * FROM v_claim_timeline",
    "v_entities (all rows)": "SELECT * FROM v_entities",
    "source_health (all rows)": "SELECT * FROM source_health",
    "parity claims touching one firm": "SELECT * FROM v_parity_claims WHERE subject_org = 'Zhipu AI' "
    "OR object_org = 'Zhipu AI'",
}


def best_of(fn, n: int = 3) -> tuple[float, int]:
    """Best wall time of ``n`` calls and the row count the call returned."""
    times, rows = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t0)
    return min(times), rows


def main() -> None:
    """Generate, then time and print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentions", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--keep", action="store_true", help="keep the generated warehouse")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="claimwatch-bench-")
    db = args.db or Path(tmp.name) / "bench.duckdb"
    t0 = time.perf_counter()
    con = connect(db)
    sizes = {
        "mentions": args.mentions,
        "claims": max(1000, args.mentions // 20),
        "articles": max(1000, args.mentions // 5),
    }
    for statement in filter(str.strip, GENERATE.format(**sizes).split(";")):
        con.execute(statement)
    con.close()
    print(
        f"generated {sizes['mentions']:,} mentions, {sizes['claims']:,} claims, {sizes['articles']:,} articles "
        f"in {time.perf_counter() - t0:.1f}s ({db.stat().st_size / 1e6:.0f} MB)"
    )
    con = connect(db, read_only=True)
    results = [("claims --new (query)", *best_of(lambda: len(claims_listing(con, only_new=True)[1])))]
    for name, q in QUERIES.items():
        results.append((name, *best_of(lambda q=q: len(con.execute(q).fetchall()))))
    con.close()
    cli = [sys.executable, "-m", "pipelines.cli", "claims", "--new", "--db", str(db), "--format", "csv"]
    results.append(
        (
            "claimwatch claims --new (whole CLI process)",
            *best_of(
                lambda: len(subprocess.run(cli, capture_output=True, text=True, check=True).stdout.splitlines()) - 1
            ),
        )
    )
    print(f"{'query':<48}{'seconds':>9}{'rows':>10}")
    for name, secs, rows in results:
        print(f"{name:<48}{secs:>9.3f}{rows:>10,}")
    slow = [name for name, secs, _ in results if secs >= 1.0]
    print("all under 1 s" if not slow else f"over 1 s: {', '.join(slow)}")
    if args.keep:
        print(f"kept {db}")
    else:
        tmp.cleanup()


if __name__ == "__main__":
    main()
