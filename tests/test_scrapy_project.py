"""The Scrapy project face: scrapy.cfg lets Scrapy's own tools run the project's spider."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import demo_sources
from tests.conftest import write_sources

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


REPO = Path(__file__).resolve().parents[1]
SCRAPY = [sys.executable, "-m", "scrapy.cmdline"]


def test_scrapy_list_shows_the_news_spider():
    out = subprocess.run([*SCRAPY, "list"], cwd=REPO, capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["news"]


def test_scrapy_crawl_news_writes_the_landing_file(sample_site, tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", demo_sources(sample_site.base_url))
    landing = tmp_path / "landing.jsonl"
    subprocess.run(
        [
            *SCRAPY,
            "crawl",
            "news",
            "-a",
            f"sources={sources}",
            "-s",
            f"CLAIMWATCH_LANDING_FILE={landing}",
            "-s",
            "CLAIMWATCH_ALLOW_PRIVATE_NETWORKS=true",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    records = [json.loads(x) for x in landing.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 10
    assert any("orbit-tech" in json.dumps(r) for r in records)


def test_scrapy_crawl_news_without_sources_says_what_to_give():
    out = subprocess.run([*SCRAPY, "crawl", "news"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "scrapy crawl news -a sources=sources.yaml" in out.stderr
