"""The HTML report: self-contained, every chart drawn, and read in a real headless Chromium at 1366 px."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from pipelines.cli import main
from pipelines.report_check import chromium_path, measure, problems
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)

needs_chromium = pytest.mark.skipif(
    chromium_path() is None, reason="Debian's chromium is not installed (.ci/run installs it as root)"
)


@pytest.fixture(scope="module")
def report(sample_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--since", "2026-01-01", "--out", str(out)])
    assert r.exit_code == 0 and "wrote" in r.output, r.output
    return out


def _relations_between_firms(db: Path) -> int:
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT count(DISTINCT relation) FROM claims WHERE NOT negated AND NOT suppressed "
            "AND subject_org IS NOT NULL AND object_org IS NOT NULL AND subject_org <> object_org"
        ).fetchall()[0][0]
    finally:
        con.close()


def test_report_is_self_contained_with_attention_a_matrix_per_relation_and_linked_evidence(report, sample_run):
    page = report.read_text(encoding="utf-8")
    relations = _relations_between_firms(sample_run["db"])
    assert relations >= 3  # the sample has parity, surpass, approach and trail claims between firms
    assert len(re.findall(r"<svg\b", page)) == 1 + relations  # attention, then one matrix per relation
    assert 'id="attention"' in page and len(re.findall(r'id="matrix-\w+"', page)) == relations
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*(src|href)=\"https?://", page)  # nothing fetched to view
    assert "Testing by Epoch AI" in page and "Source health" in page


def test_evidence_rows_carry_the_claim_id_and_a_readable_link(report, sample_run):
    page = report.read_text(encoding="utf-8")
    listed = json.loads(CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--format", "json"]).output)
    for claim in listed:
        assert f'title="claimwatch claim {claim["claim_id"]}">{claim["claim_id"][:8]}</code>' in page
    evidence = page[page.index('<table id="evidence"') :]
    evidence = evidence[: evidence.index("</table>")]
    links = re.findall(r'<a href="([^"]+)" title="[^"]+">([^<]+)</a>', evidence)
    assert len(links) == len(listed)
    assert all(text != url and not text.startswith("http") for url, text in links)  # titles, not bare URLs


def test_a_denial_reads_as_a_denial_and_is_not_counted_in_the_charts(report):
    page = report.read_text(encoding="utf-8")
    # the sample's GLM-4.5 sentence denies parity with Claude Opus 4
    row = next(r for r in page.split("<tr>") if "GLM-4.5" in r and "code title" in r)
    assert ">not parity</span> does not match" in row and ">parity</span>" not in row
    stories = page[page.index('<table id="stories"') :]
    story = next(r for r in stories.split("<tr>") if "Zhipu AI" in r)
    assert "<td>not parity</td>" in story


def test_a_story_first_reported_in_chinese_shows_its_lead_over_english(report):
    page = report.read_text(encoding="utf-8")
    stories = page[page.index('<table id="stories"') :]
    kimi = next(r for r in stories.split("<tr>") if "Moonshot AI" in r)
    assert re.search(r"zh first \(jiqi-daily\); en \d+ (min|h|d) later", kimi), kimi


def test_report_with_no_claims_in_the_period_says_so(sample_run, tmp_path):
    out = tmp_path / "empty.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--since", "2030-01-01", "--out", str(out)])
    assert r.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "No claims in this window" in page and "No mentions in this window" in page and "<svg" not in page


@needs_chromium
def test_the_report_reads_at_laptop_width_in_headless_chromium(report, tmp_path):
    shot = tmp_path / "report.png"
    found = measure(report, shot, width=1366)
    assert problems(found) == []
    assert found["viewWidth"] == 1366 and len(found["charts"]) >= 4 and len(found["tables"]) == 3
    image = Image.open(shot).convert("RGB")
    assert image.size[0] == 1366 and image.size[1] > 1500
    # the charts are drawn: strongly coloured pixels inside the attention chart's box (its bars)
    box = next(c for c in found["charts"] if c["id"] == "attention")
    region = np.asarray(image.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["w"]), int(box["y"] + box["h"]))))
    region = region.astype(int)
    coloured = region[(region.max(axis=2) - region.min(axis=2)) > 80]
    assert len(coloured) > 2_000, "the attention chart's bars did not render"
    assert len({tuple(p) for p in (coloured // 64).tolist()}) >= 4  # one colour per firm, not one blot


@needs_chromium
def test_the_browser_check_fails_a_report_that_scrolls_sideways_or_breaks_a_column(tmp_path):
    """The check can fail: the old report's faults (a too-narrow URL column, a table wider than the page)."""
    url = "http://127.0.0.1:8765/northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><html><body style='margin:2em'><table id='evidence' style='border-collapse:collapse'><tr>"
        + "".join(f"<td style='min-width:180px'>column {i} of a table wider than the window</td>" for i in range(8))
        + f"<td style='width:30px;word-break:break-all'><a href='{url}'>{url}</a></td></tr></table></body></html>",
        encoding="utf-8",
    )
    found = problems(measure(page, width=1366))
    assert any("scrolls sideways" in p for p in found), found
    assert any("too narrow for their text" in p for p in found), found
    assert any("bare URL" in p for p in found), found


def test_the_default_window_ends_at_the_newest_claim_and_is_named(sample_run, tmp_path):
    """Issue 26 item 5: the default was the 90 days before today, which showed 3 of the demo's 6 claims."""
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    listed = json.loads(CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--format", "json"]).output)
    newest = max(c["first_seen_at"] for c in listed)[:10]
    assert f"Window: the 90 days up to the newest claim ({newest})" in page
    assert f"Newest claims, with evidence ({len(listed)})" in page
