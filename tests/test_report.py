"""The HTML report: self-contained, every plot drawn, checked in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from pipelines.cli import main

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(sample_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--since", "2026-01-01", "--out", str(out)])
    assert r.exit_code == 0 and "wrote" in r.output, r.output
    return out


def test_report_is_self_contained_with_three_plots_and_linked_evidence(report):
    page = report.read_text(encoding="utf-8")
    assert len(re.findall(r"<svg\b", page)) == 3
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*(src|href)=\"https?://", page)  # nothing fetched to view
    assert page.count("<a href=") >= 5 and "Testing by Epoch AI" in page and "Source health" in page


def test_report_with_no_claims_in_the_period_says_so(sample_run, tmp_path):
    out = tmp_path / "empty.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--since", "2030-01-01", "--out", str(out)])
    assert r.exit_code == 0
    assert "no claims in this period" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it as root)")
def test_plots_render_in_a_headless_browser(report, tmp_path):
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,1800",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1800)
    # the plots sit in the top of the page: count strongly coloured pixels there (bars and heat-map cells)
    top = np.asarray(image.crop((0, 0, 1280, 1300))).astype(int)
    coloured = top[(top.max(axis=2) - top.min(axis=2)) > 80]
    # the same page with its SVGs removed has ~11,000 such pixels (blue links) in 3 hues
    assert len(coloured) > 50_000, "the plots did not render"
    hues = {tuple(p) for p in (coloured // 64).tolist()}
    assert len(hues) >= 6  # several series in several colours, not one blot


def test_the_default_window_ends_at_the_newest_claim_and_is_named(sample_run, tmp_path):
    """Issue 26 item 5: the default was the 90 days before today, which showed 3 of the demo's 6 claims."""
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    listed = json.loads(CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--format", "json"]).output)
    newest = max(c["first_seen_at"] for c in listed)[:10]
    assert f"Window: the 90 days up to the newest claim ({newest})" in page
    assert f"Newest claims ({len(listed)})" in page
