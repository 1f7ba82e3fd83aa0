"""Serve a static news site on 127.0.0.1 for the demo and the tests.

Text responses have the placeholder ``BASE_URL`` replaced by the server's own address, so a
site rendered once (``pipelines/sample/site``) works on any port. Every request is counted per path.
"""

from __future__ import annotations

import hashlib
import http.server
import socketserver
import threading
import time
from collections import Counter
from pathlib import Path
from types import TracebackType

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackSite:
    """A threaded HTTP server on loopback serving ``root``; use as a context manager."""

    def __init__(
        self, root: str | Path, port: int = 0, page_delay: float = 0.0, page_gate: threading.Event | None = None
    ) -> None:
        self.root = Path(root).resolve()
        self.page_delay = page_delay  # seconds before answering an .html page (a slow site, for crawl tests)
        # .html pages wait (up to 30 s) until this event is set: lets a test hold pages until every crawler is up
        self.page_gate = page_gate
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.requests: list[str] = []  # full request targets, query strings included
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                with site._lock:
                    site.requests.append(self.path)
                path = self.path.split("?", 1)[0].split("#", 1)[0]
                with site._lock:
                    site.hits[path] = site.hits.get(path, 0) + 1
                target = (site.root / path.lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if site.root not in target.parents or not target.is_file():
                    body, ctype, code = b"<html><body>404 Not Found</body></html>", "text/html", 404
                else:
                    body = target.read_bytes().replace(b"BASE_URL", site.base_url.encode())
                    ctype = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
                    code = 200
                    if site.page_gate is not None and target.suffix == ".html":
                        site.page_gate.wait(timeout=30)
                    if site.page_delay and target.suffix == ".html":
                        time.sleep(site.page_delay)
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if code == 200 and self.headers.get("If-None-Match") == etag:
                    code, body = 304, b""
                with site._lock:
                    site.statuses[(path, code)] += 1
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if code in (200, 304):
                    self.send_header("ETag", etag)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_GET  # noqa: N815

        self._server = _Server(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LoopbackSite:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackSite:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
