"""A webhook receiver on loopback that records every POST and can fail or stall on purpose.

Paths: /hook/ok (200, as is any other path), /hook/fail-once (500 to the first POST of each idempotency key, then
200), /hook/down (always 500), /hook/slow-once (first POST of each key answers after ``slow_seconds``). ``accepted``
keeps the 2xx
deliveries; ``seen_once`` is what a receiver that drops repeats by Idempotency-Key would keep.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import Counter

from spiders.loopback_server import loopback_server


class WebhookReceiver:
    """Threaded HTTP receiver; use as a context manager."""

    def __init__(self, slow_seconds: float = 2.5) -> None:
        self.posts: list[dict] = []  # every POST: path, key, status, body
        self.slow_seconds = slow_seconds
        self._first: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = loopback_server(self._receive, ("POST",))
        self.base = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _receive(self, h: http.server.BaseHTTPRequestHandler) -> None:
        """Answer one POST by the mode its path names; record it."""
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        key = h.headers.get("Idempotency-Key", "")
        with self._lock:
            self._first[(h.path, key)] += 1
            n = self._first[(h.path, key)]
        status = 200
        if h.path.endswith("/fail-once") and n == 1 or h.path.endswith("/down"):
            status = 500
        if h.path.endswith("/slow-once") and n == 1:
            time.sleep(self.slow_seconds)
        with self._lock:
            self.posts.append({"path": h.path, "key": key, "status": status, "body": json.loads(body or b"{}")})
        h.send_response(status)
        h.send_header("Content-Length", "2")
        h.end_headers()
        try:
            h.wfile.write(b"{}")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def url(self, mode: str) -> str:
        """The Apprise URL of one mode."""
        return f"json://{self.base}/hook/{mode}"

    @property
    def accepted(self) -> list[dict]:
        """POSTs answered 2xx."""
        return [p for p in self.posts if p["status"] < 300]

    def seen_once(self) -> Counter[str]:
        """Accepted deliveries per idempotency key after dropping repeats (each key counts once)."""
        return Counter({p["key"]: 1 for p in self.accepted})

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
