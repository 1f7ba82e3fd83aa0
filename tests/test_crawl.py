"""The Scrapy crawl, run in a child process against loopback servers."""

from __future__ import annotations

import http.server
import threading

import pytest

from spiders.crawl import run_crawl
from spiders.sources import parse_sources

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


FAST = {
    "autothrottle_start_delay": 0.0,
    "download_delay": 0.0,
    "download_timeout": 5,
    "retry_times": 1,
    "retry_backoff_base": 0.1,
    "sitemap_max_age_days": 0,
}


@pytest.fixture()
def fault_server():
    """A loopback server with a redirect into a private address, a 500, and an honest-UA recorder."""
    seen = {"ua": [], "hits": {}}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            seen["ua"].append(self.headers.get("User-Agent"))
            seen["hits"][self.path] = seen["hits"].get(self.path, 0) + 1
            if self.path == "/robots.txt":
                body, code = b"User-agent: *\nAllow: /\n", 200
            elif self.path == "/500":
                body, code = b"boom", 500
            else:
                body, code = b"<html><body>nothing</body></html>", 404
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", seen
    srv.shutdown()
    srv.server_close()


def test_feed_and_sitemap_discovery_with_robots(sample_site, tmp_path):
    b = sample_site.base_url
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [
                {"name": "orbit", "feed": f"{b}/orbit-tech/feed.xml"},
                {"name": "ledger", "sitemap": f"{b}/daily-ledger/sitemap.xml"},
            ],
        }
    )
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0
    urls = {p.url.removeprefix(b) for p in result.pages}
    assert urls == {
        "/orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",
        "/orbit-tech/2026/09/mistral-opens-paris-data-centre-for-european-customers.html",
        "/orbit-tech/2026/09/xai-grok-closes-gap-with-gemini-on-reasoning.html",
        "/daily-ledger/2026/09/lawmakers-debate-export-limits-on-advanced-chips.html",
        "/daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
        "/daily-ledger/amp/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
    }
    page = result.pages[0]
    assert page.status == 200 and page.body.startswith(b"<!doctype html>") and page.headers
    errors = {f.url.removeprefix(b): f.error for f in result.fetches if f.error}
    assert errors == {"/private/embargoed-funding-story.html": "robots_disallowed"}
    roles = {f.role for f in result.fetches if f.error is None}
    assert roles == {"feed", "sitemap", "page"}


def test_already_stored_urls_are_not_fetched(sample_site, tmp_path):
    b = sample_site.base_url
    known = f"{b}/orbit-tech/2026/09/mistral-opens-paris-data-centre-for-european-customers.html"
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [{"name": "orbit", "feed": f"{b}/orbit-tech/feed.xml"}],
        }
    )
    result = run_crawl(cfg, tmp_path, skip_urls=[known])
    assert known not in {p.url for p in result.pages}
    assert {f.error for f in result.fetches if f.url == known} == {"already_stored"}


def test_private_addresses_refused_by_default(fault_server, tmp_path):
    base, seen = fault_server
    cfg = parse_sources({"crawl": FAST, "sources": [{"name": "local", "urls": [f"{base}/page"]}]})
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0 and result.pages == []
    assert [f.error for f in result.fetches] == ["private_address"]
    assert seen["hits"] == {}, "nothing may reach a private address, robots.txt included"


def test_failures_are_recorded_with_reasons_and_honest_user_agent(fault_server, tmp_path):
    base, seen = fault_server
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [
                {"name": "bad", "urls": [f"{base}/500", f"{base}/missing"]},
                {"name": "down", "feed": "http://127.0.0.1:9/feed.xml"},
            ],
        }
    )
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0
    reasons = {f.url: f.error for f in result.fetches}
    assert reasons[f"{base}/500"] == "http_500"
    assert reasons[f"{base}/missing"] == "http_404"
    assert reasons["http://127.0.0.1:9/feed.xml"] == "connection_refused"
    assert seen["hits"]["/500"] == 2  # one retry
    assert all(ua and ua.startswith("claimwatch/") and "+http" in ua for ua in seen["ua"])


def test_sitemaps_announced_in_robots_and_max_age(tmp_path):
    from datetime import UTC, datetime, timedelta

    from spiders.loopback_server import LoopbackSite

    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    recent = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = (datetime.now(UTC) - timedelta(days=90)).strftime("%Y-%m-%d")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: BASE_URL/sitemap-index.xml\n")
    (site / "sitemap-index.xml").write_text(
        "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        "<sitemap><loc>BASE_URL/news-sitemap.xml</loc></sitemap></sitemapindex>"
    )
    (site / "news-sitemap.xml").write_text(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>BASE_URL/news/new.html</loc><lastmod>{recent}</lastmod></url>"
        f"<url><loc>BASE_URL/news/old.html</loc><lastmod>{old}</lastmod></url>"
        "<url><loc>BASE_URL/news/undated.html</loc></url></urlset>"
    )
    for name in ("new", "old", "undated"):
        (site / "news" / f"{name}.html").write_text(f"<html><body><p>{name}</p></body></html>")
    with LoopbackSite(site) as server:
        cfg = parse_sources(
            {
                "allow_private_networks": True,
                "crawl": {**FAST, "sitemap_max_age_days": 30},
                "sources": [{"name": "n", "sitemap": f"{server.base_url}/robots.txt"}],
            }
        )
        result = run_crawl(cfg, tmp_path / "work")
        fetched = {p.url.removeprefix(server.base_url) for p in result.pages}
        assert fetched == {"/news/new.html", "/news/undated.html"}
        assert "/news/old.html" not in server.hits
        news = [f for f in result.fetches if f.url.endswith("news-sitemap.xml")]
        assert news[0].extra["skipped_too_old"] == 1


def test_conditional_get_sends_stored_validators(sample_site, tmp_path):
    b = sample_site.base_url
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [{"name": "orbit", "feed": f"{b}/orbit-tech/feed.xml"}],
        }
    )
    first = run_crawl(cfg, tmp_path / "one")
    [feed] = [f for f in first.fetches if f.role == "feed"]
    assert feed.status == 200 and feed.extra["etag"]
    second = run_crawl(
        cfg, tmp_path / "two", feed_state={feed.url: {"etag": feed.extra["etag"], "last_modified": None}}
    )
    assert [(f.role, f.status) for f in second.fetches] == [("feed", 304)]
    assert second.pages == []
