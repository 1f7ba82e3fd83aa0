"""Read saved pages and WARC archives (e.g. Common Crawl's CC-NEWS) as landed pages.

Pages come out in the same shape the crawler lands them, so ``claimwatch ingest`` runs the same
clean -> extract -> load path as a crawl. Archives are streamed record by record.
"""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from spiders.items import FetchedPage, FetchRecord
from spiders.sources import DEFAULT_CRAWL_SETTINGS
from spiders.urls import is_http_url

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# the crawler's bound on one page (download_maxsize), applied to a saved page after decompression too
MAX_PAGE_BYTES = int(DEFAULT_CRAWL_SETTINGS["download_maxsize"])


class ArchiveRefused(ValueError):
    """A file that is not read: ``reason`` is the fetch-log code (not_regular_file, symlink_outside_tree, too_large)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def archive_files(
    paths: list[str | Path], roots: list[Path] | None = None
) -> Iterator[tuple[Path, ArchiveRefused | None]]:
    """(file, None) for every HTML or WARC file under ``paths``, or (file, why it is refused).

    Files given by name are taken as given; folders are walked without following symlinked folders, and a
    symlinked file inside a folder is read only when it points inside that folder (``/etc/passwd`` reached
    through a link is not a saved page). With ``roots``, a file whose real path (links and ``..`` resolved) is
    under none of them is refused as ``outside_archive_roots``.
    """
    resolved = None if roots is None else [root.resolve() for root in roots]
    for f, refused in _archive_files(paths):
        yield f, refused or (_outside_roots(f, resolved) if resolved is not None else None)


def _outside_roots(f: Path, roots: list[Path]) -> ArchiveRefused | None:
    """Why ``f`` is not read, or None when its real path is under one of ``roots`` (already resolved)."""
    real = f.resolve()
    if any(real.is_relative_to(root) for root in roots):
        return None
    allowed = ", ".join(str(r) for r in roots) or "(none configured)"
    return ArchiveRefused("outside_archive_roots", f"{f} ({real}) is outside the archive roots: {allowed}")


def _archive_files(paths: list[str | Path]) -> Iterator[tuple[Path, ArchiveRefused | None]]:
    for p in map(Path, paths):
        if not p.is_dir():
            yield p, _refusal_of_named_file(p)
            continue
        root = p.resolve()
        found: list[tuple[Path, ArchiveRefused | None]] = []
        for folder, _dirs, names in os.walk(p, followlinks=False):
            for name in names:
                if not name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES):
                    continue
                f = Path(folder) / name
                problem = None
                if f.is_symlink() and not f.resolve().is_relative_to(root):
                    problem = ArchiveRefused("symlink_outside_tree", f"{f} -> {f.resolve()} is outside {root}")
                found.append((f, problem))
        yield from sorted(found, key=lambda pair: pair[0])


def _refusal_of_named_file(p: Path) -> ArchiveRefused | None:
    """Why a file given by name is not read, or None: only page and archive files, never a system file.

    ``claimwatch ingest /proc/self/environ`` read the process environment (alert webhook URLs included) into
    raw_pages; a saved page has a page or archive name and lives outside /proc, /sys and /dev.
    """
    resolved = p.resolve()
    if resolved.is_relative_to("/proc") or resolved.is_relative_to("/sys") or resolved.is_relative_to("/dev"):
        return ArchiveRefused("system_file", f"{p} is a system file, not a saved page")
    if not p.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES):
        return ArchiveRefused(
            "not_a_page_file", f"{p} is not named as a page or an archive ({', '.join(HTML_SUFFIXES + WARC_SUFFIXES)})"
        )
    return None


def looks_like_html(body: bytes) -> bool:
    """True when the first bytes of a saved page read as markup (a "<" first, after a BOM and white space)."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def read_bounded(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a regular file (gzip inflated), refusing FIFOs, devices and more than ``limit`` bytes.

    The file is opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO named
    ``.html`` cannot hang the read and a file swapped after a check is still the file checked.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ArchiveRefused("unreadable_archive", f"{path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveRefused("not_regular_file", f"{path} is not a regular file")
        head = fh.read(2)
        fh.seek(0)
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=fh) as gz:
                data = gz.read(limit + 1)
        else:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise ArchiveRefused("too_large", f"{path} is over {limit} bytes (after decompression)")
    return data


def _fetch(url: str, source: str, status: int | None, error: str | None, detail: str | None, when: str) -> FetchRecord:
    return FetchRecord(url, source, "archive", status, error, detail, when)


def read_html_file(path: Path, source: str) -> tuple[FetchedPage, FetchRecord]:
    """One saved page (``.html`` or gzipped) as a landed page plus its fetch record."""
    body = read_bounded(path)
    if not looks_like_html(body):
        raise ArchiveRefused("not_html_file", f"{path} does not start like an HTML page")
    url = path.resolve().as_uri()
    when = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    page = FetchedPage.at(url, source, body, when)
    return page, FetchRecord.fetched(page, "archive")


def read_warc(path: Path, source: str) -> Iterator[tuple[FetchedPage | None, FetchRecord]]:
    """(page or None, fetch record) for every HTTP response record; only 200 HTML responses become pages."""
    records = 0
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchiveRefused("not_regular_file", f"{path} is not a regular file")
    with os.fdopen(fd, "rb") as fh:
        for record in ArchiveIterator(fh):
            url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("uri") or ""
            if not (record.format.startswith("warc") or url.startswith(("http://", "https://"))):
                continue  # not a real record (warcio reads any text as an old-style ARC header)
            records += 1
            if record.rec_type != "response":
                continue
            when = record.rec_headers.get_header("WARC-Date") or datetime.now(UTC).isoformat()
            when = when.replace("Z", "+00:00")
            if not is_http_url(url):  # "javascript:...", "data:...": one bad_url row, as the crawler records it
                yield None, _fetch(url[:2000], source, None, "bad_url", "WARC-Target-URI is not an http(s) URL", when)
                continue
            if record.http_headers is None:
                continue
            status = int(record.http_headers.get_statuscode() or 0)
            ctype = record.http_headers.get_header("Content-Type") or ""
            if status != 200:
                yield None, _fetch(url, source, status, f"http_{status}", "archived response", when)
                continue
            if "html" not in ctype.lower():
                yield None, _fetch(url, source, status, "not_html", f"Content-Type {ctype}", when)
                continue
            body = record.content_stream().read(MAX_PAGE_BYTES + 1)
            if len(body) > MAX_PAGE_BYTES:
                yield None, _fetch(url, source, status, "too_large", f"over {MAX_PAGE_BYTES} bytes", when)
                continue
            headers = dict(record.http_headers.headers)
            page = FetchedPage.at(url, source, body, when, ctype, headers)
            yield page, FetchRecord.fetched(page, "archive")
    if records == 0:
        raise ValueError("no WARC records found")


def read_archives(
    paths: list[str | Path], source: str, roots: list[Path] | None = None
) -> Iterator[tuple[FetchedPage | None, FetchRecord]]:
    """Everything under ``paths``, inside ``roots`` when given.

    An unreadable or refused file yields one failure record and the rest go on.
    """
    for f, refused in archive_files(paths, roots):
        name = f.name.lower()
        try:
            if refused is not None:
                raise refused
            if name.endswith(WARC_SUFFIXES):
                yield from read_warc(f, source)
            else:
                yield read_html_file(f, source)
        except Exception as exc:  # noqa: BLE001 - recorded, the next file still loads
            reason = exc.reason if isinstance(exc, ArchiveRefused) else "unreadable_archive"
            detail = exc.detail if isinstance(exc, ArchiveRefused) else f"{type(exc).__name__}: {exc}"
            yield (
                None,
                _fetch(
                    f.absolute().as_uri(),
                    source,
                    None,
                    reason,
                    detail[:500],
                    datetime.now(UTC).isoformat(),
                ),
            )
