"""Alerts per story: one alert when a story appears, one update when it changes in kind, digests for the unnamed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pipelines.articles import load_articles
from pipelines.delivery import AppriseChannel
from pipelines.settings import AlertSettings
from tests.conftest import stated_mention, stored_article
from tests.test_alerts import FAST, deliver
from tests.webhook_receiver import WebhookReceiver
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import load_mentions
from warehouse.db import connect
from warehouse.rows import sha1

RULES = AlertSettings().alert_rules()  # the packaged policy: parity/surpass stories, escalation to surpass


def report(db, day, claims):
    """Articles (one per claim) stating claims given as dicts with sides, relation, claimant; then refresh."""
    con = connect(db)
    for n, c in enumerate(claims):
        aid = f"d{day}-{n}"
        when = datetime(2026, 10, day, tzinfo=UTC) + timedelta(minutes=n)
        load_articles(
            con,
            [],
            [
                stored_article(
                    aid, f"https://{c.get('outlet', 'o')}.example/{aid}", c.get("outlet", "o"), when, title=aid
                )
            ],
        )
        key = "|".join(str(c.get(k)) for k in ("so", "sm", "rel", "oo", "om", "neg", "group"))
        load_mentions(
            con,
            [aid],
            [
                stated_mention(
                    aid,
                    sha1(key),
                    (c.get("so"), c.get("sm")),
                    c["rel"],
                    (c["oo"], c.get("om")),
                    mention_id=f"m{aid}",
                    subject_group=c.get("group"),
                    domain=c.get("domain", "coding"),
                    negated=c.get("neg", False),
                    sentence=f"{aid} says so.",
                    claimant=c.get("claimant", "outlet"),
                    claimant_name=c.get("claimant_name"),
                    disputed=c.get("disputed", False),
                )
            ],
            "v1",
        )
    counts = refresh_claims_and_outbox(con, f"run-{day}", RULES)
    con.close()
    return counts["alerts_new"]


def alerts(db):
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT kind, story_key, relation FROM alerts ORDER BY created_at, kind").fetchall()
    finally:
        con.close()


ZHIPU = {"so": "Zhipu AI", "oo": "Anthropic", "rel": "parity"}


def test_a_story_reported_by_three_outlets_with_model_and_domain_variants_alerts_once(tmp_path):
    db = tmp_path / "w.duckdb"
    assert (
        report(
            db,
            1,
            [
                {**ZHIPU, "sm": "GLM-5.2", "om": "Claude Opus 4", "outlet": "wire", "claimant": "self"},
                {**ZHIPU, "sm": "GLM-5.2", "om": "Mythos", "domain": "vulnerability detection", "outlet": "blog"},
                {**ZHIPU, "outlet": "daily", "claimant": "self"},
            ],
        )
        == 1
    )
    assert report(db, 2, [{**ZHIPU, "sm": "GLM-5.3", "outlet": "weekly"}]) == 0  # a later report sends nothing
    assert alerts(db) == [("new", "Zhipu AI | Anthropic", "parity")]


def test_confirmation_upgrade_and_dispute_send_one_update_each(tmp_path):
    db = tmp_path / "w.duckdb"
    assert report(db, 1, [{**ZHIPU, "claimant": "self", "claimant_name": "Zhipu AI"}]) == 1
    named = {"claimant": "third_party", "claimant_name": "Semgrep"}
    assert report(db, 2, [{**ZHIPU, "sm": "GLM-5.2", "om": "Claude Opus 4", **named}]) == 1  # confirmed
    assert report(db, 3, [{**ZHIPU, "sm": "GLM-5.2", "om": "Claude Opus 4", "domain": "math", **named}]) == 0
    assert report(db, 4, [{**ZHIPU, "rel": "surpass", "claimant": "self"}]) == 1  # parity became surpass
    assert report(db, 5, [{**ZHIPU, "rel": "surpass", "outlet": "other"}]) == 0
    dispute = {**ZHIPU, "neg": True, "claimant": "third_party", "claimant_name": "Redline Labs"}
    assert report(db, 6, [dispute]) == 1
    assert report(db, 7, [{**dispute, "sm": "GLM-5.2", "claimant_name": "Another Lab"}]) == 0
    assert [k for k, _, _ in alerts(db)] == ["new", "confirmed", "relation_change", "disputed"]


def test_a_story_first_reported_by_a_named_third_party_needs_no_confirmation(tmp_path):
    db = tmp_path / "w.duckdb"
    named = {"claimant": "third_party", "claimant_name": "Epoch AI"}
    assert report(db, 1, [{**ZHIPU, **named}, {**ZHIPU, "sm": "GLM-5.2", "claimant": "self"}]) == 1
    assert report(db, 2, [{**ZHIPU, "sm": "GLM-5.3", **named}]) == 0


def test_an_unnamed_subject_only_reaches_the_digest(tmp_path):
    db = tmp_path / "w.duckdb"
    unnamed = {"group": "a chinese ai model", "oo": "Anthropic", "om": "Mythos", "rel": "parity"}
    assert report(db, 1, [unnamed, {**ZHIPU, "claimant": "self"}]) == 2
    assert sorted(k for k, _, _ in alerts(db)) == ["new", "unnamed"]
    with WebhookReceiver() as rx:
        counts = deliver(db, AppriseChannel([rx.url("ok")], FAST.timeout_seconds))
    assert counts["delivered"] == 2
    by_title = {p["body"]["title"]: json.loads(p["body"]["message"]) for p in rx.posts}
    digest = next(body for title, body in by_title.items() if "new claims" in title)
    single = next(title for title in by_title if "new claims" not in title)
    assert digest["digest_id"] and len(digest["alert_ids"]) == 1  # the unnamed claim, alone, still as a digest
    assert "Zhipu AI" in single


def test_a_firm_matching_its_own_model_is_no_story_and_only_reaches_the_digest(tmp_path):
    """ "Anthropic / Opus 4.8 matches Anthropic / Mythos" stays a claim but alerts no rival's parity."""
    db = tmp_path / "w.duckdb"
    own = {"so": "Anthropic", "sm": "Claude Opus 4.8", "oo": "Anthropic", "om": "Mythos", "rel": "parity"}
    assert report(db, 1, [own, {**ZHIPU, "claimant": "self"}]) == 2
    assert sorted((k, s) for k, s, _ in alerts(db)) == [("new", "Zhipu AI | Anthropic"), ("same_firm", None)]
    assert report(db, 2, [{**own, "rel": "surpass", "outlet": "other"}]) == 1  # a new claim, still no story
    assert [k for k, _, _ in alerts(db)].count("same_firm") == 2
    with WebhookReceiver() as rx:
        counts = deliver(db, AppriseChannel([rx.url("ok")], FAST.timeout_seconds))
    assert counts["delivered"] == 3
    by_title = {p["body"]["title"]: json.loads(p["body"]["message"]) for p in rx.posts}
    digest = next(body for title, body in by_title.items() if "new claims" in title)
    assert len(digest["alert_ids"]) == 2 and all(a["subject"].startswith("Anthropic") for a in digest["alerts"])
    assert [t for t in by_title if "new claims" not in t] == [next(t for t in by_title if "Zhipu AI" in t)]


def test_a_claim_only_reported_as_doubted_starts_no_story(tmp_path):
    db = tmp_path / "w.duckdb"
    doubted = {**ZHIPU, "disputed": True}  # "Redline Labs cast doubt on claims that Zhipu AI matches Anthropic"
    assert report(db, 1, [doubted]) == 0
    assert report(db, 2, [{**ZHIPU, "sm": "GLM-5.2", "claimant": "self"}]) == 2  # the claim itself, and its doubt
    assert sorted(k for k, _, _ in alerts(db)) == ["disputed", "new"]
    assert report(db, 3, [{**doubted, "sm": "GLM-5.3"}]) == 0


def test_a_report_doubting_an_alerted_story_disputes_it_once(tmp_path):
    db = tmp_path / "w.duckdb"
    assert report(db, 1, [{**ZHIPU, "claimant": "self"}]) == 1
    assert report(db, 2, [{**ZHIPU, "sm": "GLM-5.2", "disputed": True}]) == 1
    assert report(db, 3, [{**ZHIPU, "sm": "GLM-5.3", "disputed": True, "outlet": "other"}]) == 0
    assert [k for k, _, _ in alerts(db)] == ["new", "disputed"]


def test_the_stories_command_shows_what_later_reports_added(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    db = tmp_path / "w.duckdb"
    report(db, 1, [{**ZHIPU, "sm": "GLM-5.2", "outlet": "wire", "claimant": "self"}])
    named = {"claimant": "third_party", "claimant_name": "Semgrep"}
    report(db, 2, [{**ZHIPU, "om": "Mythos", "domain": "vulnerability detection", "outlet": "blog", **named}])
    report(db, 3, [{**ZHIPU, "sm": "GLM-5.3", "outlet": "daily", "disputed": True}])
    report(db, 4, [{"so": "Alibaba", "oo": "Meta", "rel": "surpass"}])
    r = CliRunner().invoke(main, ["stories", "--db", str(db), "--org", "anthropic", "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    [story] = [json.loads(line) for line in r.output.splitlines()]
    assert story["story_key"] == "Zhipu AI | Anthropic" and story["source_count"] == 3
    assert (story["strongest_claimant"], story["strongest_claimant_name"]) == ("third_party", "Semgrep")
    assert story["domains"] == "coding, vulnerability detection" and story["disputed_mentions"] == 1
    assert story["alerts_sent"] == "new,confirmed,disputed"
