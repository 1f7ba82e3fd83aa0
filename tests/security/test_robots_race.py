"""Issue item 1: robots.txt holds for every request queued behind one slow robots.txt fetch."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from spiders.crawl import run_crawl
from spiders.sources import parse_sources

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


FAST = {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "download_timeout": 10, "retry_times": 0}
PAGE = b"<html><head><title>Story</title></head><body><article><p>" + b"A paragraph of text. " * 20 + b"</p></article>"


@pytest.fixture()
def slow_robots_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, int]]]:
    """robots.txt answers after ``delay`` s (1.5 by default) with ``request.param`` = (status, body[, delay])."""
    status, robots, *rest = request.param
    delay = rest[0] if rest else 1.5
    hits: dict[str, int] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            hits[self.path] = hits.get(self.path, 0) + 1
            if self.path == "/robots.txt":
                time.sleep(delay)
                code, body = status, robots
            else:
                code, body = 200, PAGE
            try:
                self.send_response(code)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the crawler gave up waiting

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    srv.shutdown()
    srv.server_close()


def _crawl(base: str, tmp_path: object) -> dict[str, str | None]:
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": FAST,
            "sources": [
                {"name": "feedless", "urls": [f"{base}/public/first.html"]},
                {"name": "listed", "urls": [f"{base}/private/{i}.html" for i in range(5)] + [f"{base}/public/ok.html"]},
            ],
        }
    )
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0
    return {f.url.removeprefix(base): f.error for f in result.fetches}


@pytest.mark.parametrize("slow_robots_server", [(200, b"User-agent: *\nDisallow: /private/\n")], indirect=True)
def test_disallowed_pages_queued_behind_a_slow_robots_txt_are_never_fetched(slow_robots_server, tmp_path):
    base, hits = slow_robots_server
    errors = _crawl(base, tmp_path)
    assert hits["/robots.txt"] == 1
    assert not [p for p in hits if p.startswith("/private/")], hits
    assert {p: e for p, e in errors.items() if p.startswith("/private/")} == {
        f"/private/{i}.html": "robots_disallowed" for i in range(5)
    }
    assert errors["/public/ok.html"] is None and errors["/public/first.html"] is None


@pytest.mark.parametrize("slow_robots_server", [(503, b"busy")], indirect=True)
def test_a_slow_5xx_robots_txt_disallows_every_queued_request(slow_robots_server, tmp_path):
    base, hits = slow_robots_server
    errors = _crawl(base, tmp_path)
    assert set(hits) == {"/robots.txt"}, hits
    assert set(errors.values()) == {"robots_unavailable"} and len(errors) == 7


@pytest.mark.parametrize("slow_robots_server", [(200, b"User-agent: *\nDisallow: /secret/\n", 2.5)], indirect=True)
def test_a_robots_txt_that_times_out_disallows_the_host(slow_robots_server, tmp_path):
    """Issue 25 row 2: robots.txt answering after the download time-out (Disallow: /secret/) used to be retried,
    time out, and the /secret/ pages were then fetched; an unreachable robots.txt now disallows the host."""
    base, hits = slow_robots_server
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": {**FAST, "download_timeout": 1, "retry_times": 1},
            "sources": [{"name": "s", "urls": [f"{base}/secret/{i}.html" for i in range(3)] + [f"{base}/ok.html"]}],
        }
    )
    result = run_crawl(cfg, tmp_path)
    assert result.exit_code == 0
    assert not [p for p in hits if p != "/robots.txt"], hits  # no page of the host fetched
    assert {f.url.removeprefix(base): f.error for f in result.fetches} == {
        **{f"/secret/{i}.html": "robots_unavailable" for i in range(3)},
        "/ok.html": "robots_unavailable",
    }
