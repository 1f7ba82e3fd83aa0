"""End to end: the bundled sample site over loopback, through every asset, into a real DuckDB file."""

from __future__ import annotations

import json

import pytest

from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


ORIGINALS = {
    "orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",
    "orbit-tech/2026/09/mistral-opens-paris-data-centre-for-european-customers.html",
    "orbit-tech/2026/09/xai-grok-closes-gap-with-gemini-on-reasoning.html",
    "northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html",
    "northgate-post/2026/09/researchers-say-gemini-trails-claude-at-finding-software-flaws.html",
    "securewire/2026/09/zhipu-glm-model-does-not-match-claude-on-exploit-writing-tests-show.html",
    "securewire/2026/09/security-start-up-raises-money-for-automated-code-review.html",
    "daily-ledger/2026/09/lawmakers-debate-export-limits-on-advanced-chips.html",
    "daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
    "jiqi-daily/2026/09/yuezhianmian-kimi-k2-agent-tasks.html",
}
KIMI = "moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html"
KIMI_ORIGINAL = f"daily-ledger/2026/09/{KIMI}"
QWEN = "benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"
COPIES = {
    f"daily-ledger/amp/{KIMI}": f"daily-ledger/2026/09/{KIMI}",
    f"partner-wire/2026/09/{QWEN}": f"northgate-post/2026/09/{QWEN}",
}


def _rows(db, sql):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_first_run_succeeds_and_keeps_each_article_once(sample_run):
    assert sample_run["first"].success
    assert sample_run["first"].checks == {
        "sources_still_yield_articles": True,
        "no_orphan_mentions": True,
        "unique_claim_keys": True,
        "articles_have_text": True,
        "duplicate_rate_within_bounds": True,
    }
    base = sample_run["base_url"] + "/"
    rows = _rows(sample_run["db"], "SELECT url, duplicate_of, article_id FROM articles")
    by_id = {aid: url for url, _, aid in rows}
    kept = {url.removeprefix(base) for url, dup, _ in rows if dup is None}
    copies = {url.removeprefix(base): by_id[dup].removeprefix(base) for url, dup, _ in rows if dup is not None}
    assert kept == ORIGINALS
    assert copies == COPIES


def test_non_articles_and_robots_disallowed_page(sample_run):
    base = sample_run["base_url"]
    urls = {u for (u,) in _rows(sample_run["db"], "SELECT url FROM articles")}
    assert f"{base}/orbit-tech/tag/ai.html" not in urls
    assert f"{base}/orbit-tech/missing-story.html" not in urls
    verdicts = dict(_rows(sample_run["db"], "SELECT url, reason FROM page_verdicts WHERE NOT is_article"))
    assert verdicts[f"{base}/orbit-tech/tag/ai.html"] == "index_page"
    assert verdicts[f"{base}/orbit-tech/missing-story.html"] == "soft_404"
    # every verdict keeps the evidence that decided it; the sample articles declare NewsArticle in JSON-LD
    signals = dict(_rows(sample_run["db"], "SELECT url, signal FROM page_verdicts"))
    assert signals[f"{base}/orbit-tech/tag/ai.html"].startswith(("title:", "link_share="))
    assert signals[f"{base}/orbit-tech/missing-story.html"].startswith("title:")
    assert signals[f"{base}/{KIMI_ORIGINAL}"] == "jsonld:NewsArticle"
    # robots.txt disallows /private/: never requested, and the refusal is in fetch_log
    assert not any(p.startswith("/private/") for p in sample_run["hits_first"])
    reasons = dict(_rows(sample_run["db"], "SELECT url, error FROM fetch_log WHERE error IS NOT NULL"))
    assert reasons[f"{base}/private/embargoed-funding-story.html"] == "robots_disallowed"
    assert reasons[f"{base}/orbit-tech/no-such-page.html"] == "http_404"


def test_claims_and_alerts(sample_run):
    claims = _rows(
        sample_run["db"],
        "SELECT subject_org, subject_model, relation, object_org, object_model, negated, source_count FROM claims",
    )
    keyset = {(s, r, o, n) for s, _, r, o, _, n, _ in claims}
    assert ("Alibaba", "surpass", "Meta", False) in keyset
    assert ("Zhipu AI", "parity", "Anthropic", True) in keyset
    assert ("Google DeepMind", "trail", "Anthropic", False) in keyset
    # the syndicated copy of the Qwen story is not a second source
    qwen = [c for c in claims if c[0] == "Alibaba"]
    assert qwen and all(c[6] == 1 for c in qwen)
    alerts = _rows(
        sample_run["db"],
        "SELECT c.relation, c.negated, a.claim_id, a.status FROM alerts a JOIN claims c USING (claim_id)",
    )
    assert alerts, "the sample has parity and surpass claims"
    assert all(rel in ("parity", "surpass") and not neg for rel, neg, _, _ in alerts)
    assert len({cid for _, _, cid, _ in alerts}) == len(alerts)
    assert all(status == "delivered" for *_, status in alerts)
    payloads = [json.loads(line) for line in sample_run["alert_lines_first"]]
    assert sorted(p["alert_id"] for p in payloads) == sorted(
        a for (a,) in _rows(sample_run["db"], "SELECT alert_id FROM alerts")
    )
    assert all(p["evidence"] and p["first_url"].startswith(sample_run["base_url"]) for p in payloads)
    assert len(sample_run["first"].alerts_new) == len(alerts)


def test_second_run_changes_nothing_and_sends_nothing(sample_run):
    assert sample_run["second"].success
    assert sample_run["counts_second"] == sample_run["counts_first"]
    assert sample_run["second"].alerts_new == []
    assert sample_run["alerts_file"].read_text(encoding="utf-8").splitlines() == sample_run["alert_lines_first"]
    # no article page is fetched again: only robots.txt, feeds, the sitemap and never-stored URLs
    refetched = [p for p in sample_run["hits_second"] if "/2026/" in p or "/amp/" in p]
    assert refetched == []
    # every feed and the sitemap answered 304 to the conditional request: one cheap request each
    xml = {(p, code): n for (p, code), n in sample_run["statuses_second"].items() if p.endswith(".xml")}
    assert xml and all(code == 304 and n == 1 for (_, code), n in xml.items())
    assert sample_run["second"].feeds_not_modified == len(xml) == 7  # six feeds and one sitemap
    # the listed tag page and soft 404 were stored last time: skipped without a request
    assert sample_run["second"].pages_skipped_known == 2


def test_entities_table_lists_firms_the_gazetteer_lacks(sample_run):
    rows = dict(_rows(sample_run["db"], "SELECT name, in_gazetteer FROM v_entities WHERE kind = 'firm'"))
    assert rows["Redline Labs"] is False  # the claimant of the GLM-4.5 test, found by "firm Redline Labs"
    assert rows["Alibaba"] is True and rows["Epoch AI"] is True


def test_a_claim_reported_in_chinese_first_and_then_in_english_is_one_claim(sample_run):
    from warehouse.reports import claims_listing

    con = connect(sample_run["db"], read_only=True)
    try:
        cols, found = claims_listing(con, org="Moonshot AI")
        rows = [dict(zip(cols, r, strict=True)) for r in found]
        langs = dict(con.execute("SELECT a.url, a.language FROM articles a WHERE a.url LIKE '%kimi-k2%'").fetchall())
    finally:
        con.close()
    [kimi] = [r for r in rows if r["relation"] == "parity" and r["object_org"] == "OpenAI"]
    assert (kimi["subject_model"], kimi["object_model"]) == ("Kimi K2", "GPT-4.1")
    assert kimi["languages"] == "en,zh" and kimi["first_language"] == "zh"
    assert kimi["source_count"] == 2
    assert sorted(set(langs.values())) == ["en", "zh"]


def test_the_alert_quotes_the_chinese_report_that_came_first(sample_run):
    from pipelines.alerting import format_alert
    from warehouse.alerts import alert_details

    con = connect(sample_run["db"], read_only=True)
    try:
        [kimi] = [d for d in alert_details(con) if d.subject_org == "Moonshot AI"]
    finally:
        con.close()
    text = format_alert(kimi)
    assert "reported in: zh (first), en" in text
    assert "可媲美GPT-4.1" in (kimi.sentence or "") and "/jiqi-daily/" in (kimi.first_url or "")
