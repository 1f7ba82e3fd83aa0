"""The report's charts and cells, without a browser: whole-count axes, no legend over the data, readable cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from matplotlib.colors import to_rgb

from pipelines.report import duration_words, evidence_table, language_lead, readable_link
from pipelines.report_charts import (
    FIRM_COLOURS,
    attention_figure,
    matrix_figure,
    matrix_firms,
    matrix_svgs,
    text_colour,
)

DAY = date(2026, 11, 2)


def _timeline(firms: int, days: int = 3) -> list[dict]:
    return [
        {"day": DAY + timedelta(days=d), "firm": f"Firm {f:02d}", "mentions": f + 1}
        for f in range(firms)
        for d in range(days)
    ]


def test_attention_has_one_row_per_firm_with_whole_count_ticks_and_no_legend():
    fig = attention_figure(_timeline(3))
    assert fig is not None
    axes = fig.axes
    assert len(axes) == 3 and all(ax.get_legend() is None for ax in axes)
    assert [ax.get_ylabel() for ax in axes] == ["Firm 02 (9)", "Firm 01 (6)", "Firm 00 (3)"]  # busiest first
    for ax in axes:
        ticks = [t for t in ax.get_yticks() if 0 <= t <= ax.get_ylim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks)  # no 0.5 steps on a count
    days = axes[0].patches
    assert len(days) == 14  # at least two weeks of days, a bar (maybe of 0) on each


def test_attention_folds_the_quiet_firms_into_other_firms():
    fig = attention_figure(_timeline(len(FIRM_COLOURS) + 3))
    assert fig is not None
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert len(labels) == len(FIRM_COLOURS) and labels[-1].startswith("other firms (")
    assert attention_figure([]) is None


def test_numbers_on_dark_cells_are_white_and_on_light_cells_black():
    assert text_colour(to_rgb("#0072B2")) == "white"
    assert text_colour(to_rgb("#ffffff")) == "black"
    assert text_colour(to_rgb("#f0f0f0")) == "black"
    matrix = [
        {"subject_org": "A", "object_org": "B", "relation": "parity", "claims": 6},
        {"subject_org": "C", "object_org": "B", "relation": "parity", "claims": 1},
    ]
    fig = matrix_figure(matrix, "parity", matrix_firms(matrix))
    assert fig is not None
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours == {"6": "white", "1": "black"}  # the full-colour cell and the near-white one


def test_one_matrix_per_relation_and_none_for_a_relation_without_claims():
    matrix = [
        {"subject_org": "A", "object_org": "B", "relation": "parity", "claims": 2},
        {"subject_org": "B", "object_org": "A", "relation": "trail", "claims": 1},
    ]
    svgs = matrix_svgs(matrix)
    assert list(svgs) == ["parity", "trail"] and all(s.startswith("<svg") for s in svgs.values())
    assert matrix_figure(matrix, "surpass", matrix_firms(matrix)) is None


def test_readable_links_and_lead_times():
    url = "https://news.example.com/2026/11/02/a-very-long-slug-about-a-model-that-matches-another-model-on-coding.html"
    assert ">Model X matches Y</a>" in readable_link(url, "Model X matches Y")
    text = readable_link(url).split(">")[1].split("<")[0]
    assert text.startswith("news.example.com/2026") and "\u2026" in text and len(text) <= 72
    assert readable_link(None) == ""
    assert [duration_words(timedelta(minutes=m)) for m in (5, 150, 3000)] == ["5 min", "2 h", "2 d"]
    t = datetime(2026, 11, 2, 8, tzinfo=UTC)
    firsts = [
        {"language": "zh", "first_at": t, "first_source": "jiqi"},
        {"language": "en", "first_at": t + timedelta(hours=9), "first_source": "wire"},
    ]
    assert language_lead(firsts) == "zh first (jiqi); en 9 h later"


def test_evidence_table_escapes_what_it_quotes():
    row = {
        "claim_id": "abcdef0123456789", "relation": "parity", "negated": False, "subject_org": "A<b>",
        "subject_model": "M1", "object_org": "B", "object_model": "M2", "domain": "math", "claimant": "outlet",
        "source_count": 1, "evidence": "<script>alert(1)</script>", "first_url": "https://x.example/a",
        "first_title": None, "first_source": "x", "first_published_at": datetime(2026, 11, 2, tzinfo=UTC),
    }  # fmt: skip
    table = evidence_table([row])
    assert "<script>" not in table and "&lt;script&gt;" in table and "A&lt;b&gt;" in table
    assert ">abcdef01</code>" in table and "2026-11-02 00:00" in table
