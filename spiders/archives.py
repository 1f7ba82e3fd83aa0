"""Read saved pages and WARC archives (e.g. Common Crawl's CC-NEWS) as landed pages.

Pages come out in the same shape the crawler lands them, so ``claimwatch ingest`` runs the same
clean -> extract -> load path as a crawl. Archives are streamed record by record.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def archive_files(paths: list[str | Path]) -> Iterator[Path]:
    """Every HTML or WARC file under ``paths`` (files as given, folders searched recursively), sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(
                f for f in p.rglob("*") if f.is_file() and f.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES)
            )
        else:
            yield p


def _fetch(
    url: str, source: str, status: int | None, error: str | None, detail: str | None, when: str
) -> dict[str, Any]:
    return {
        "url": url,
        "source": source,
        "role": "archive",
        "status": status,
        "error": error,
        "detail": detail,
        "fetched_at": when,
    }


def read_html_file(path: Path, source: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """One saved page (``.html`` or gzipped) as a landed page plus its fetch record."""
    body = path.read_bytes()
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    url = path.resolve().as_uri()
    when = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    page = {
        "url": url,
        "final_url": url,
        "source": source,
        "status": 200,
        "headers": {},
        "content_type": "text/html",
        "fetched_at": when,
        "body": body,
    }
    return page, _fetch(url, source, 200, None, None, when)


def read_warc(path: Path, source: str) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """(page or None, fetch record) for every HTTP response record; only 200 HTML responses become pages."""
    records = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("uri") or ""
            if not (record.format.startswith("warc") or url.startswith(("http://", "https://"))):
                continue  # not a real record (warcio reads any text as an old-style ARC header)
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            when = record.rec_headers.get_header("WARC-Date") or datetime.now(UTC).isoformat()
            when = when.replace("Z", "+00:00")
            status = int(record.http_headers.get_statuscode() or 0)
            ctype = record.http_headers.get_header("Content-Type") or ""
            if status != 200:
                yield None, _fetch(url, source, status, f"http_{status}", "archived response", when)
                continue
            if "html" not in ctype.lower():
                yield None, _fetch(url, source, status, "not_html", f"Content-Type {ctype}", when)
                continue
            body = record.content_stream().read()
            headers = dict(record.http_headers.headers)
            yield (
                {
                    "url": url,
                    "final_url": url,
                    "source": source,
                    "status": 200,
                    "headers": headers,
                    "content_type": ctype,
                    "fetched_at": when,
                    "body": body,
                },
                _fetch(url, source, 200, None, None, when),
            )
    if records == 0:
        raise ValueError("no WARC records found")


def read_archives(paths: list[str | Path], source: str) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Everything under ``paths``; an unreadable file yields one failure record and the rest go on."""
    for f in archive_files(paths):
        name = f.name.lower()
        try:
            if name.endswith(WARC_SUFFIXES):
                yield from read_warc(f, source)
            else:
                yield read_html_file(f, source)
        except Exception as exc:  # noqa: BLE001 - recorded, the next file still loads
            yield (
                None,
                _fetch(
                    f.resolve().as_uri(),
                    source,
                    None,
                    "unreadable_archive",
                    f"{type(exc).__name__}: {exc}"[:500],
                    datetime.now(UTC).isoformat(),
                ),
            )
