from __future__ import annotations

import pytest

from spiders.sources import DEFAULT_CRAWL_SETTINGS, SourcesError, load_sources, parse_sources


def test_parses_each_source_kind(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(
        "allow_private_networks: true\nsources:\n"
        "  - {name: a, feed: 'https://example.org/feed.xml'}\n"
        "  - {name: b, sitemap: 'https://example.org/sitemap.xml'}\n"
        "  - {name: c, urls: ['https://example.org/1', 'http://example.org/2']}\n"
    )
    cfg = load_sources(p)
    assert cfg.allow_private_networks is True
    assert [(s.name, s.kind, len(s.urls)) for s in cfg.sources] == [
        ("a", "feed", 1),
        ("b", "sitemap", 1),
        ("c", "urls", 2),
    ]
    assert cfg.crawl == DEFAULT_CRAWL_SETTINGS


def test_private_networks_default_off():
    cfg = parse_sources({"sources": [{"name": "a", "feed": "https://example.org/f"}]})
    assert cfg.allow_private_networks is False


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sources": [{"name": "a", "feed": "https://x/f", "urls": ["https://x/1"]}]}, "exactly one of"),
        ({"sources": [{"feed": "https://x/f"}]}, "needs a 'name'"),
        ({"sources": [{"name": "a", "feed": "ftp://x/f"}]}, "only http(s)"),
        ({"sources": [{"name": "a", "feed": "https://x/f"}, {"name": "a", "feed": "https://y/f"}]}, "duplicate"),
        ({"sources": []}, "non-empty list"),
        ({"sources": [{"name": "a", "feed": "https://x/f"}], "allow_private_networks": "yes"}, "true or false"),
        ({"sources": [{"name": "a", "feed": "https://x/f"}], "crawl": {"warp_speed": 9}}, "unknown crawl settings"),
        ({"sources": [{"name": "a", "feed": "https://x/f"}], "extra": 1}, "unknown top-level"),
    ],
)
def test_rejects_bad_files_with_a_clear_message(data, message):
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_sources(data)


def test_unreadable_or_invalid_yaml(tmp_path):
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed")
    with pytest.raises(SourcesError, match="not valid YAML"):
        load_sources(bad)


def test_repo_default_sources_file_is_valid_and_public():
    cfg = load_sources("sources.yaml")
    assert len(cfg.sources) >= 10
    assert cfg.allow_private_networks is False
    assert all(u.startswith("https://") for s in cfg.sources for u in s.urls)
