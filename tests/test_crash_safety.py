"""A load killed with SIGKILL leaves the warehouse openable with no partial batch; the next run finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets import articles
from pipelines.cli import SAMPLE_SITE
from pipelines.resources import SettingsResource, WarehouseResource
from spiders.items import FetchedPage
from warehouse.db import WarehouseBusyError, connect
from warehouse.pages import load_crawl

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


REPO = Path(__file__).resolve().parents[1]

# The child runs the real articles stage; the only test hook is a pause after the article rows are inserted,
# inside the still-open transaction, so the parent can kill it mid-load.
CHILD = textwrap.dedent("""
    import sys, time
    import warehouse.articles as article_store
    from warehouse.pages import unjudged_pages
    from warehouse.db import connect
    from pipelines.stages import clean_pages
    from pipelines.articles import load_articles
    real_insert = article_store.insert_rows
    def pausing_insert(con, table, rows, columns, or_ignore=False):
        n = real_insert(con, table, rows, columns, or_ignore)
        if table == "articles":
            print("INSERTED", n, flush=True)
            time.sleep(60)
        return n
    article_store.insert_rows = pausing_insert
    con = connect(sys.argv[1])
    pages = unjudged_pages(con)
    verdicts, rows = clean_pages(pages)
    load_articles(con, verdicts, rows)
    print("COMMITTED", flush=True)
""")


def _land_sample(db: Path) -> int:
    pages = []
    for f in sorted(SAMPLE_SITE.rglob("*.html")):
        url = "https://sample.example/" + f.relative_to(SAMPLE_SITE).as_posix()
        body = f.read_bytes().replace(b"BASE_URL", b"https://sample.example")
        pages.append(FetchedPage.at(url, f.relative_to(SAMPLE_SITE).parts[0], body))
    con = connect(db)
    load_crawl(con, "run-1", pages, [])
    con.close()
    return len(pages)


def test_sigkill_mid_load_loses_the_batch_and_the_next_run_completes(tmp_path):
    db = tmp_path / "w.duckdb"
    landed = _land_sample(db)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline()
        assert line.startswith("INSERTED") and int(line.split()[1]) > 0
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    con = connect(db)  # opens (the WAL is replayed); the killed transaction left nothing
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("raw_pages", "page_verdicts", "articles", "article_signatures")
    }
    con.close()
    assert counts == {"raw_pages": landed, "page_verdicts": 0, "articles": 0, "article_signatures": 0}
    result = dg.materialize(
        [articles], resources={"warehouse": WarehouseResource(db_path=str(db)), "settings": SettingsResource()}
    )
    assert result.success
    con = connect(db, read_only=True)
    kept, copies = con.execute(
        "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), "
        "count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles"
    ).fetchall()[0]
    judged = con.execute("SELECT count(*) FROM page_verdicts").fetchall()[0][0]
    con.close()
    assert (kept, copies, judged) == (10, 2, landed)


def test_a_writer_waits_for_a_reader_instead_of_failing(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('reading', flush=True); time.sleep(2); c.close(); time.sleep(5)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        t0 = time.monotonic()
        con = connect(db, wait_seconds=20)  # blocked while the reader holds the file, then proceeds
        waited = time.monotonic() - t0
        con.close()
        assert 1.0 <= waited < 20
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                "print('writing', flush=True); time.sleep(30)",
                str(db),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "writing"
            try:
                connect(db, wait_seconds=1)
                raise AssertionError("a second writer must not get in")
            except WarehouseBusyError as exc:
                assert "locked by another claimwatch process" in str(exc)
        finally:
            holder.kill()
            holder.wait()
    finally:
        reader.kill()
        reader.wait()
