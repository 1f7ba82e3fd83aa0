"""The analysts' HTML report: claims over time, who claims parity with whom, the newest claims, source health.

One self-contained file: the plots are matplotlib SVG written into the page, so it opens offline and nothing
is fetched when it is viewed. The Dagster ``claims`` asset attaches the same plots as metadata.
"""

from __future__ import annotations

import html
import io
from collections import defaultdict
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen here: render to files only
import matplotlib.pyplot as plt  # noqa: E402

from pipelines.alerting import relation_label

RELATION_COLOURS = {"parity": "#1f77b4", "surpass": "#d62728", "trail": "#7f7f7f", "approach": "#2ca02c"}
TOP_FIRMS = 8


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG sits inside the HTML


def _empty(title: str) -> str:
    return f'<p class="empty">{html.escape(title)}: no claims in this period.</p>'


def _stacked_weekly(
    weekly: list[dict[str, Any]], series_of: Any, order: list[str], colours: dict[str, str], title: str
) -> str:
    """Stacked bars of new claims per week, one series per ``series_of(row)`` in ``order``."""
    weeks = sorted({r["week"] for r in weekly})
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for r in weekly:
        counts[series_of(r)][r["week"]] += r["claims"]
    fig, ax = plt.subplots(figsize=(9, 3.4))
    bottom = [0] * len(weeks)
    labels = [str(w) for w in weeks]
    for series in order:
        values = [counts[series][w] for w in weeks] if series in counts else []
        if any(values):
            ax.bar(labels, values, bottom=bottom, label=series, color=colours.get(series))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("new claims")
    ax.set_title(title)
    ax.legend(fontsize=8, ncols=2, frameon=False)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _svg(fig)


def weekly_by_firm_svg(weekly: list[dict[str, Any]]) -> str:
    """Stacked bars: new claims per week by subject firm (the busiest firms, the rest as 'other')."""
    if not weekly:
        return _empty("Claims per week by firm")
    totals: dict[str, int] = defaultdict(int)
    for r in weekly:
        totals[r["firm"] or "unnamed"] += r["claims"]
    top = [f for f, _ in sorted(totals.items(), key=lambda x: (-x[1], x[0]))[:TOP_FIRMS]]

    def firm(r: dict[str, Any]) -> str:
        return (r["firm"] or "unnamed") if (r["firm"] or "unnamed") in top else "other"

    return _stacked_weekly(weekly, firm, [*top, "other"], {}, "Claims per week, by subject firm")


def weekly_by_relation_svg(weekly: list[dict[str, Any]]) -> str:
    """Stacked bars: new claims per week by relation."""
    if not weekly:
        return _empty("Claims per week by relation")
    return _stacked_weekly(
        weekly, lambda r: r["relation"], list(RELATION_COLOURS), RELATION_COLOURS, "Claims per week, by relation"
    )


def matrix_svg(matrix: list[dict[str, Any]]) -> str:
    """Heat map: parity and surpass claims by subject firm (rows) and object firm (columns)."""
    if not matrix:
        return _empty("Parity / surpass matrix")
    subjects = sorted({r["subject_org"] for r in matrix})
    objects = sorted({r["object_org"] for r in matrix})
    grid = [[0] * len(objects) for _ in subjects]
    for r in matrix:
        grid[subjects.index(r["subject_org"])][objects.index(r["object_org"])] += r["claims"]
    fig, ax = plt.subplots(figsize=(1.2 + 0.7 * len(objects), 1.0 + 0.45 * len(subjects)))
    ax.imshow(grid, cmap="Reds", aspect="auto", vmin=0)
    ax.set_xticks(range(len(objects)), objects, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(subjects)), subjects, fontsize=8)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
    ax.set_xlabel("claimed to match or beat")
    ax.set_title("Parity and surpass claims, firm by firm")
    return _svg(fig)


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            text = "" if v is None else str(v)
            if c.endswith("url") and text:
                cells.append(f'<td><a href="{html.escape(text)}">{html.escape(text)}</a></td>')
            else:
                cells.append(f'<td class="{html.escape(c)}">{html.escape(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;width:100%}td,th{border:1px solid #ddd;padding:4px;vertical-align:top}
th{background:#f4f4f4;text-align:left}.plot svg{max-width:100%;height:auto}.empty{color:#777}
td.evidence{min-width:26em}td a{word-break:break-all}
"""


def plots_markdown(weekly: list[dict[str, Any]], matrix: list[dict[str, Any]]) -> str:
    """The report's plots as Markdown images (SVG data URIs), for Dagster asset metadata."""
    import base64

    out = []
    for title, svg in (
        ("claims per week by firm", weekly_by_firm_svg(weekly)),
        ("claims per week by relation", weekly_by_relation_svg(weekly)),
        ("parity / surpass matrix", matrix_svg(matrix)),
    ):
        if svg.startswith("<svg"):
            out.append(f"![{title}](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})")
    return "\n\n".join(out) or "(no claims yet)"


def render_report(data: dict[str, list[dict[str, Any]]], since: str, generated_at: str, window: str = "") -> str:
    """The whole report as one HTML document; ``window`` says in words which claims it covers."""
    newest_cols = [
        "first_published_at",
        "relation",
        "subject_org",
        "subject_model",
        "object_org",
        "object_model",
        "domain",
        "claimant",
        "source_count",
        "evidence",
        "first_url",
    ]
    source_cols = [c for c in (data["sources"][0].keys() if data["sources"] else [])]
    labelled = [{**r, "relation": relation_label(r["relation"], r.get("negated"))} for r in data["newest"]]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>claimwatch report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>claimwatch: comparative capability claims since {html.escape(since)}</h1>",
        f"<p>Generated {html.escape(generated_at)}. Window: {html.escape(window or 'since ' + since)}."
        " Claims judged wrong (claimwatch review) are left out.</p>",
        "<h2>Claims over time</h2>",
        f'<div class="plot" id="weekly-by-firm">{weekly_by_firm_svg(data["weekly"])}</div>',
        f'<div class="plot" id="weekly-by-relation">{weekly_by_relation_svg(data["weekly"])}</div>',
        "<h2>Who claims to match or beat whom</h2>",
        f'<div class="plot" id="matrix">{matrix_svg(data["matrix"])}</div>',
        f"<h2>Newest claims ({len(data['newest'])})</h2>",
        "<p>A denial (\u201cX does not match Y\u201d) reads <em>not parity</em>; the charts above count only claims"
        " that assert their relation.</p>",
        _table(labelled, newest_cols),
        "<h2>Source health</h2>",
        _table(data["sources"], source_cols) if data["sources"] else "<p class='empty'>No sources yet.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)
