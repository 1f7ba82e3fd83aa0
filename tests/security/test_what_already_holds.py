"""What already held when issue 16 was filed, kept under test: loopback spellings, Retry-After forms, a 10 MB
sources file, a meta-refresh loop and a slowloris page."""

from __future__ import annotations

import http.server
import resource
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from spiders.crawl import run_crawl
from spiders.http_dates import parse_retry_after
from spiders.netguard import UrlRefused, check_url
from spiders.sources import load_sources, parse_sources

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "0x7f000001",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "2130706433",
    "localhost",
    "127.255.255.254",
    "0.0.0.0",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[2002:7f00:1::1]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused(host: str) -> None:
    with pytest.raises(UrlRefused, match="private_address"):
        check_url(f"http://{host}:8080/feed.xml", allow_private_networks=False)


def test_retry_after_in_every_form() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(b"5", now) == 5.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(days=1), usegmt=True), now) == 0.0  # in the past
    assert parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == 0.0  # RFC 850 form, long past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_a_10_mb_sources_file_loads_quickly_within_memory(tmp_path: Path) -> None:
    urls = "".join(f"      - https://news{i % 97}.example.com/2026/11/story-{i:07d}.html\n" for i in range(170_000))
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: big\n    urls:\n" + urls)
    assert path.stat().st_size > 10_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    cfg = load_sources(path)
    took = time.monotonic() - started
    grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert len(cfg.sources[0].urls) == 170_000
    assert took < 30 and grew_mb < 1024, (took, grew_mb)


@pytest.fixture()
def hostile_server() -> Iterator[str]:
    """/loop.html refreshes to itself forever; /slowloris.html sends one byte a second."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
            elif self.path.startswith("/loop.html"):
                body = b"<html><head><meta http-equiv='refresh' content='0;url=/loop.html?again'></head></html>"
            elif self.path == "/slowloris.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    for _ in range(60):
                        self.wfile.write(b"<")
                        self.wfile.flush()
                        time.sleep(1)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            else:
                body = b"nothing"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_meta_refresh_loops_and_slowloris_end_with_a_reason(hostile_server: str, tmp_path: Path) -> None:
    cfg = parse_sources(
        {
            "allow_private_networks": True,
            "crawl": {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "download_timeout": 3, "retry_times": 0},
            "sources": [
                {"name": "hostile", "urls": [f"{hostile_server}/loop.html", f"{hostile_server}/slowloris.html"]}
            ],
        }
    )
    started = time.monotonic()
    result = run_crawl(cfg, tmp_path)
    assert time.monotonic() - started < 30
    reasons = {f.url.removeprefix(hostile_server): f.error for f in result.fetches}
    assert reasons["/slowloris.html"] == "timeout"
    # followed up to REDIRECT_MAX_TIMES, then given up (recorded under the last URL of the chain)
    assert [e for u, e in reasons.items() if u.startswith("/loop.html")] == ["redirect_loop"]
    assert result.pages == []
    assert result.exit_code == 0
