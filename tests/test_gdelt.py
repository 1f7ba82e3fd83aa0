"""GDELT keyword discovery against a recorded artlist response served on loopback."""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines.cli import SAMPLE_SITE
from spiders.crawl import run_crawl
from spiders.gdelt import parse_artlist, query_urls, watched_terms
from spiders.loopback_server import LoopbackSite
from spiders.sources import SourcesError, parse_sources
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


FAST = {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "download_timeout": 5, "retry_times": 0}


@pytest.fixture()
def gdelt_site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    (root / "gdelt").mkdir()
    shutil.copy(FIXTURES / "gdelt_artlist.json", root / "gdelt" / "doc.json")
    (root / "gdelt" / "broken.json").write_text("<html>rate limited</html>")
    with LoopbackSite(root) as site:
        yield site


def test_watched_terms_come_from_the_gazetteer_and_config():
    terms = watched_terms(["AI cybersecurity model"], gazetteer_terms=True)
    assert terms[0] == "AI cybersecurity model"
    assert {"Anthropic", "Zhipu AI", "DeepSeek", "Claude", "Qwen", "GLM"} <= set(terms)
    assert "o3" not in terms  # too short for a keyword search
    assert watched_terms(["Mythos"], gazetteer_terms=False) == ["Mythos"]


def test_artlist_queries_and_discovered_pages(gdelt_site, tmp_path):
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [
                {
                    "name": "gdelt",
                    "gdelt": {
                        "endpoint": f"{gdelt_site.base_url}/gdelt/doc.json",
                        "phrases": ["AI model"],
                        "terms_per_query": 20,
                        "timespan": "2h",
                    },
                }
            ],
        }
    )
    result = run_crawl(cfg, tmp_path / "work")
    assert result.exit_code == 0
    queries = [parse_qs(urlsplit(r).query) for r in gdelt_site.requests if r.startswith("/gdelt/")]
    assert len(queries) == len(list(query_urls(cfg.sources[0].options))) > 1
    first = queries[0]
    assert first["mode"] == ["artlist"] and first["format"] == ["json"] and first["timespan"] == ["2h"]
    assert first["query"][0].startswith('("AI model" OR OpenAI OR Anthropic')
    b = gdelt_site.base_url
    assert {p.url for p in result.pages} == {
        f"{b}/northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html",
        f"{b}/orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",  # utm dropped
    }
    errors = {f.url: f.error for f in result.fetches if f.error}
    assert errors == {f"{b}/orbit-tech/2026/09/story-that-was-taken-down.html": "http_404"}


def test_malformed_answer_is_recorded(gdelt_site, tmp_path):
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [
                {
                    "name": "gdelt",
                    "gdelt": {
                        "endpoint": f"{gdelt_site.base_url}/gdelt/broken.json",
                        "phrases": ["Mythos"],
                        "gazetteer_terms": False,
                    },
                }
            ],
        }
    )
    result = run_crawl(cfg, tmp_path / "work")
    assert [(f.role, f.error) for f in result.fetches] == [("gdelt", "malformed_json")]


def test_parse_artlist_dates_and_bad_input():
    links = parse_artlist(b'{"articles": [{"url": "https://x/a", "title": "A", "seendate": "20261122T101500Z"}]}')
    assert [(link.url, link.published) for link in links] == [("https://x/a", "2026-11-22T10:15:00+00:00")]
    assert parse_artlist(b"{}") == []
    with pytest.raises(ValueError):
        parse_artlist(b"not json")


def test_gdelt_options_are_validated():
    with pytest.raises(SourcesError, match="unknown gdelt options"):
        parse_sources({"sources": [{"name": "g", "gdelt": {"querry": "x"}}]})
    with pytest.raises(SourcesError, match="needs phrases"):
        parse_sources({"sources": [{"name": "g", "gdelt": {"gazetteer_terms": False}}]})
    with pytest.raises(SourcesError, match="max_records"):
        parse_sources({"sources": [{"name": "g", "gdelt": {"max_records": 1000}}]})
