"""`claimwatch ingest`: saved pages and WARC archives through the same clean -> extract -> load path."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.cli import SAMPLE_SITE, main
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


QWEN = "northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"
KIMI = "daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html"


def _page(rel: str) -> bytes:
    return (SAMPLE_SITE / rel).read_bytes().replace(b"BASE_URL", b"https://news.example")


def _write_warc(path):
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, status, ctype, body in [
            (f"https://news.example/{QWEN}", "200 OK", "text/html; charset=utf-8", _page(QWEN)),
            ("https://news.example/report.pdf", "200 OK", "application/pdf", b"%PDF-1.7 ..."),
            ("https://news.example/gone.html", "404 Not Found", "text/html", b"<html>gone</html>"),
        ]:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
        w.write_record(w.create_warc_record("https://news.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1")))


def test_ingest_warc_and_saved_html(tmp_path):
    archive = tmp_path / "in"
    archive.mkdir()
    _write_warc(archive / "cc-news-sample.warc.gz")
    (archive / "saved.html.gz").write_bytes(gzip.compress(_page(KIMI)))
    (archive / "broken.warc").write_bytes(b"this is not a warc file")
    (archive / "notes.txt").write_text("ignored: not HTML or WARC")
    db = tmp_path / "w.duckdb"
    r = CliRunner().invoke(
        main,
        ["ingest", str(archive), "--db", str(db), "--source", "cc-news", "--alerts-file", str(tmp_path / "a.jsonl")],
    )
    assert r.exit_code == 0, r.output
    assert "articles kept:        2" in r.output, r.output
    con = connect(db, read_only=True)
    urls = {u for (u,) in con.execute("SELECT url FROM articles").fetchall()}
    assert f"https://news.example/{QWEN}" in urls and any(u.endswith("saved.html.gz") for u in urls)
    errors = dict(con.execute("SELECT url, error FROM fetch_log WHERE error IS NOT NULL").fetchall())
    assert errors["https://news.example/report.pdf"] == "not_html"
    assert errors["https://news.example/gone.html"] == "http_404"
    assert [e for u, e in errors.items() if u.endswith("broken.warc")] == ["unreadable_archive"]
    claims = {(s, r_, o) for s, r_, o in con.execute("SELECT subject_org, relation, object_org FROM claims").fetchall()}
    assert ("Alibaba", "surpass", "Meta") in claims and ("Moonshot AI", "parity", "OpenAI") in claims
    assert {s for (s,) in con.execute("SELECT DISTINCT source FROM articles").fetchall()} == {"cc-news"}
    # the pages read from files count as fetched for their source (source_health said 0 for an ingest)
    health = con.execute("SELECT pages_fetched, articles_kept FROM source_health WHERE source = 'cc-news'").fetchone()
    assert health == (2, 2)
    con.close()
    alerts = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert {a["subject_org"] for a in alerts} == {"Alibaba", "Moonshot AI"}
    # ingesting the same archive again adds nothing
    r2 = CliRunner().invoke(
        main,
        ["ingest", str(archive), "--db", str(db), "--source", "cc-news", "--alerts-file", str(tmp_path / "a.jsonl")],
    )
    assert r2.exit_code == 0 and "articles kept:        0" in r2.output and "new alerts:           0" in r2.output


def test_archive_ingest_is_an_asset_whose_landing_belongs_to_its_dagster_run(tmp_path):
    import dagster as dg

    from pipelines.assets import archives as archive_stage
    from pipelines.assets import raw_pages_from_archives
    from pipelines.resources import ArchiveRoots, SettingsResource, WarehouseResource

    folder = tmp_path / "saved"
    folder.mkdir()
    for i in range(5):  # five distinct pages: with a batch of 2 the batch path lands them in three transactions
        (folder / f"p{i}.html").write_bytes(_page(KIMI).replace(b"</body>", f"<p>copy {i}</p></body>".encode()))
    (folder / "broken.warc").write_bytes(b"not a warc")
    db = tmp_path / "w.duckdb"
    batch, archive_stage.INGEST_BATCH = archive_stage.INGEST_BATCH, 2
    try:
        result = dg.materialize(
            [raw_pages_from_archives],
            resources={
                "warehouse": WarehouseResource(db_path=str(db)),
                "settings": SettingsResource(),
                "archive_roots": ArchiveRoots.named([str(tmp_path)]),
            },
            run_config={"ops": {"raw_pages_from_archives": {"config": {"paths": [str(folder)], "source": "saved"}}}},
        )
    finally:
        archive_stage.INGEST_BATCH = batch
    assert result.success
    meta = result.asset_materializations_for_node("raw_pages_from_archives")[0].metadata
    assert meta["pages_landed"].value == 5 and meta["fetch_failures"].value == 1
    con = connect(db, read_only=True)
    assert con.execute("SELECT DISTINCT run_id FROM raw_pages").fetchall() == [(result.run_id,)]
    assert con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [result.run_id]).fetchall() == [(1,)]
    assert con.execute("SELECT error FROM fetch_log WHERE error IS NOT NULL").fetchall() == [("unreadable_archive",)]
    con.close()
