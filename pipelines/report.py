"""The analysts' HTML report: attention over time, who claims what against whom, the newest stories, the evidence.

One self-contained file: the charts are matplotlib SVG written into the page (``pipelines/report_charts.py``), so
it opens offline and nothing is fetched when it is viewed. Laid out for a laptop (checked at 1366 px wide in
headless Chromium by ``pipelines/report_check.py``): tables have fixed column widths and long links wrap, so
nothing scrolls sideways. The Dagster ``claims`` asset attaches the same charts as metadata.
"""

from __future__ import annotations

import base64
import html
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from pipelines.alerting import claim_verb, claimant_words, relation_label
from pipelines.report_charts import RELATION_COLOURS, RELATION_READING, attention_svg, matrix_svgs

LINK_TEXT = 72  # characters of a link's visible text; the whole URL is its title (hover) and its target
EVIDENCE_COLUMNS = (
    # (heading, width): fixed widths, so the table fits the page whatever the text
    ("Claim id", "7%"),
    ("First seen", "8%"),
    ("Claim", "21%"),
    ("Domain", "10%"),
    ("On whose word", "10%"),
    ("Sources", "6%"),
    ("Evidence", "23%"),
    ("First report", "15%"),
)
STORY_COLUMNS = (
    ("Story", "17%"),
    ("Relations", "9%"),
    ("First seen", "9%"),
    ("First reporter", "17%"),
    ("Languages", "16%"),
    ("Sources", "6%"),
    ("Strongest claimant", "12%"),
    ("Domains", "14%"),
)
SOURCE_COLUMNS = (
    ("Source", "14%"),
    ("Pages fetched", "7%"),
    ("Articles kept", "7%"),
    ("Copies", "7%"),
    ("Failures", "7%"),
    ("Failure rate", "7%"),
    ("Failures by reason", "17%"),
    ("Undated", "7%"),
    ("HTTP 304", "7%"),
    ("Last success (UTC)", "10%"),
    ("Last attempt (UTC)", "10%"),
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","WenQuanYi Micro Hei",
"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;padding:1.5em 2em;max-width:1240px;color:#222;line-height:1.4}
h1{font-size:1.45em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2.2em;border-bottom:1px solid #ddd}
.meta{color:#555}.note{color:#555;font-size:.9em}.empty{color:#777;font-style:italic}
.figures{display:flex;flex-wrap:wrap;gap:1.5em 2.5em;align-items:flex-start}
.plot svg{max-width:100%;height:auto;display:block}
.counts{display:flex;gap:2.5em;margin:1em 0}.counts div{font-size:.85em;color:#555}
.counts b{display:block;font-size:1.6em;color:#222}
table{border-collapse:collapse;font-size:.85em;width:100%;table-layout:fixed}
td,th{border-bottom:1px solid #e3e3e3;padding:6px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}
th{background:#f5f5f5;border-bottom:2px solid #ccc}
code{font-size:.95em;background:#f3f3f3;padding:0 .2em}
.rel{display:inline-block;border-radius:3px;padding:0 .35em;color:#fff;font-size:.85em;white-space:nowrap}
.rel.denial{background:#fff !important;color:#222;border:1px dashed #555}
.src{color:#555;font-size:.9em}a{color:#0b57a4}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def readable_link(url: str | None, title: str | None = None) -> str:
    """A link an analyst can read: the article's title, else host and path (long ones cut in the middle)."""
    if not url:
        return ""
    parts = urlsplit(url)
    text = (title or "").strip() or (parts.netloc + parts.path).rstrip("/")
    if len(text) > LINK_TEXT:
        text = text[: LINK_TEXT - 25] + "\u2026" + text[-24:]
    host = f'<div class="src">{_e(parts.netloc)}</div>' if title else ""
    return f'<a href="{_e(url)}" title="{_e(url)}">{_e(text)}</a>{host}'


def duration_words(delta: timedelta) -> str:
    """A lead time in the unit a reader wants: minutes under two hours, hours under two days, else days."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def language_lead(firsts: list[dict[str, Any]]) -> str:
    """Which language reported a story first and how long before each other language (rows oldest first)."""
    if not firsts:
        return ""
    first = firsts[0]
    text = f"{_e(first['language'])} first ({_e(first['first_source'])})"
    for later in firsts[1:]:
        text += f"; {_e(later['language'])} {duration_words(later['first_at'] - first['first_at'])} later"
    return text


def _claimant(kind: str | None, name: str | None) -> str:
    name, words = claimant_words(kind, name)
    return f"{_e(name)} <span class='src'>({words})</span>" if name else words


def _empty(text: str) -> str:
    return f"<p class='empty'>{_e(text)}</p>"


def _badge(relation: str, negated: object) -> str:
    colour = RELATION_COLOURS.get(relation, "#555")
    cls = "rel denial" if negated else "rel"
    return f'<span class="{cls}" style="background:{colour}">{_e(relation_label(relation, negated))}</span>'


def _side(org: str | None, model: str | None, group: str | None) -> str:
    if org and model:
        return f"<b>{_e(org)}</b> {_e(model)}"
    return f"<b>{_e(org or model or group or 'an unnamed party')}</b>"


def _table(columns: tuple[tuple[str, str], ...], rows: list[list[str]], table_id: str) -> str:
    """A table of already-escaped cells with fixed column widths."""
    cols = "".join(f'<col style="width:{w}">' for _, w in columns)
    head = "".join(f"<th>{_e(h)}</th>" for h, _ in columns)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    head_row = f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
    return f'<table id="{table_id}">{head_row}<tbody>{body}</tbody></table>'


def _when(value: object) -> str:
    """A time as UTC to the minute (the warehouse's TIMESTAMPTZ values come in the session's zone)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    return _e(value)


def evidence_table(rows: list[dict[str, Any]]) -> str:
    """The newest claims with their id (for ``claimwatch claim``), wording, claimant, evidence and first report."""
    cells = []
    for r in rows:
        verb = f"{_badge(r['relation'], r.get('negated'))} {_e(claim_verb(r['relation'], r.get('negated')))}"
        statement = (
            f"{_side(r.get('subject_org'), r.get('subject_model'), r.get('subject_group'))} {verb} "
            f"{_side(r.get('object_org'), r.get('object_model'), r.get('object_group'))}"
        )
        hedged = " <span class='src'>(hedged)</span>" if r.get("hedged") else ""
        cells.append([
            f'<code title="claimwatch claim {_e(r["claim_id"])}">{_e(str(r["claim_id"])[:8])}</code>',
            _when(r.get("first_published_at")),
            statement,
            _e(r.get("domain")),
            _claimant(r.get("claimant"), r.get("claimant_name")) + hedged,
            _e(r.get("source_count")),
            f"\u201c{_e(r.get('evidence'))}\u201d",
            readable_link(r.get("first_url"), r.get("first_title"))
            + f"<div class='src'>{_e(r.get('first_source'))}</div>",
        ])  # fmt: skip
    return _table(EVIDENCE_COLUMNS, cells, "evidence")


def stories_table(stories: list[dict[str, Any]], story_languages: list[dict[str, Any]]) -> str:
    """The newest stories: firm pair, relations, first report and reporter, language lead time, reach."""
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in story_languages:
        by_story[r["story_key"]].append(r)
    cells = []
    for s in stories:
        relations = ", ".join(_e(x) for x in (s.get("relations") or "").split(","))
        cells.append([
            f"<b>{_e(s['subject_org'])}</b> \u2192 <b>{_e(s['object_org'])}</b>",
            relations,
            _when(s.get("first_seen_at")),
            f"{_e(s.get('first_source'))}<div>{readable_link(s.get('first_url'))}</div>",
            language_lead(by_story.get(s["story_key"], [])),  # the query gives them oldest first
            _e(s.get("source_count")),
            _claimant(s.get("strongest_claimant"), s.get("strongest_claimant_name")),
            _e(s.get("domains")),
        ])  # fmt: skip
    return _table(STORY_COLUMNS, cells, "stories")


def _share(value: object) -> str:
    return "" if value is None else f"{float(value):.0%}"  # type: ignore[arg-type]


def _sources_table(sources: list[dict[str, Any]]) -> str:
    """Source health: fetches, kept articles and failures per source, with the time of its last fetch."""
    if not sources:
        return "<p class='empty'>No sources yet.</p>"
    rows = [
        [
            f"<b>{_e(r['source'])}</b>", _e(r["pages_fetched"]), _e(r["articles_kept"]), _e(r["duplicates"]),
            _e(r["failures"]), _share(r["failure_rate"]), _e(r["failures_by_reason"]), _share(r["share_no_date"]),
            _e(r["not_modified"]), _when(r["last_success"]), _when(r["last_attempt"]),
        ]
        for r in sources
    ]  # fmt: skip
    return _table(SOURCE_COLUMNS, rows, "sources")


def _matrices(matrix: list[dict[str, Any]]) -> str:
    svgs = matrix_svgs(matrix)
    if not svgs:
        return "<p class='empty'>No comparison between two firms in this window.</p>"
    return '<div class="figures">' + "".join(
        f'<div class="plot" id="matrix-{r}" title="{_e(RELATION_READING[r])}">{svg}</div>' for r, svg in svgs.items()
    ) + "</div>"  # fmt: skip


def _counts(data: dict[str, list[dict[str, Any]]]) -> str:
    firms = {r["firm"] for r in data["attention"]}
    figures = [
        (sum(r["claims"] for r in data["matrix"]), "claims between two firms"),
        (len(data["stories"]), "parity / surpass stories"),
        (sum(r["mentions"] for r in data["attention"]), "firm mentions"),
        (len(firms), "firms named"),
    ]
    return '<div class="counts">' + "".join(f"<div><b>{n}</b>{_e(label)}</div>" for n, label in figures) + "</div>"


def render_report(data: dict[str, list[dict[str, Any]]], since: str, generated_at: str, window: str = "") -> str:
    """The whole report as one HTML document; ``window`` says in words which claims it covers."""
    attention = attention_svg(data["attention"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>claimwatch report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>claimwatch: comparative capability claims</h1>",
        f"<p class='meta'>Window: {_e(window or 'claims first seen since ' + since)}. Generated {_e(generated_at)}."
        " Claims judged wrong (<code>claimwatch review</code>) are left out; charts and counts count only claims"
        " that assert their relation (a denial, \u201cX does not match Y\u201d, is listed below as"
        " <em>not parity</em>, never counted as parity).</p>",
        _counts(data),
        "<h2>Attention over time</h2>",
        "<p class='note'>Mentions of each firm, on either side of a claim, per day of the article's first report"
        " (copies of one article counted once).</p>",
        f'<div class="plot" id="attention">{attention}</div>' if attention else _empty("No mentions in this window."),
        "<h2>Who claims what against whom</h2>",
        "<p class='note'>One matrix per relation: a number is the claims whose subject is a model of the row firm"
        " and whose object is one of the column firm's.</p>",
        _matrices(data["matrix"]),
        f"<h2>Newest stories ({len(data['stories'])})</h2>",
        "<p class='note'>A story is one pair of firms across outlets and languages (what alerts are sent for):"
        " its first report, and how far ahead the first language was.</p>",
        stories_table(data["stories"], data["story_languages"])
        if data["stories"] else _empty("No parity or surpass story in this window."),
        f"<h2>Newest claims, with evidence ({len(data['newest'])})</h2>",
        "<p class='note'>Hover over an id for the command that shows every mention of the claim.</p>",
        evidence_table(data["newest"]) if data["newest"] else _empty("No claims in this window."),
        "<h2>Source health</h2>",
        _sources_table(data["sources"]),
        "</body></html>",
    ]  # fmt: skip
    return "\n".join(parts)


def plots_markdown(data: dict[str, list[dict[str, Any]]]) -> str:
    """The report's charts as Markdown images (SVG data URIs), for Dagster asset metadata."""
    charts = [("mentions per day per firm", attention_svg(data["attention"]))]
    charts += [(f"{relation} claims, firm by firm", svg) for relation, svg in matrix_svgs(data["matrix"]).items()]
    out = [f"![{t}](data:image/svg+xml;base64,{base64.b64encode(s.encode()).decode()})" for t, s in charts if s]
    return "\n\n".join(out) or "(no claims yet)"
