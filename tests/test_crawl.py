"""The Scrapy crawl, run in a child process against loopback servers."""

from __future__ import annotations

import http.server
import threading

import pytest

from spiders.crawl import run_crawl
from spiders.sources import parse_sources

FAST = {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "download_timeout": 5, "retry_times": 1}


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
    urls = {p["url"].removeprefix(b) for p in result.pages}
    assert urls == {
        "/orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",
        "/orbit-tech/2026/09/mistral-opens-paris-data-centre-for-european-customers.html",
        "/orbit-tech/2026/09/xai-grok-closes-gap-with-gemini-on-reasoning.html",
        "/daily-ledger/2026/09/lawmakers-debate-export-limits-on-advanced-chips.html",
        "/daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
        "/daily-ledger/amp/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
    }
    page = result.pages[0]
    assert page["status"] == 200 and page["body"].startswith(b"<!doctype html>") and page["headers"]
    errors = {f["url"].removeprefix(b): f["error"] for f in result.fetches if f["error"]}
    assert errors == {"/private/embargoed-funding-story.html": "robots_disallowed"}
    roles = {f["role"] for f in result.fetches if f["error"] is None}
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
    assert known not in {p["url"] for p in result.pages}
    assert {f["error"] for f in result.fetches if f["url"] == known} == {"already_stored"}


def test_private_addresses_refused_by_default(fault_server, tmp_path):
    base, seen = fault_server
    cfg = parse_sources({"crawl": FAST, "sources": [{"name": "local", "urls": [f"{base}/page"]}]})
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0 and result.pages == []
    assert [f["error"] for f in result.fetches] == ["private_address"]
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
    reasons = {f["url"]: f["error"] for f in result.fetches}
    assert reasons[f"{base}/500"] == "http_500"
    assert reasons[f"{base}/missing"] == "http_404"
    assert reasons["http://127.0.0.1:9/feed.xml"] == "connection_refused"
    assert seen["hits"]["/500"] == 2  # one retry
    assert all(ua and ua.startswith("claimwatch/") and "+http" in ua for ua in seen["ua"])
