"""Every /faults/ route of shared/tools/serve_site.py as a source: one run, each fault recorded, memory bounded."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import yaml

from evaluation.sample_site_check import serve
from pipelines.run import run_pipeline
from warehouse.db import connect
from warehouse.reports import article_texts, fetch_outcomes, verdict_reasons

PAGES = ["429", "500", "flaky", "slow", "huge", "gzip-bomb", "redirect-loop", "binary", "latin1", "consent", "empty"]
FEEDS = ["bad-feed.xml", "xxe-feed.xml", "billion-laughs.xml"]
LOADED = {"429", "flaky", "latin1"}
MAX_SECONDS = 300
MAX_RSS_MB = 1024


def check_faults(shared: Path, work: Path) -> list[str]:
    """Return problems (empty when the fault run behaves)."""
    proc, base = serve(shared, work)
    problems: list[str] = []
    try:
        cfg = {
            "allow_private_networks": True,
            "crawl": {"autothrottle_start_delay": 0.0, "download_delay": 0.0},
            "sources": [
                {"name": "fault-pages", "urls": [f"{base}/faults/{p}" for p in PAGES]},
                *[{"name": f, "feed": f"{base}/faults/{f}"} for f in FEEDS],
            ],
        }
        sources = work / "faults.yaml"
        sources.write_text(yaml.safe_dump(cfg), encoding="utf-8")
        t0 = time.monotonic()
        summary = run_pipeline(sources, work / "faults.duckdb", work / "faults-alerts.jsonl")
        seconds = time.monotonic() - t0
        parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        crawler_mb = float(summary.crawl_stats.get("crawler_peak_rss_mb", 0.0))
        con = connect(work / "faults.duckdb", read_only=True)
        try:
            rows = fetch_outcomes(con)
            articles = article_texts(con)
            verdicts = verdict_reasons(con)
        finally:
            con.close()
        print(f"{'fault':<22}{'status':>7}  outcome")
        outcome = {u.removeprefix(f"{base}/faults/"): (s, e) for u, _, s, e in rows}
        for name in PAGES + FEEDS:
            status, error = outcome.get(name, (None, "NOT RECORDED"))
            verdict = verdicts.get(f"{base}/faults/{name}", "feed parsed")
            shown = error or ("loaded as article" if verdict == "article" else f"not an article: {verdict}")
            print(f"{name:<22}{status if status is not None else '-':>7}  {shown}")
        print(
            f"run: {seconds:.1f}s, success={summary.success}, crawler peak RSS {crawler_mb:.0f} MB, "
            f"pipeline process peak RSS {parent_mb:.0f} MB"
        )
        if not summary.success:
            problems.append("the run failed")
        if seconds > MAX_SECONDS:
            problems.append(f"took {seconds:.0f}s > {MAX_SECONDS}s")
        if max(crawler_mb, parent_mb) > MAX_RSS_MB:
            problems.append(f"peak memory {max(crawler_mb, parent_mb):.0f} MB > {MAX_RSS_MB} MB")
        missing = [n for n in PAGES + FEEDS if n not in outcome]
        if missing:
            problems.append(f"fault URLs not recorded: {missing}")
        got = {u.removeprefix(f"{base}/faults/") for u in articles}
        if got != LOADED:
            problems.append(f"articles loaded {sorted(got)}, want {sorted(LOADED)}")
        latin1 = articles.get(f"{base}/faults/latin1", "")
        if "caf\u00e9" not in latin1 or "\u20ac5" not in latin1:
            problems.append("windows-1252 page lost its accents")
    finally:
        proc.kill()
        proc.wait()
    print("faults: " + ("OK" if not problems else "; ".join(problems)))
    return problems
