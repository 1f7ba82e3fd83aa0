"""Open a claimwatch report in a real headless Chromium at a laptop width and check that it reads.

``python -m pipelines.report_check report.html --screenshot report.png`` (``make report-check`` runs it on the
demo's report). Checks, each a line of the problems it returns:

- the page does not scroll sideways, and no table is wider than the page;
- every chart is drawn (an SVG with a real size) inside the page and no two charts overlap;
- no table cell is so narrow that its text breaks into lines of a few characters (a URL column ~30 px wide broke
  one character a line, making rows ~170 px tall);
- the links of the evidence table have readable text, not the bare URL of the page.

Playwright drives Debian's Chromium (``/usr/bin/chromium``): nothing is downloaded (Playwright's own browsers are
not used).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

WIDTH = 1366  # a common laptop screen
HEIGHT = 768
MIN_CHARS_PER_LINE = 8  # a cell of more text than this whose lines hold fewer characters on average is too narrow
MIN_CHART_PX = 200
CHROMIUM_ARGS = [
    # the closed network here refuses Chromium's own background connections: do not make them
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
    "--no-sandbox",
]

# Measured in the page: what a reader sees, in CSS pixels.
MEASURE = r"""() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.left + scrollX, y: r.top + scrollY,
                     w: r.width, h: r.height, id: e.closest('[id]') ? e.closest('[id]').id : ''}; };
  return {
    pageWidth: document.documentElement.scrollWidth, viewWidth: innerWidth,
    charts: [...document.querySelectorAll('.plot svg')].map(box),
    tables: [...document.querySelectorAll('table')].map(t => ({id: t.id, scroll: t.scrollWidth,
             width: t.parentElement.clientWidth,
             cells: [...t.querySelectorAll('td')].map(td => {
               const range = document.createRange(); range.selectNodeContents(td);
               const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
               return {chars: td.innerText.replace(/\s+/g, ' ').trim().length, lines: Math.max(1, lines)}; })})),
    links: [...document.querySelectorAll('#evidence a')].map(a => ({text: a.textContent, href: a.href})),
  };
}"""


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def measure(report: Path, screenshot: Path | None = None, width: int = WIDTH) -> dict[str, Any]:
    """Open ``report`` at ``width`` CSS pixels; return the page's measurements and write a full-page screenshot."""
    from playwright.sync_api import sync_playwright  # a dev dependency: only this check drives a browser

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, args=CHROMIUM_ARGS, viewport={"width": width, "height": HEIGHT}
        )
        try:
            page = browser.new_page()
            page.goto(report.resolve().as_uri(), wait_until="load")
            found: dict[str, Any] = page.evaluate(MEASURE)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return found


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
    return across and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def problems(found: dict[str, Any]) -> list[str]:
    """What a reader at this width would trip on (empty when the report reads well)."""
    out = []
    if found["pageWidth"] > found["viewWidth"]:
        out.append(f"the page scrolls sideways: {found['pageWidth']} px wide in a {found['viewWidth']} px window")
    for t in found["tables"]:
        if t["scroll"] > t["width"]:
            out.append(f"table {t['id']} is {t['scroll']} px wide in {t['width']} px: it scrolls sideways")
        narrow = [c for c in t["cells"] if c["chars"] > MIN_CHARS_PER_LINE > c["chars"] / c["lines"]]
        if narrow:
            worst = min(narrow, key=lambda c: c["chars"] / c["lines"])
            out.append(f"table {t['id']}: {len(narrow)} cell(s) too narrow for their text ({worst['chars']} characters "
                       f"on {worst['lines']} lines)")  # fmt: skip
    for c in found["charts"]:
        if c["w"] < MIN_CHART_PX or c["h"] < 100:
            out.append(f"chart {c['id']} is {c['w']:.0f}x{c['h']:.0f} px: too small to read")
        if c["x"] < 0 or c["x"] + c["w"] > found["viewWidth"]:
            out.append(f"chart {c['id']} does not fit in the window")
    charts = found["charts"]
    for i, a in enumerate(charts):
        out += [f"charts {a['id']} and {b['id']} overlap" for b in charts[i + 1 :] if _overlap(a, b)]
    out += [f"evidence link shows its bare URL: {x['text']}" for x in found["links"] if x["text"] == x["href"]]
    return out


def main(argv: list[str] | None = None) -> int:
    """Check a report; exit 1 and list the problems when it does not read well at the width."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--screenshot", type=Path, help="write a full-page PNG here")
    ap.add_argument("--width", type=int, default=WIDTH)
    args = ap.parse_args(argv)
    found = measure(args.report, args.screenshot, args.width)
    bad = problems(found)
    for line in bad:
        print(f"report-check: {line}", file=sys.stderr)
    verdict = "OK" if not bad else f"{len(bad)} problem(s)"
    shot = f"; screenshot {args.screenshot}" if args.screenshot else ""
    print(f"report-check: {args.report} at {args.width} px: {len(found['charts'])} charts, "
          f"{len(found['tables'])} tables, {verdict}{shot}")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
