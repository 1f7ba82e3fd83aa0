"""Hostile routes and files of the security rounds, end to end: one crawl and two ingests, each outcome checked.

shared/tools/serve_site.py has no route for these, so this module serves its own on loopback:
- row 2: a host whose robots.txt (``Disallow: /secret/``) answers after the crawl's download time-out: no page of
  that host may be fetched (an unreachable robots.txt disallows the host, RFC 9309 2.3.1.4);
- row 3: pages with one C0 control character (ESC, BEL, BS, VT, FF) inside a paragraph: each keeps its article;
- row 5: ``ingest`` of /proc/self/environ, a text file, /dev/zero and a FIFO named .html beside one real page, and
  the Dagster ingest job asked for a file outside its archive roots: only the real page lands.
"""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import yaml

from pipelines.assets import raw_pages_from_archives
from pipelines.definitions import build_resources
from pipelines.resources import ArchiveRoots
from pipelines.run import QUIET_LOGGING, ingest_paths, run_pipeline
from spiders.loopback_server import loopback_server
from warehouse.db import connect

DOWNLOAD_TIMEOUT = 2  # seconds, the crawl's; robots.txt answers after twice that
CONTROLS = {"esc": "\x1b", "bel": "\x07", "bs": "\x08", "vt": "\x0b", "ff": "\x0c"}
MARKER = "the second paragraph survives"
PARAGRAPH = "A model maker said on Tuesday that its new system had been tested by an outside lab for a month. " * 5


def _page(control: str = "") -> bytes:
    body = f"<p>{PARAGRAPH}</p><p>Then{control} {MARKER}. {PARAGRAPH}</p>"
    head = "<html><head><title>Story</title></head>"
    return f"{head}<body><article><h1>Story</h1>{body}</article></body></html>".encode()


@contextmanager
def _server(slow_robots: bool) -> Iterator[tuple[str, dict[str, int]]]:
    """A loopback host; with ``slow_robots`` its robots.txt disallows /secret/ but answers too late."""
    hits: dict[str, int] = {}

    def answer(request: http.server.BaseHTTPRequestHandler) -> None:
        hits[request.path] = hits.get(request.path, 0) + 1
        robots = request.path == "/robots.txt"
        if robots and slow_robots:
            time.sleep(2 * DOWNLOAD_TIMEOUT)
        if robots:
            code, body = (200, b"User-agent: *\nDisallow: /secret/\n") if slow_robots else (404, b"")
        else:
            code, body = 200, _page(CONTROLS.get(request.path.rsplit("/", 1)[-1].removesuffix(".html"), ""))
        try:
            request.send_response(code)
            request.send_header("Content-Type", "text/plain" if robots else "text/html")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except OSError:
            pass  # the crawler stopped waiting

    srv = loopback_server(answer)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()


def _crawl_problems(work: Path) -> list[str]:
    """Rows 2 and 3 in one crawl."""
    problems: list[str] = []
    with _server(slow_robots=True) as (slow, slow_hits), _server(slow_robots=False) as (plain, _):
        cfg = {
            "allow_private_networks": True,
            "crawl": {
                "autothrottle_start_delay": 0.0,
                "download_delay": 0.0,
                "download_timeout": DOWNLOAD_TIMEOUT,
                "retry_times": 1,
            },
            "sources": [
                {"name": "slow-robots", "urls": [f"{slow}/secret/{i}.html" for i in range(3)] + [f"{slow}/open.html"]},
                {"name": "control-characters", "urls": [f"{plain}/control/{n}.html" for n in CONTROLS]},
            ],
        }
        sources = work / "hostile.yaml"
        sources.write_text(yaml.safe_dump(cfg), encoding="utf-8")
        summary = run_pipeline(sources, work / "hostile.duckdb", work / "hostile-alerts.jsonl")
    con = connect(work / "hostile.duckdb", read_only=True)
    try:
        errors = dict(con.execute("SELECT url, coalesce(error, 'ok') FROM fetch_log WHERE role = 'page'").fetchall())
        texts = dict(con.execute("SELECT url, text FROM articles").fetchall())
    finally:
        con.close()
    fetched = sorted(p for p in slow_hits if p != "/robots.txt")
    refused = sorted(e for u, e in errors.items() if u.startswith(slow))
    print(f"row 2  slow robots.txt: pages of that host fetched {fetched or 'none'}; recorded {refused}")
    if fetched or refused != ["robots_unavailable"] * 4:
        problems.append(f"row 2: pages behind a timed-out robots.txt: fetched {fetched}, recorded {refused}")
    for name in CONTROLS:
        text = texts.get(f"{plain}/control/{name}.html", "")
        kept = MARKER in text and CONTROLS[name] not in text
        print(f"row 3  {name.upper():<3} in a paragraph: {'article kept' if kept else 'LOST'} ({len(text)} chars)")
        if not kept:
            problems.append(f"row 3: a page with {name.upper()} lost its article")
    if not summary.success:
        problems.append("the hostile crawl run failed")
    return problems


def _ingest_problems(work: Path) -> list[str]:
    """Row 5: system and non-page files by ``ingest``, and a path outside the Dagster job's archive roots."""
    problems: list[str] = []
    folder = work / "hostile-files"
    folder.mkdir()
    (folder / "story.html").write_bytes(_page())
    (folder / "secret.txt").write_text("CLAIMWATCH_ALERT_URLS=slack://token@channel\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.html")
    named = ["/proc/self/environ", "/dev/zero", str(folder / "secret.txt"), str(folder / "pipe.html")]
    db = work / "hostile-ingest.duckdb"
    ingest_paths([*named, str(folder / "story.html")], db, alerts_file=work / "hostile-alerts.jsonl")
    root = work / "archives"
    root.mkdir()
    outside = work / "outside.html"
    outside.write_bytes(_page())
    resources = {**build_resources(db_path=str(db)), "archive_roots": ArchiveRoots.named([str(root)])}
    launch = {
        **QUIET_LOGGING,
        "ops": {"raw_pages_from_archives": {"config": {"paths": [str(outside)], "source": "launchpad"}}},
    }
    job = dg.Definitions(
        assets=[raw_pages_from_archives], jobs=[dg.define_asset_job("ingest_job")], resources=resources
    ).resolve_job_def("ingest_job")
    job.execute_in_process(run_config=launch, raise_on_error=False)
    con = connect(db, read_only=True)
    try:
        landed = sorted(Path(u).name for (u,) in con.execute("SELECT url FROM raw_pages").fetchall())
        outcomes = dict(con.execute("SELECT url, coalesce(error, 'ok') FROM fetch_log").fetchall())
        leaked = con.execute("SELECT count(*) FROM raw_pages WHERE contains(decode(body), 'CLAIMWATCH_')").fetchone()
    finally:
        con.close()
    for url, outcome in sorted(outcomes.items()):
        print(f"row 5  {url.removeprefix('file://')}: {outcome}")
    if landed != ["story.html"] or (leaked and leaked[0]):
        problems.append(f"row 5: landed {landed}; pages carrying environment text: {leaked}")
    if outcomes.get(outside.as_uri()) != "outside_archive_roots":
        problems.append(f"row 5: the job's path outside its roots was {outcomes.get(outside.as_uri())}")
    return problems


def check_hostile(work: Path) -> list[str]:
    """Return problems (empty when every hostile route and file is handled)."""
    problems = _crawl_problems(work) + _ingest_problems(work)
    print("hostile routes: " + ("OK" if not problems else "; ".join(problems)))
    return problems
