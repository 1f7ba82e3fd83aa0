"""Issue item 6: ingest and clean read regular files only, inflate within a bound, and stay inside the tree."""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from spiders.archives import MAX_PAGE_BYTES, ArchiveRefused, read_archives, read_bounded

PAGE = b"<html><head><title>Saved</title></head><body><article><p>" + b"A saved story paragraph. " * 20 + b"</p>"


def _bomb(path: Path, inflated: int) -> Path:
    """A gzip file that inflates to ``inflated`` bytes of zeros, written in chunks (small on disk)."""
    chunk = b"\0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as gz:
        for _ in range(inflated // len(chunk)):
            gz.write(chunk)
    return path


def test_a_gzip_bomb_is_refused_after_the_bound_not_inflated(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.html.gz", 64 << 20)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ArchiveRefused, match="too_large"):
        read_bounded(bomb, limit=8 << 20)


def test_a_fifo_named_html_does_not_hang_and_is_recorded(tmp_path: Path) -> None:
    tree = tmp_path / "saved"
    tree.mkdir()
    (tree / "ok.html").write_bytes(PAGE)
    os.mkfifo(tree / "pipe.html")
    rows: list = []
    reader = threading.Thread(target=lambda: rows.extend(read_archives([tree], "archive")), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "ingest hung on a FIFO"
    errors = {Path(f.url).name: f.error for _, f in rows}
    assert errors == {"ok.html": None, "pipe.html": "not_regular_file"}


def test_a_symlink_out_of_the_tree_is_not_ingested(tmp_path: Path) -> None:
    outside = tmp_path / "secret.html"
    outside.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 20)
    tree = tmp_path / "saved"
    (tree / "sub").mkdir(parents=True)
    (tree / "ok.html").write_bytes(PAGE)
    (tree / "inside-link.html").symlink_to(tree / "ok.html")
    (tree / "passwd.html").symlink_to(outside)
    (tree / "linked-dir").symlink_to(tmp_path, target_is_directory=True)  # not followed at all
    rows = list(read_archives([tree], "archive"))
    pages = sorted(Path(p.url).name for p, _ in rows if p is not None)
    errors = {Path(f.url).name: f.error for _, f in rows if f.error}
    assert pages == ["ok.html", "ok.html"]  # the inside link is read, under the file's own URL
    assert errors == {"passwd.html": "symlink_outside_tree"}
    assert not any(b"root:x" in p.body for p, _ in rows if p is not None)


def test_clean_refuses_a_bomb_and_a_fifo_with_a_clear_error(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.html.gz", MAX_PAGE_BYTES + (8 << 20))
    os.mkfifo(tmp_path / "pipe.html")
    ok = tmp_path / "ok.html"
    ok.write_bytes(PAGE)
    r = CliRunner().invoke(main, ["clean", str(bomb), str(tmp_path / "pipe.html"), str(ok)])
    assert r.exit_code != 0
    assert '"error": "too_large"' in r.output and '"error": "not_regular_file"' in r.output
    assert '"is_article": true' in r.output  # the good file is still cleaned


def test_ingest_of_a_folder_without_pages_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to ingest")
    r = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(tmp_path / "w.duckdb")])
    assert r.exit_code != 0 and "no .html" in r.output


def test_ingest_reads_only_page_files_never_system_files(tmp_path: Path) -> None:
    """Issue 25 row 5: `claimwatch ingest /proc/self/environ secret.txt` read the environment into raw_pages."""
    secret = tmp_path / "secret.txt"
    secret.write_text("CLAIMWATCH_ALERT_URLS=slack://token@channel\n")
    fake = tmp_path / "notes.html"
    fake.write_text("PATH=/usr/bin\nHOME=/root\n")  # named like a page, not one
    page = tmp_path / "story.html"
    page.write_bytes(PAGE)
    rows = list(read_archives(["/proc/self/environ", str(secret), str(fake), str(page), "/dev/zero"], "archive"))
    outcome = {Path(f.url.removeprefix("file://")).name: (p is not None, f.error) for p, f in rows}
    assert outcome == {
        "environ": (False, "system_file"),
        "secret.txt": (False, "not_a_page_file"),
        "notes.html": (False, "not_html_file"),
        "story.html": (True, None),
        "zero": (False, "system_file"),
    }


def test_a_warc_record_with_a_javascript_target_is_one_bad_url_row(tmp_path: Path) -> None:
    """Issue 25 row 12: such a record was dropped with no fetch_log row."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "a.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri in ["javascript:alert(1)", "https://news.example/story.html"]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(PAGE), http_headers=headers))
    rows = list(read_archives([path], "archive"))
    assert [(f.url, f.error, p is not None) for p, f in rows] == [
        ("javascript:alert(1)", "bad_url", False),
        ("https://news.example/story.html", None, True),
    ]


def _launch_ingest(paths: list[str], db: Path):  # noqa: ANN202 - a Dagster result
    """The ingest job of the deployment's Definitions with ``paths`` as typed in the launchpad."""
    import dagster as dg

    from pipelines.definitions import build_resources
    from pipelines.resources import ArchiveRoots

    defs = dg.Definitions(
        assets=[raw_pages_from_archives_asset()],
        jobs=[dg.define_asset_job("ingest_job", selection="raw_pages_from_archives")],
        resources={**build_resources(db_path=str(db)), "archive_roots": ArchiveRoots.from_environment()},
    )
    run_config = {"ops": {"raw_pages_from_archives": {"config": {"paths": paths}}}}
    return defs.resolve_job_def("ingest_job").execute_in_process(run_config=run_config, raise_on_error=False)


def raw_pages_from_archives_asset():  # noqa: ANN201 - a Dagster asset
    from pipelines.assets import raw_pages_from_archives

    return raw_pages_from_archives


@pytest.mark.integration
def test_the_launchpad_cannot_widen_the_archive_roots(tmp_path: Path, monkeypatch) -> None:
    """The roots are no config: a run config naming them changes nothing, the file outside is still refused."""
    import dagster as dg

    from pipelines.definitions import build_resources
    from warehouse.db import connect

    monkeypatch.setenv("CLAIMWATCH_ARCHIVE_ROOTS", str(tmp_path / "archives"))
    outside = tmp_path / "outside.html"
    outside.write_bytes(PAGE)
    defs = dg.Definitions(
        assets=[raw_pages_from_archives_asset()],
        jobs=[dg.define_asset_job("ingest_job", selection="raw_pages_from_archives")],
        resources=build_resources(db_path=str(tmp_path / "w.duckdb")),
    )
    widened = {
        "resources": {"archive_roots": {"config": {"folders": ["/"]}}},
        "ops": {"raw_pages_from_archives": {"config": {"paths": [str(outside)]}}},
    }
    assert defs.resolve_job_def("ingest_job").execute_in_process(run_config=widened).success
    con = connect(tmp_path / "w.duckdb", read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (0,)
        assert con.execute("SELECT error FROM fetch_log").fetchall() == [("outside_archive_roots",)]
    finally:
        con.close()


@pytest.mark.integration
def test_the_dagster_ingest_job_reads_only_under_the_archive_roots(tmp_path: Path, monkeypatch) -> None:
    """Issue 25 row 5: the ingest job's launchpad took any path the server process could read."""
    from warehouse.db import connect

    root, outside = tmp_path / "archives", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "story.html").write_bytes(PAGE)
    (outside / "private.html").write_bytes(PAGE.replace(b"Saved", b"Private"))
    (root / "link.html").symlink_to(outside / "private.html")  # named inside, points outside
    monkeypatch.setenv("CLAIMWATCH_ARCHIVE_ROOTS", str(root))
    db = tmp_path / "w.duckdb"
    paths = [str(root / "story.html"), str(outside / "private.html"), str(root / ".." / "elsewhere" / "private.html")]
    result = _launch_ingest([*paths, str(root / "link.html"), str(outside)], db)
    assert result.success
    con = connect(db, read_only=True)
    try:
        landed = [Path(u.removeprefix("file://")).name for (u,) in con.execute("SELECT url FROM raw_pages").fetchall()]
        refused = con.execute("SELECT error, count(*) FROM fetch_log WHERE error IS NOT NULL GROUP BY 1").fetchall()
    finally:
        con.close()
    assert landed == ["story.html"]
    assert refused == [("outside_archive_roots", 4)]  # by name, through "..", through a link, in a folder


@pytest.mark.integration
def test_without_configured_roots_the_job_reads_only_archives_in_its_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMWATCH_ARCHIVE_ROOTS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archives").mkdir()
    (tmp_path / "archives" / "a.html").write_bytes(PAGE)
    (tmp_path / "b.html").write_bytes(PAGE.replace(b"Saved", b"Other"))
    result = _launch_ingest(["archives/a.html", "b.html"], tmp_path / "w.duckdb")
    assert result.success
    meta = result.asset_materializations_for_node("raw_pages_from_archives")[0].metadata
    assert (meta["pages_landed"].value, meta["fetch_failures"].value) == (1, 1)
