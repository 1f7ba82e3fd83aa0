"""The cleaning workers run the claim rules and stage the results; claim_mentions confirms them in order."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import dagster as dg
import pytest

from extractors.rules import ClaimRules, rules_version
from pipelines.assets import articles, claim_mentions
from pipelines.definitions import build_resources
from spiders.items import FetchedPage, FetchRecord
from warehouse.claims import articles_to_extract
from warehouse.db import connect
from warehouse.pages import load_crawl
from warehouse.runs import start_run

NOW = "2026-09-01T10:00:00+00:00"
STORIES = {
    # the first story introduces Starling; the second only names it (copied twice: one copy is a duplicate)
    "a-intro": "<p>Orion Robotics launched a new coding model called Starling on Monday in a crowded market for "
    "developer tools. Starling beats GPT-4.1 on coding, the company said in a statement to reporters.</p>",
    "b-uses": "<p>Starling matches Claude Opus 4 on coding, according to testers at Semgrep who ran the model "
    "against a suite of hundreds of pull requests drawn from open-source projects this month.</p>",
    "c-other": "<p>Llama 4 trails GPT-4.1 on math, the benchmark shows, after a month of tests across public "
    "datasets run by an independent lab that publishes every prompt and every answer it scored.</p>",
}


def _page(name: str, text: str) -> FetchedPage:
    url = f"https://news.example/2026/09/{name}.html"
    body = (
        f"<html><head><title>{name}</title></head><body><article><h1>Story {name}</h1>"
        f"{text}{text.replace('<p>', '<p>In other words, ')}</article></body></html>"
    )
    return FetchedPage.at(url, "news", body.encode(), NOW)


@pytest.fixture()
def landed(tmp_path):
    """A warehouse with three stories and a verbatim copy of one landed, and the graph's resources."""
    db = str(tmp_path / "w.duckdb")
    pages = [_page(n, t) for n, t in STORIES.items()]
    copy = replace(_page("b-uses", STORIES["b-uses"]), url="https://wire.example/b-uses.html")
    copy.final_url = copy.url
    pages.append(copy)
    fetches = [FetchRecord.fetched(p) for p in pages]
    con = connect(db)
    start_run(con, "land", "test")
    load_crawl(con, "land", pages, fetches)
    con.close()
    resources = build_resources(
        db_path=db, sources_file="(none)", alerts_file=str(tmp_path / "a.jsonl"), echo_alerts=False, alert_urls=""
    )
    return db, resources


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    [m] = result.asset_materializations_for_node(asset)
    return {k: v.value for k, v in m.metadata.items()}


def _q(db: str, sql: str) -> list:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_staged_results_become_the_in_order_mentions(landed, monkeypatch, workers):
    monkeypatch.setenv("CLAIMWATCH_WORKERS", workers)  # reaches the run as the settings resource's dg.EnvVar
    db, _ = landed
    resources = build_resources(
        db_path=db, sources_file="(none)", alerts_file="a.jsonl", echo_alerts=False, alert_urls=""
    )
    first = dg.materialize([articles], resources=resources)
    assert first.success and _metadata(first, "articles")["extractions_staged"] == 4
    staged = _q(db, "SELECT article_id, extractor_version, mentions FROM staged_extractions")
    assert len(staged) == 4 and {v for _, v, _ in staged} == {rules_version()}
    assert sum(len(json.loads(m)) for _, _, m in staged) >= 2

    second = dg.materialize([claim_mentions], resources=resources)
    md = _metadata(second, "claim_mentions")
    assert (md["results_from_cleaning_workers"], md["extracted_here"]) == (3, 0)  # the copy's result is not used
    assert md["re_extracted_in_order"] == 1  # "b-uses" names Starling, introduced by "a-intro" before it
    assert _q(db, "SELECT count(*) FROM staged_extractions") == [(0,)]

    con = connect(db, read_only=True)
    try:
        kept = articles_to_extract(con, "none-yet")  # every kept article, in the order claim_mentions used
    finally:
        con.close()
    expected, _ = ClaimRules().extract_in_order(kept)
    got = _q(db, "SELECT article_id, subject_org, subject_model, relation, object_model FROM claim_mentions")
    assert sorted(got) == sorted(
        (m.article_id, m.subject_org, m.subject_model, m.relation, m.object_model) for m in expected
    )
    assert ("Orion Robotics", "Starling", "parity", "Claude Opus 4") in {g[1:] for g in got}


def test_results_staged_with_another_seed_or_version_are_not_used(landed):
    db, resources = landed
    assert dg.materialize([articles], resources=resources).success
    con = connect(db)
    con.execute(
        "UPDATE staged_extractions SET extractor_version = 'old' WHERE article_id IN "
        "(SELECT min(article_id) FROM staged_extractions)"
    )
    con.execute(
        "INSERT INTO entities VALUES ('model:Starling', 'model', 'Starling', 'Orion Robotics', false, ?, NULL, 1, ?)",
        [datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)],
    )
    con.close()
    result = dg.materialize([claim_mentions], resources=resources)
    md = _metadata(result, "claim_mentions")
    # the seed changed (an analyst's curated entity): every kept article is extracted again with it
    assert (md["results_from_cleaning_workers"], md["extracted_here"]) == (0, 3)
    assert _q(db, "SELECT count(*) FROM staged_extractions") == [(0,)]
    got = _q(db, "SELECT subject_org, subject_model, relation FROM claim_mentions WHERE subject_model = 'Starling'")
    assert set(got) == {("Orion Robotics", "Starling", "parity"), ("Orion Robotics", "Starling", "surpass")}


def test_a_result_from_newer_text_than_the_stored_article_is_not_used(landed):
    db, resources = landed
    assert dg.materialize([articles], resources=resources).success
    # the same URL lands again with other text: the article keeps its stored text, the workers read the new one
    changed = _page("c-other", STORIES["c-other"].replace("Llama 4 trails GPT-4.1", "Qwen3 beats Gemini 2.5"))
    con = connect(db)
    load_crawl(con, "land", [changed], [FetchRecord.fetched(changed)])
    con.close()
    again = dg.materialize([articles], resources=resources)
    assert _metadata(again, "articles")["extractions_staged"] == 1
    md = _metadata(dg.materialize([claim_mentions], resources=resources), "claim_mentions")
    assert (md["results_from_cleaning_workers"], md["extracted_here"]) == (2, 1)
    models = {m for (m,) in _q(db, "SELECT subject_model FROM claim_mentions")}
    assert "Llama 4" in models and "Qwen3" not in models  # mentions match the stored text and its offsets


def test_rules_version_follows_the_rules_code_and_data(tmp_path):
    """Any edit to a rules module or a vocabulary file changes the version (no hand-kept constant to forget)."""
    import shutil
    from pathlib import Path

    from extractors.rules import rules_fingerprint

    copy = tmp_path / "extractors"
    shutil.copytree(Path(__file__).parents[1] / "extractors", copy, ignore=shutil.ignore_patterns("__pycache__"))
    same = rules_fingerprint(copy)
    assert rules_version() == f"r-{same}"
    mechanism = copy / "claims" / "coordination.py"
    mechanism.write_text(mechanism.read_text() + "\n# a change to one mechanism of the rules\n")
    code_changed = rules_fingerprint(copy)
    assert code_changed != same
    relations = copy / "data" / "relations.yaml"
    relations.write_text(relations.read_text() + "\n# a change to the vocabulary\n")
    both_changed = rules_fingerprint(copy)
    assert both_changed not in (same, code_changed)
    (copy / "claims" / "new_mechanism.py").write_text("# a new mechanism module\n")
    with_new = rules_fingerprint(copy)
    assert with_new != both_changed
    (copy / "cleaning.py").write_text("# not a rules module\n")
    assert rules_fingerprint(copy) == with_new


@pytest.mark.parametrize("staged", [True, False])
def test_an_article_that_hits_a_reading_bound_has_it_recorded(landed, staged):
    """The bound reaches article_extractions.limits, from the cleaning workers' staged result or read here."""
    db, resources = landed
    chain = "Qwen3 beats " + ", beats ".join(["GPT-4.1", "Llama 4"] * 20) + " on coding in a long list of tests."
    page = _page("d-chain", f"<p>{chain}</p>")
    con = connect(db)
    load_crawl(con, "land", [page], [FetchRecord.fetched(page)])
    con.close()
    assert dg.materialize([articles], resources=resources).success
    limits = [json.loads(x) for (x,) in _q(db, "SELECT limits FROM staged_extractions WHERE limits <> '[]'")]
    assert limits == [["16 cue(s) past 32 in one sentence not read"]]  # the page holds the chain twice
    if not staged:
        con = connect(db)
        con.execute("DELETE FROM staged_extractions")
        con.close()
    md = _metadata(dg.materialize([claim_mentions], resources=resources), "claim_mentions")
    assert md["articles_hitting_reading_limits"] == 1
    rows = _q(db, "SELECT a.url, e.limits FROM article_extractions e JOIN articles a USING (article_id)")
    assert [(u, lim) for u, lim in rows if lim] == [(page.url, "16 cue(s) past 32 in one sentence not read")]
