"""The report's charts: attention over time, and one firm-by-firm matrix per relation.

Drawn with matplotlib and written as inline SVG, so the report opens offline. Each chart has a ``*_figure``
function (tests read its legend, ticks and cell colours) and an ``*_svg`` one (the report writes it). Choices an
analyst would otherwise trip on: legends sit outside the axes (never over a line or a cell), counts have whole
ticks, colours are the Okabe-Ito palette (told apart with the common colour-vision deficiencies) and a number on a
dark cell is white.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen here: render to files only
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinct under the common colour-vision deficiencies
RELATION_COLOURS = {"parity": "#0072B2", "surpass": "#D55E00", "approach": "#009E73", "trail": "#6F6F6F"}
FIRM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
OTHER_COLOUR = "#BBBBBB"
# what a cell of a relation's matrix says, row firm to column firm
RELATION_READING = {
    "parity": "row firm's model said to match the column firm's",
    "surpass": "row firm's model said to beat the column firm's",
    "approach": "row firm's model said to close in on the column firm's",
    "trail": "row firm's model said to trail the column firm's",
}
TOP_FIRMS = len(FIRM_COLOURS)  # lines drawn one per firm; the rest are summed as "other firms"
MATRIX_FIRMS = 12  # rows and columns of a matrix at most (the firms in the most claims)
MIN_DAYS = 14  # the attention chart spans at least two weeks, so a single day's burst has context


def to_svg(fig: Figure) -> str:
    """The figure as an SVG element to write into HTML (no XML prolog), and the figure closed."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _days(first: date, last: date) -> list[date]:
    span = max((last - first).days, MIN_DAYS - 1)
    start = last - timedelta(days=span)
    return [start + timedelta(days=i) for i in range(span + 1)]


def _attention_series(timeline: list[dict[str, Any]]) -> tuple[list[tuple[str, int, dict[date, int]]], list[date]]:
    """[(firm, total mentions, {day: mentions})] busiest first (the rest summed as "other firms"), and the days."""
    totals: dict[str, int] = defaultdict(int)
    for r in timeline:
        totals[r["firm"]] += r["mentions"]
    ranked = sorted(totals, key=lambda f: (-totals[f], f))
    top = ranked if len(ranked) <= TOP_FIRMS else ranked[: TOP_FIRMS - 1]
    per_day: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for r in timeline:
        per_day[r["firm"] if r["firm"] in top else "other firms"][r["day"]] += r["mentions"]
    names = [*top, "other firms"] if len(top) < len(ranked) else top
    series = [(f, sum(per_day[f].values()), per_day[f]) for f in names]
    return series, _days(min(r["day"] for r in timeline), max(r["day"] for r in timeline))


def attention_figure(timeline: list[dict[str, Any]]) -> Figure | None:
    """Mentions per day per firm (a firm on either side of a claim): one row of daily bars per firm.

    ``timeline`` rows: day, firm, mentions (from ``v_claim_timeline``). Small multiples rather than one plot of
    lines: lines of sparse counts hide each other (two firms named in the same story draw the same line) and
    bridge the days without a report. Rows share both axes, so heights compare; the firm and its total label each
    row, so there is no legend to cover a bar. None when there is nothing to draw.
    """
    if not timeline:
        return None
    series, days = _attention_series(timeline)
    peak = max(max(per_day.values()) for _, _, per_day in series)
    fig, axes = plt.subplots(len(series), 1, sharex=True, sharey=True, squeeze=False,
                             figsize=(10.5, 0.62 * len(series) + 0.9))  # fmt: skip
    for i, (firm, total, per_day) in enumerate(series):
        ax = axes[i][0]
        colour = OTHER_COLOUR if firm == "other firms" else FIRM_COLOURS[i % len(FIRM_COLOURS)]
        ax.bar(days, [per_day.get(d, 0) for d in days], width=0.8, color=colour)
        ax.set_ylabel(f"{firm} ({total})", rotation=0, ha="right", va="center", fontsize=9)
        ax.set_ylim(0, peak * 1.05)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=2, integer=True))
        ax.tick_params(axis="y", labelsize=7, colors="#777777")
        ax.grid(axis="y", color="#eeeeee")
        ax.spines[["top", "right"]].set_visible(False)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    bottom = axes[-1][0]
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    bottom.set_xlabel("day of the article's first report (UTC); firm (mentions in the window) at the left")
    fig.subplots_adjust(hspace=0.25)
    return fig


def attention_svg(timeline: list[dict[str, Any]]) -> str:
    """:func:`attention_figure` as inline SVG, or an empty string when there is nothing to draw."""
    fig = attention_figure(timeline)
    return to_svg(fig) if fig is not None else ""


def matrix_firms(matrix: list[dict[str, Any]]) -> list[str]:
    """The firms the matrices may show: the ``MATRIX_FIRMS`` named in the most claims, across all relations."""
    totals: dict[str, int] = defaultdict(int)
    for r in matrix:
        totals[r["subject_org"]] += r["claims"]
        totals[r["object_org"]] += r["claims"]
    return sorted(sorted(totals, key=lambda f: (-totals[f], f))[:MATRIX_FIRMS])


def text_colour(cell_rgb: tuple[float, float, float]) -> str:
    """Black or white, whichever reads better on a cell of this colour (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in cell_rgb)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.05) else "black"


def matrix_figure(matrix: list[dict[str, Any]], relation: str, firms: list[str]) -> Figure | None:
    """One relation's matrix of claims: a model of the row firm as subject, one of the column firm's as object.

    Only the firms with a claim of this relation get a row or a column. None when there is none.
    """
    rows = [r for r in matrix if r["relation"] == relation and r["subject_org"] in firms and r["object_org"] in firms]
    if not rows:
        return None
    used_rows = sorted({r["subject_org"] for r in rows})
    used_cols = sorted({r["object_org"] for r in rows})
    grid = [[0] * len(used_cols) for _ in used_rows]
    for r in rows:
        grid[used_rows.index(r["subject_org"])][used_cols.index(r["object_org"])] += r["claims"]
    top = max(max(row) for row in grid)
    cmap = LinearSegmentedColormap.from_list(relation, ["#ffffff", RELATION_COLOURS[relation]])
    fig, ax = plt.subplots(figsize=(1.6 + 0.75 * len(used_cols), 1.2 + 0.42 * len(used_rows)))
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=top, aspect="auto")
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v:
                colour = text_colour(to_rgb(cmap(v / top)))
                ax.text(j, i, str(v), ha="center", va="center", fontsize=10, color=colour, fontweight="bold")
    ax.set_xticks(range(len(used_cols)), used_cols, rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(len(used_rows)), used_rows, fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, len(used_cols))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(used_rows))], minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("object firm")
    ax.set_ylabel("subject firm")
    ax.set_title(f"{relation}: {RELATION_READING[relation]}", fontsize=9.5, loc="left")
    return fig


def matrix_svgs(matrix: list[dict[str, Any]]) -> dict[str, str]:
    """{relation: SVG} for every relation with at least one claim, in the order of ``RELATION_COLOURS``."""
    firms = matrix_firms(matrix)
    out = {}
    for relation in RELATION_COLOURS:
        fig = matrix_figure(matrix, relation, firms)
        if fig is not None:
            out[relation] = to_svg(fig)
    return out
