"""Crawl ../shared/sample-site (served by shared/tools/serve_site.py) twice and check EXPECTED.json."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pipelines.run import run_pipeline
from pipelines.settings import AlertSettings
from warehouse.db import connect
from warehouse.reports import alert_policy_audit, article_copies, fetched_urls, row_counts


def serve(shared: Path, work: Path) -> tuple[subprocess.Popen[str], str]:
    """Start shared/tools/serve_site.py on the shared sample site; return the process and its base URL."""
    base_file = work / "base.txt"
    base_file.unlink(missing_ok=True)  # a previous server's address must not be read back
    proc = subprocess.Popen(
        [
            sys.executable,
            str(shared / "tools" / "serve_site.py"),
            str(shared / "sample-site"),
            "--base-file",
            str(base_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    for _ in range(100):
        if base_file.exists() and base_file.read_text().strip():
            return proc, base_file.read_text().strip()
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("serve_site.py did not start")


def _row_counts(db: Path) -> dict[str, int]:
    con = connect(db, read_only=True)
    try:
        return row_counts(con)
    finally:
        con.close()


def _sources_file(expected: dict[str, Any], fix: Callable[[str], str], work: Path) -> Path:
    """A sources file with the sample site's feeds, sitemaps and non-article pages."""
    sources = [{"name": f.split("/")[-2] + "-feed", "feed": fix(f)} for f in expected["feeds"]]
    sources += [{"name": f.split("/")[-2] + "-sitemap", "sitemap": fix(f)} for f in expected["sitemaps"]]
    sources.append({"name": "non-article-pages", "urls": [fix(u) for u in expected["non_articles"]]})
    cfg = {
        "allow_private_networks": True,
        "crawl": {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "sitemap_max_age_days": 0},
        "sources": sources,
    }
    sources_file = work / "sample-site-sources.yaml"
    sources_file.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return sources_file


def _warehouse_problems(db: Path, expected: dict[str, Any], fix: Callable[[str], str]) -> list[str]:
    """What the warehouse holds against EXPECTED.json: kept copies, duplicates, robots, non-articles, alerts."""
    problems: list[str] = []
    con = connect(db, read_only=True)
    try:
        kept, dups = article_copies(con)
        fetched = fetched_urls(con)
        breaches, once_per_kind, (stories, new, updates, unnamed) = alert_policy_audit(
            con, AlertSettings.load().story_relations
        )
    finally:
        con.close()
    want_kept = {fix(u) for u in expected["unique_articles"]}
    want_dups = {fix(k): fix(v) for k, v in expected["duplicates"].items()}
    if kept != want_kept:
        problems.append(f"kept articles differ: missing {sorted(want_kept - kept)}, extra {sorted(kept - want_kept)}")
    if dups != want_dups:
        problems.append(f"duplicates differ: got {dups}, want {want_dups}")
    problems += [f"robots-disallowed page was fetched: {fix(u)}" for u in expected["excluded"] if fix(u) in fetched]
    problems += [
        f"non-article loaded as article: {fix(u)}" for u in expected["non_articles"] if fix(u) in kept or fix(u) in dups
    ]
    if breaches or not once_per_kind:
        problems.append("alerts must be parity/surpass claims (denials only as disputes), one per story and kind")
    print(
        f"alerts by story: {stories} stories, {new} new-story alerts, {updates} updates, "
        f"{unnamed} unnamed-subject claims for the digest"
    )
    return problems


def check_sample_site(shared: Path, work: Path) -> list[str]:
    """Return a list of problems (empty when the crawl matches EXPECTED.json)."""
    expected = json.loads((shared / "sample-site" / "EXPECTED.json").read_text(encoding="utf-8"))
    proc, base = serve(shared, work)
    try:

        def fix(u: str) -> str:
            return u.replace("BASE_URL", base)

        sources_file = _sources_file(expected, fix, work)
        db = work / "sample-site.duckdb"
        first = run_pipeline(sources_file, db, work / "alerts.jsonl")
        print("\n".join(first.lines()))
        counts1 = _row_counts(db)
        second = run_pipeline(sources_file, db, work / "alerts.jsonl")
        counts2 = _row_counts(db)
        print(f"row counts after run 1: {counts1}\nrow counts after run 2: {counts2}")
        problems = _warehouse_problems(db, expected, fix)
        if counts1 != counts2:
            problems.append(f"second run changed row counts: {counts1} -> {counts2}")
        if second.alerts_new:
            problems.append(f"second run created {len(second.alerts_new)} alerts")
        print(f"alerts after first run: {counts1['alerts']}; new alerts in second run: {len(second.alerts_new)}")
        print("sample site: " + ("OK" if not problems else "; ".join(problems)))
    finally:
        proc.kill()
        proc.wait()
    return problems
