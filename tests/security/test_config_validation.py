"""Issue item 8: every crawl setting is type-checked before the crawl; YAML alias bombs are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.sources import SourcesError, load_sources, parse_sources

SOURCES = [{"name": "a", "feed": "https://example.com/feed.xml"}]


@pytest.mark.parametrize(
    ("crawl", "message"),
    [
        ({"download_timeout": "abc"}, "crawl.download_timeout"),
        ({"max_pages_per_source": "lots"}, "crawl.max_pages_per_source"),
        ({"max_pages_per_source": 0}, "crawl.max_pages_per_source"),
        ({"retry_times": 2.5}, "crawl.retry_times"),
        ({"download_delay": -1}, "crawl.download_delay"),
        ({"concurrent_requests_per_domain": True}, "crawl.concurrent_requests_per_domain"),
        ({"allow_networks": ["not-a-cidr"]}, "crawl.allow_networks"),
        ({"allow_networks": "10.0.0.0/8"}, "crawl.allow_networks"),
        ({"user_agent": ""}, "crawl.user_agent"),
        ({"frontier_redis_url": "http://x"}, "crawl.frontier_redis_url"),
        ({"download_timout": 5}, "did you mean 'download_timeout'"),
    ],
)
def test_bad_crawl_values_are_rejected_with_their_key(crawl: dict, message: str) -> None:
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_sources({"crawl": crawl, "sources": SOURCES})


def test_good_values_pass_and_fill_defaults() -> None:
    cfg = parse_sources({"crawl": {"download_timeout": 5, "download_delay": 1}, "sources": SOURCES})
    assert cfg.crawl["download_timeout"] == 5 and cfg.crawl["download_delay"] == 1.0
    assert cfg.crawl["max_pages_per_source"] == 500


def test_a_typo_in_a_source_key_is_named() -> None:
    with pytest.raises(SourcesError, match=r"unknown keys: 'fed' \(did you mean 'feed'\?\)"):
        parse_sources({"sources": [{"name": "a", "fed": "https://example.com/feed.xml"}]})


@pytest.mark.parametrize("value", ["lots", 0, 1000, True])
def test_gdelt_counts_are_checked(value: object) -> None:
    with pytest.raises(SourcesError, match="gdelt"):
        parse_sources({"sources": [{"name": "g", "gdelt": {"phrases": ["x"], "max_records": value}}]})


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ["l0: &l0 ['10.0.0.0/8','10.0.0.0/8','10.0.0.0/8','10.0.0.0/8','10.0.0.0/8','10.0.0.0/8']"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 6) + "]")
    lines += ["crawl: {allow_networks: *l8}", "sources: [{name: a, feed: 'https://example.com/f.xml'}]"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 1024
    with pytest.raises(SourcesError, match="expands to more than"):
        load_sources(path)


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    feed: [unclosed\n")
    with pytest.raises(SourcesError, match=r"sources\.yaml, line \d+, column \d+: not valid YAML"):
        load_sources(path)
