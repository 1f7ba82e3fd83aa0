"""A loopback HTTP server with the faults a real web throws, for crawler tests.

Routes under /faults/: 429 (Retry-After: 1 for the first two hits), 500, flaky (500 once), slow (answers
after ``slow_seconds``), huge (``huge_bytes`` of HTML), gzip-bomb (inflates to 64 MiB), redirect-loop,
binary, latin1 (windows-1252, no charset), consent, empty, bad-feed.xml, xxe-feed.xml, billion-laughs.xml,
to-private (302 to 10.0.0.1). Every hit is recorded with its time. ``robots_status`` sets the robots.txt status.
"""

from __future__ import annotations

import gzip
import http.server
import io
import threading
import time
from collections import defaultdict

ARTICLE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Recovered story</title></head><body><article>"
    b"<h1>Recovered story</h1><p>After a transient error the server answered normally with a complete story "
    b"about how crawlers should retry politely.</p><p>A second paragraph keeps the page from looking like "
    b"boilerplate.</p></article></body></html>"
)
LATIN1 = (
    "<html><head><title>Caf\u00e9 r\u00e9sum\u00e9</title></head><body><article><h1>Na\u00efve encodings</h1>"
    "<p>Zhipu AI\u2019s model \u2013 the piece quotes \u2018caf\u00e9\u2019 prices of \u20ac5 in a paragraph long "
    "enough to keep.</p><p>More accents: r\u00e9sum\u00e9, fa\u00e7ade, \u00fcber.</p></article></body></html>"
).encode("cp1252")
CONSENT = (
    b"<html><head><title>Before you continue</title></head><body><div class='consent'><h1>Before you continue</h1>"
    b"<p>We and our partners use cookies and data to deliver services and measure audiences. Select Accept all "
    b"to agree or Reject all to decline.</p><button>Accept all</button></div></body></html>"
)


class FaultServer:
    """Threaded loopback server; use as a context manager. ``hits[path]`` lists request times."""

    def __init__(self, slow_seconds: float = 4.0, huge_bytes: int = 3 * 1024 * 1024, robots_status: int = 200):
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.robots_status = robots_status
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def send(
                self,
                code: int,
                body: bytes,
                ctype: str = "text/html; charset=utf-8",
                headers: tuple[tuple[str, str], ...] = (),
            ) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                server.hits[path].append(time.monotonic())
                n = len(server.hits[path])
                base = server.base_url
                if path == "/robots.txt":
                    body = b"User-agent: *\nDisallow: /private/\n" if server.robots_status == 200 else b"oops"
                    return self.send(server.robots_status, body, "text/plain")
                name = path.removeprefix("/faults/")
                if name == "429":
                    if n <= 2:
                        return self.send(429, b"slow down", "text/plain", (("Retry-After", "1"),))
                    return self.send(200, ARTICLE)
                if name == "500":
                    return self.send(500, b"error", "text/plain")
                if name == "flaky":
                    return self.send(500, b"error", "text/plain") if n == 1 else self.send(200, ARTICLE)
                if name == "slow":
                    time.sleep(server.slow_seconds)
                    return self.send(200, ARTICLE)
                if name == "huge":
                    chunk = b"<p>" + b"filler text " * 80 + b"</p>\n"
                    return self.send(
                        200, b"<html><body>" + chunk * (server.huge_bytes // len(chunk)) + b"</body></html>"
                    )
                if name == "gzip-bomb":
                    buf = io.BytesIO()
                    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
                        for _ in range(64):
                            g.write(b"\0" * (1024 * 1024))
                    return self.send(200, buf.getvalue(), headers=(("Content-Encoding", "gzip"),))
                if name == "redirect-loop":
                    return self.send(302, b"", headers=(("Location", f"{base}/faults/redirect-loop"),))
                if name == "to-private":
                    return self.send(302, b"", headers=(("Location", "http://10.0.0.1/secret"),))
                if name == "binary":
                    return self.send(200, bytes(range(256)) * 64, "application/octet-stream")
                if name == "latin1":
                    return self.send(200, LATIN1, "text/html")
                if name == "consent":
                    return self.send(200, CONSENT)
                if name == "empty":
                    return self.send(200, b"")
                if name == "bad-feed.xml":
                    body = (
                        f"<?xml version='1.0'?><rss version='2.0'><channel><title>bad</title><item><title>ok"
                        f"</title><link>{base}/faults/flaky</link></item><item><title>broken & <b></title><link>"
                    )
                    return self.send(200, body.encode(), "application/xml")
                if name == "xxe-feed.xml":
                    body = (
                        "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><rss "
                        f"version='2.0'><channel><title>&x;</title><item><link>{base}/faults/500</link></item>"
                        "</channel></rss>"
                    )
                    return self.send(200, body.encode(), "application/xml")
                if name == "billion-laughs.xml":
                    ents = "<!ENTITY l0 'lol'>" + "".join(
                        f"<!ENTITY l{i} '{f'&l{i - 1};' * 10}'>" for i in range(1, 10)
                    )
                    body = f"<?xml version='1.0'?><!DOCTYPE r [{ents}]><rss version='2.0'><channel><title>&l9;"
                    return self.send(200, (body + "</title></channel></rss>").encode(), "application/xml")
                return self.send(404, b"not found", "text/plain")

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
