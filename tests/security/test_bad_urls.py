"""Issue items 4 and 9: a bad URL is one fetch_log row and nothing more; each sitemap URL is fetched once a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.crawl import run_crawl
from spiders.loopback_server import LoopbackSite
from spiders.sources import parse_sources
from spiders.urls import InvalidUrl, canonicalize_url

FAST = {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "download_timeout": 5, "retry_times": 0}
ARTICLE = "<html><head><title>{t}</title></head><body><article><p>{t}. " + "Words of a story. " * 20 + "</p></article>"


def _site(root: Path) -> Path:
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for name in ("a", "b", "c"):
        (root / f"{name}.html").write_text(ARTICLE.format(t=name))
    items = [
        "javascript:void(0)",
        "http://127.0.0.1:99999/port.html",
        "http://[::1/unclosed.html",
        "mailto:desk@example.com",
        "BASE_URL/a.html",
        "BASE_URL/b.html",
    ]
    feed = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in items)
    (root / "feed.xml").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{feed}</channel></rss>"
    )
    index = "".join("<sitemap><loc>BASE_URL/index.xml</loc></sitemap>" for _ in range(10))
    index += "<sitemap><loc>BASE_URL/child.xml</loc></sitemap><sitemap><loc>http://[::1/bad.xml</loc></sitemap>"
    (root / "index.xml").write_text(
        f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{index}</sitemapindex>"
    )
    child = "<url><loc>BASE_URL/c.html</loc></url>"
    (root / "child.xml").write_text(
        f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{child}</urlset>"
    )
    return root


def test_bad_urls_in_sources_and_feeds_are_recorded_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with LoopbackSite(_site(tmp_path / "site")) as site:
        b = site.base_url
        cfg = parse_sources(
            {
                "allow_private_networks": True,
                "crawl": FAST,
                "sources": [
                    {
                        "name": "bad-first",
                        "urls": ["http://127.0.0.1:99999/x.html", "http://[::1/y.html", f"{b}/a.html"],
                    },
                    {"name": "feed", "feed": f"{b}/feed.xml"},
                    {"name": "map", "sitemap": f"{b}/index.xml"},
                ],
            }
        )
        result = run_crawl(cfg, tmp_path / "crawl")
        hits = dict(site.hits)
    assert result.exit_code == 0, result.stderr_tail
    bad = sorted((f.source, f.url) for f in result.fetches if f.error == "bad_url")
    assert bad == sorted(
        [
            ("bad-first", "http://127.0.0.1:99999/x.html"),
            ("bad-first", "http://[::1/y.html"),
            ("feed", "javascript:void(0)"),
            ("feed", "http://127.0.0.1:99999/port.html"),
            ("feed", "http://[::1/unclosed.html"),
            ("feed", "mailto:desk@example.com"),
            ("map", "http://[::1/bad.xml"),
        ]
    )
    assert {p.url.removeprefix(b) for p in result.pages} == {"/a.html", "/b.html", "/c.html"}
    # the index lists itself ten times: one fetch of each sitemap URL
    assert hits["/index.xml"] == 1 and hits["/child.xml"] == 1


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("HTTP://[2001:DB8::1]/a?utm_source=x", "http://[2001:db8::1]/a"),
        ("https://example.com:443/", "https://example.com/"),
    ],
)
def test_canonical_urls_keep_ipv6_brackets(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://[::1/a", "http://example.com:-1/"])
def test_unparsable_urls_raise_invalid_url(url: str) -> None:
    with pytest.raises(InvalidUrl):
        canonicalize_url(url)
