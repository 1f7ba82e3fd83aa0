"""Issue item 3: a crawler child that dies fails the run, clearly, and keeps what it landed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipelines.cli import SAMPLE_SITE
from spiders.loopback_server import LoopbackSite
from tests.conftest import write_sources
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


PAGES = [
    "orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",
    "orbit-tech/2026/09/mistral-opens-paris-data-centre-for-european-customers.html",
    "orbit-tech/2026/09/xai-grok-closes-gap-with-gemini-on-reasoning.html",
    "northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html",
    "securewire/2026/09/security-start-up-raises-money-for-automated-code-review.html",
    "daily-ledger/2026/09/lawmakers-debate-export-limits-on-advanced-chips.html",
]


def _crawl_children(parent: int) -> list[psutil.Process]:
    try:
        kids = psutil.Process(parent).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [k for k in kids if "spiders.crawl_child" in " ".join(k.cmdline())]


def test_a_killed_crawler_fails_the_run_and_keeps_the_pages_it_landed(tmp_path: Path) -> None:
    with LoopbackSite(SAMPLE_SITE, page_delay=1.5) as site:
        sources = write_sources(
            tmp_path / "sources.yaml",
            {
                "allow_private_networks": True,
                "crawl": {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "concurrent_requests_per_domain": 1},
                "sources": [{"name": "list", "urls": [f"{site.base_url}/{p}" for p in PAGES]}],
            },
        )
        db = tmp_path / "w.duckdb"
        cli = Path(sys.executable).with_name("claimwatch")
        proc = subprocess.Popen(
            [str(cli), "run", "--sources", str(sources), "--db", str(db), "--alerts-file", str(tmp_path / "a.jsonl")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(n for (p, _), n in site.statuses.items() if p.endswith(".html")) < 2:
            time.sleep(0.05)
        time.sleep(0.3)  # the landed pages reach the landing file
        [child] = _crawl_children(proc.pid)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0, out
    first = out.strip().splitlines()[0]
    assert "FAILED: raw_pages: crawler crashed (exit -9)" in first, out
    con = connect(db, read_only=True)
    try:
        status, error = con.execute("SELECT status, error FROM runs").fetchall()[0]
        assert status == "failed" and error.startswith("crawler crashed")
        assert con.execute("SELECT count(*) FROM fetch_log WHERE error = 'crawler_crashed'").fetchall() == [(1,)]
        landed = con.execute("SELECT count(*) FROM raw_pages").fetchall()[0][0]
    finally:
        con.close()
    assert 1 <= landed < len(PAGES)
