"""Runs started from a terminal show each stage's progress on stderr; piped runs stay quiet."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from pipelines.run import ingest_paths

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


PAGES = Path(__file__).parent / "fixtures" / "review_pages"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_each_stage_start_and_what_it_did(tmp_path, monkeypatch):
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    summary = ingest_paths([str(PAGES)], tmp_path / "w.duckdb", "pages", tmp_path / "a.jsonl")
    assert summary.success
    lines = term.getvalue().splitlines()
    assert all(re.match(r"^\[\s*\d+\.\ds\] ", x) for x in lines)
    text = "\n".join(lines)
    for stage in ("articles", "claim_mentions", "claims", "alerts"):
        assert f"] {stage}: started" in text and f"] {stage}: done" in text
    assert "articles: done (2 pages cleaned, 2 articles, 0 of them copies)" in text
    assert "_have_text" not in text  # checks are not stages


def test_a_piped_run_prints_no_progress(tmp_path, monkeypatch):
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert ingest_paths([str(PAGES)], tmp_path / "w.duckdb", "pages", tmp_path / "a.jsonl").success
    assert pipe.getvalue() == ""


def test_a_piped_run_asked_for_progress_shows_it(tmp_path, monkeypatch):
    """Issue 26 item 2: the demo was silent for ~12 s when its output was not a terminal (make demo in CI, a log)."""
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert ingest_paths([str(PAGES)], tmp_path / "w.duckdb", "pages", tmp_path / "a.jsonl", progress=True).success
    assert "articles: started" in pipe.getvalue() and "alerts: done" in pipe.getvalue()


def test_the_demo_always_shows_its_stages_and_the_command_as_typed(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main

    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "d"), "--port", "0"])
    assert r.exit_code == 0, r.output
    assert "claims: done" in pipe.getvalue() + r.output
    last = r.output.strip().splitlines()[-1]
    assert last.startswith("Warehouse:") and "claims --db" in last


def test_an_unreachable_crawl_counts_responses_not_requests_never_sent(tmp_path, monkeypatch):
    """A name that does not resolve is a fetch failure with no request sent: "3 fetch failures, 0 requests" read
    as a contradiction; the line counts the responses that came back."""
    from pipelines.run import run_pipeline

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: gone\n    urls: [https://nowhere.invalid/a.html, https://nowhere.invalid/b.html]\n"
    )
    summary = run_pipeline(sources, tmp_path / "w.duckdb", tmp_path / "a.jsonl")
    assert summary.success and summary.fetch_failures == 2
    assert "raw_pages: done (2 fetch failures, 0 responses)" in term.getvalue()


def test_the_demo_run_is_kept_in_dagster_home_for_the_ui(tmp_path, monkeypatch):
    """Issue 26 item 19: the demo's run did not appear in `make dev` (it ran on an ephemeral instance)."""
    import shutil

    import dagster as dg
    from click.testing import CliRunner

    from pipelines.cli import main

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "d"), "--port", "0"])
    assert r.exit_code == 0, r.output
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1 and runs[0].is_success and runs[0].tags["claimwatch/trigger"] == "cli"
        assert f"Dagster run {runs[0].run_id} is kept in {home}" in r.output
        claims = instance.get_latest_materialization_event(dg.AssetKey("claims"))
        assert claims is not None and claims.run_id == runs[0].run_id
