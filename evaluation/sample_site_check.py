"""Crawl ../shared/sample-site (served by shared/tools/serve_site.py) twice and check EXPECTED.json."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from pipelines.run import run_pipeline
from warehouse.db import connect

COUNTED_TABLES = ("articles", "claims", "claim_mentions", "alerts")


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


def _counts(db: Path) -> dict[str, int]:
    con = connect(db, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COUNTED_TABLES}
    finally:
        con.close()


def check_sample_site(shared: Path, work: Path) -> list[str]:
    """Return a list of problems (empty when the crawl matches EXPECTED.json)."""
    expected = json.loads((shared / "sample-site" / "EXPECTED.json").read_text(encoding="utf-8"))
    proc, base = serve(shared, work)
    problems: list[str] = []
    try:

        def fix(u: str) -> str:
            return u.replace("BASE_URL", base)

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
        db = work / "sample-site.duckdb"
        first = run_pipeline(sources_file, db, work / "alerts.jsonl")
        print("\n".join(first.lines()))
        counts1 = _counts(db)
        second = run_pipeline(sources_file, db, work / "alerts.jsonl")
        counts2 = _counts(db)
        print(f"row counts after run 1: {counts1}\nrow counts after run 2: {counts2}")
        con = connect(db, read_only=True)
        try:
            rows = con.execute("SELECT url, duplicate_of FROM articles").fetchall()
            ids = dict(con.execute("SELECT article_id, url FROM articles").fetchall())
            kept = {u for u, d in rows if d is None}
            dups = {u: ids.get(d) for u, d in rows if d is not None}
            want_kept = {fix(u) for u in expected["unique_articles"]}
            want_dups = {fix(k): fix(v) for k, v in expected["duplicates"].items()}
            if kept != want_kept:
                problems.append(
                    f"kept articles differ: missing {sorted(want_kept - kept)}, extra {sorted(kept - want_kept)}"
                )
            if dups != want_dups:
                problems.append(f"duplicates differ: got {dups}, want {want_dups}")
            fetched = {
                r[0] for r in con.execute("SELECT url FROM raw_pages UNION SELECT final_url FROM raw_pages").fetchall()
            }
            for u in expected["excluded"]:
                if fix(u) in fetched:
                    problems.append(f"robots-disallowed page was fetched: {fix(u)}")
            for u in expected["non_articles"]:
                if fix(u) in kept or fix(u) in dups:
                    problems.append(f"non-article loaded as article: {fix(u)}")
            bad_alerts = con.execute(
                "SELECT count(*) FROM alerts a JOIN claims c USING (claim_id) "
                "WHERE (c.negated AND a.kind <> 'disputed') OR c.relation NOT IN ('parity', 'surpass')"
            ).fetchall()[0][0]
            per_story = con.execute(
                "SELECT count(*) = count(DISTINCT story_key || kind) FROM alerts WHERE story_key IS NOT NULL"
            ).fetchall()[0][0]
            if bad_alerts or not per_story:
                problems.append(
                    "alerts must be parity/surpass claims (denials only as disputes), one per story and kind"
                )
            stories = con.execute(
                "SELECT count(DISTINCT story_key), count(*) FILTER (WHERE kind = 'new'), "
                "count(*) FILTER (WHERE kind NOT IN ('new', 'unnamed')), count(*) FILTER (WHERE kind = 'unnamed') "
                "FROM alerts"
            ).fetchall()[0]
            print(
                f"alerts by story: {stories[0]} stories, {stories[1]} new-story alerts, {stories[2]} updates, "
                f"{stories[3]} unnamed-subject claims for the digest"
            )
        finally:
            con.close()
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
