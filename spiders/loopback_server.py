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
from collections.abc import Callable
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


def loopback_server(
    handle: Callable[[http.server.BaseHTTPRequestHandler], None],
    methods: tuple[str, ...] = ("GET",),
    port: int = 0,
    protocol: str = "HTTP/1.0",
    queue_size: int = 5,
) -> http.server.HTTPServer:
    """A quiet threaded HTTP server on 127.0.0.1 (``port`` 0: a free one) calling ``handle`` for each request.

    ``methods`` are the HTTP methods it answers. Not started: serve it with ``serve_forever`` in a thread. The
    sample site, the freshness benchmark's feed simulator and the tests' webhook receiver are built on it.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = protocol

        def log_message(self, *args: object) -> None:
            pass

    for method in methods:
        setattr(Handler, f"do_{method}", lambda request: handle(request))

    class Server(_Server):
        request_queue_size = queue_size

    return Server(("127.0.0.1", port), Handler)


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
        self._server = loopback_server(self._answer, ("GET", "HEAD"), port, protocol="HTTP/1.1")
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _answer(self, h: http.server.BaseHTTPRequestHandler) -> None:
        """Serve one GET or HEAD: the file under the root (or 404), ``BASE_URL`` replaced, with an ETag."""
        with self._lock:
            self.requests.append(h.path)
        path = h.path.split("?", 1)[0].split("#", 1)[0]
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root not in target.parents or not target.is_file():
            body, ctype, code = b"<html><body>404 Not Found</body></html>", "text/html", 404
        else:
            body = target.read_bytes().replace(b"BASE_URL", self.base_url.encode())
            ctype = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
            code = 200
            if self.page_gate is not None and target.suffix == ".html":
                self.page_gate.wait(timeout=30)
            if self.page_delay and target.suffix == ".html":
                time.sleep(self.page_delay)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if code == 200 and h.headers.get("If-None-Match") == etag:
            code, body = 304, b""
        with self._lock:
            self.statuses[(path, code)] += 1
        h.send_response(code)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        if code in (200, 304):
            h.send_header("ETag", etag)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

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
