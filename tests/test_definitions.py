"""Dagster definitions, the schedule, the alert sensor and alert delivery, against real DuckDB files."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from pipelines.articles import load_articles
from pipelines.definitions import defs
from pipelines.resources import NotifierResource, SettingsResource, WarehouseResource
from pipelines.sensors import pending_alerts_sensor
from pipelines.settings import AlertSettings
from spiders.items import FetchedPage, FetchRecord
from tests.conftest import stated_mention, stored_article
from warehouse.alerts import create_alerts
from warehouse.claims import load_mentions, refresh_claims
from warehouse.db import connect
from warehouse.pages import load_crawl
from warehouse.runs import start_run

RULES = AlertSettings().alert_rules()  # the packaged policy: parity/surpass stories, escalation to surpass

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


def test_definitions_load_with_graph_schedule_and_sensor():
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert keys == {
        "raw_pages",
        "articles",
        "claim_mentions",
        "claims",
        "alerts",
        "claims_by_day",
        "raw_pages_by_source",
        "raw_pages_from_archives",
    }
    assert repo.asset_graph.get(dg.AssetKey("claims_by_day")).partitions_def is not None
    by_source = repo.asset_graph.get(dg.AssetKey("raw_pages_by_source")).partitions_def
    assert isinstance(by_source, dg.DynamicPartitionsDefinition) and by_source.name == "sources"
    assert defs.resolve_sensor_def("sources_partitions_sensor")
    schedule = defs.resolve_schedule_def("hourly_crawl")
    assert schedule.cron_schedule == "0 * * * *"
    assert defs.resolve_sensor_def("pending_alerts_sensor")
    # what runs from the start of `make dev`: delivery and bookkeeping; what fetches outside sites waits for an operator
    running, stopped = dg.DefaultSensorStatus.RUNNING, dg.DefaultSensorStatus.STOPPED
    assert defs.resolve_sensor_def("pending_alerts_sensor").default_status == running
    assert defs.resolve_sensor_def("sources_partitions_sensor").default_status == running
    assert defs.resolve_sensor_def("feed_poll_sensor").default_status == stopped
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert defs.resolve_job_def("crawl_job") and defs.resolve_job_def("deliver_alerts_job")
    graph = repo.asset_graph
    assert {p.to_user_string() for p in graph.get(dg.AssetKey("claims")).parent_keys} == {"claim_mentions"}
    # every landing goes through Dagster: articles are cleaned from what the crawl or an archive ingest landed
    assert {p.to_user_string() for p in graph.get(dg.AssetKey("articles")).parent_keys} == {
        "raw_pages",
        "raw_pages_from_archives",
    }
    assert defs.resolve_job_def("ingest_job")


def _seed_alert(db):
    con = connect(db)
    d = datetime(2026, 9, 1, tzinfo=UTC)
    load_articles(
        con,
        [],
        [stored_article("a", "https://n.example/a", "n", d, title="t", text="x" * 500, content_hash="h")],
    )
    load_mentions(
        con,
        ["a"],
        [
            stated_mention(
                "a",
                "c1",
                ("Zhipu AI", "GLM-5.2"),
                "surpass",
                ("Anthropic", "Claude Opus 4"),
                mention_id="m",
                domain="vulnerability detection",
                sentence="Testing by Semgrep found that GLM-5.2 outperformed Claude Opus 4.",
                claimant="third_party",
                claimant_name="Semgrep",
            )
        ],
        "v1",
    )
    refresh_claims(con)
    create_alerts(con, RULES)
    con.close()


def test_sensor_requests_one_delivery_run_per_batch(tmp_path):
    db = tmp_path / "w.duckdb"
    wh = WarehouseResource(db_path=str(db))
    # the warehouse resource has a run lifecycle (setup/teardown), so contexts are opened with `with`
    with dg.build_sensor_context(resources={"warehouse": wh, "settings": SettingsResource()}) as ctx:
        assert isinstance(pending_alerts_sensor(ctx), dg.SkipReason)  # no warehouse yet
    assert not db.exists()  # a sensor only reads: it never creates the file
    _seed_alert(db)
    with dg.build_sensor_context(resources={"warehouse": wh, "settings": SettingsResource()}) as ctx:
        result = pending_alerts_sensor(ctx)
    assert isinstance(result, dg.SensorResult) and len(result.run_requests) == 1
    with dg.build_sensor_context(
        cursor=result.cursor, resources={"warehouse": wh, "settings": SettingsResource()}
    ) as ctx:
        again = pending_alerts_sensor(ctx)
    assert isinstance(again, dg.SkipReason)


def test_delivery_job_materializes_with_test_resources(tmp_path):
    db = tmp_path / "w.duckdb"
    _seed_alert(db)
    from pipelines.assets import alerts

    out = tmp_path / "out.jsonl"
    result = dg.materialize(
        [alerts],
        resources={
            "warehouse": WarehouseResource(db_path=str(db)),
            "notifier": NotifierResource(alerts_file=str(out), echo=False),
            "settings": SettingsResource(),
        },
    )
    assert result.success
    mats = result.asset_materializations_for_node("alerts")
    assert mats[0].metadata["delivered"].value == 1
    assert len(out.read_text().splitlines()) == 1


def _land(con, run_id, source, url, body):
    start_run(con, run_id, None)
    page = FetchedPage.at(url, source, body)
    load_crawl(con, run_id, [page], [FetchRecord.fetched(page)])


def test_check_warns_when_a_source_goes_quiet(tmp_path):
    from pipelines.assets import articles
    from pipelines.checks import sources_still_yield_articles

    db = tmp_path / "w.duckdb"
    wh = WarehouseResource(db_path=str(db))
    story = (
        b"<html><body><article><h1>Story</h1><p>"
        + b"A long enough paragraph about models. " * 20
        + b"</p></article></body></html>"
    )
    con = connect(db)
    _land(con, "run-1", "outlet", "https://o.example/a", story)
    con.close()
    assert dg.materialize(
        [articles, sources_still_yield_articles], resources={"warehouse": wh, "settings": SettingsResource()}
    ).success
    assert sources_still_yield_articles(warehouse=wh).passed
    # after a redesign the outlet's pages no longer clean to articles
    con = connect(db)
    _land(con, "run-2", "outlet", "https://o.example/b", b"<html><body><nav><a href='/x'>x</a></nav></body></html>")
    con.close()
    result = dg.materialize(
        [articles, sources_still_yield_articles], resources={"warehouse": wh, "settings": SettingsResource()}
    )
    [check] = result.get_asset_check_evaluations()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "outlet" in check.metadata["quiet_sources"].value


def test_data_checks_fail_on_bad_rows(tmp_path):
    from pipelines.checks import (
        articles_have_text,
        duplicate_rate_within_bounds,
        no_orphan_mentions,
        unique_claim_keys,
    )

    db = tmp_path / "w.duckdb"
    _seed_alert(db)
    wh = WarehouseResource(db_path=str(db))
    for check in (no_orphan_mentions, unique_claim_keys, articles_have_text):
        assert check(warehouse=wh).passed, check.name
    assert duplicate_rate_within_bounds(warehouse=wh, settings=SettingsResource()).passed
    con = connect(db)
    con.execute("UPDATE articles SET text = '  '")
    con.execute(
        "INSERT INTO claim_mentions SELECT * REPLACE ('m2' AS mention_id, 'gone' AS article_id) FROM claim_mentions"
    )
    con.execute("INSERT INTO claims SELECT * REPLACE ('c2' AS claim_id) FROM claims")
    for n in range(3):
        con.execute(
            "INSERT INTO articles SELECT * REPLACE (? AS article_id, 'a' AS duplicate_of) FROM articles "
            "WHERE article_id = 'a'",
            [f"copy{n}"],
        )
    con.close()
    assert not articles_have_text(warehouse=wh).passed
    assert not no_orphan_mentions(warehouse=wh).passed
    assert not unique_claim_keys(warehouse=wh).passed
    result = duplicate_rate_within_bounds(warehouse=wh, settings=SettingsResource())
    assert not result.passed and result.metadata["duplicate_rate"].value == 0.75
    # the bound is the run's setting, not a constant
    lenient = tmp_path / "settings.yaml"
    lenient.write_text("version: 1\nduplicate_rate_max: 0.8\n", encoding="utf-8")
    assert duplicate_rate_within_bounds(warehouse=wh, settings=SettingsResource(orchestration_file=str(lenient))).passed


def test_backfill_partition_reextracts_one_day(sample_run, tmp_path):
    import shutil

    from pipelines.assets import claims_by_day

    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_run["db"], db)
    con = connect(db)
    # pretend the rules changed: every extraction is stale and the mentions of the day are gone
    con.execute("UPDATE article_extractions SET extractor_version = 'old'")
    con.execute(
        "DELETE FROM claim_mentions WHERE article_id IN (SELECT article_id FROM articles "
        "WHERE CAST(published_at AS DATE) = DATE '2026-09-05')"
    )
    con.close()
    result = dg.materialize(
        [claims_by_day],
        partition_key="2026-09-05",
        resources={
            "warehouse": WarehouseResource(db_path=str(db)),
            "settings": SettingsResource(),
        },
    )
    assert result.success
    meta = result.asset_materializations_for_node("claims_by_day")[0].metadata
    assert meta["articles"].value == 1 and meta["mentions"].value >= 1  # the Qwen story (the copy is not kept)
    con = connect(db, read_only=True)
    versions = dict(
        con.execute(
            "SELECT a.published_at::DATE::VARCHAR, e.extractor_version FROM article_extractions e "
            "JOIN articles a USING (article_id)"
        ).fetchall()
    )
    assert versions["2026-09-05"] != "old" and versions["2026-09-03"] == "old"
    assert con.execute("SELECT count(*) FROM claims WHERE subject_org = 'Alibaba'").fetchall()[0][0] == 1
    assert con.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == sample_run["counts_second"]["alerts"]
    con.close()


def test_sensor_waits_like_delivery_does(tmp_path):
    db = tmp_path / "w.duckdb"
    _seed_alert(db)
    wh = WarehouseResource(db_path=str(db))
    con = connect(db)
    con.execute("UPDATE alerts SET status = 'failed', attempts = 1, next_attempt_at = now() + INTERVAL 1 HOUR")
    con.close()
    with dg.build_sensor_context(resources={"warehouse": wh, "settings": SettingsResource()}) as ctx:
        assert isinstance(pending_alerts_sensor(ctx), dg.SkipReason)
    con = connect(db)
    con.execute("UPDATE alerts SET next_attempt_at = now() - INTERVAL 1 MINUTE, attempts = 5")
    con.close()  # attempt 6 of max_attempts 6 is still due
    with dg.build_sensor_context(resources={"warehouse": wh, "settings": SettingsResource()}) as ctx:
        assert isinstance(pending_alerts_sensor(ctx), dg.SensorResult)


def test_assets_declare_kinds_and_claims_carry_column_schema_and_plots(sample_run, tmp_path):
    import shutil

    from pipelines.assets import claims

    repo = defs.get_repository_def()
    kinds = {k.to_user_string(): repo.asset_graph.get(k).kinds for k in repo.asset_graph.get_all_asset_keys()}
    assert kinds["raw_pages"] >= {"scrapy", "duckdb"} and kinds["claim_mentions"] >= {"spacy"}
    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_run["db"], db)
    result = dg.materialize(
        [claims],
        resources={
            "warehouse": WarehouseResource(db_path=str(db)),
            "settings": SettingsResource(),
        },
    )
    assert result.success
    meta = result.asset_materializations_for_node("claims")[0].metadata
    schema = meta["dagster/column_schema"].value
    described = {c.name: c.description for c in schema.columns}
    assert "suppressed" in described and described["claim_id"].startswith("sha1 of the claim key")
    # attention over time, then one matrix per relation the sample has between two firms (all four)
    assert meta["plots"].value.count("data:image/svg+xml;base64,") == 5
    # a fresh run (feed_poll_sensor) skips the charts: they cost ~1 CPU-s of every such run
    fresh = dg.materialize(
        [claims],
        resources={"warehouse": WarehouseResource(db_path=str(db)), "settings": SettingsResource()},
        tags={"claimwatch/trigger": "fresh"},
    )
    fresh_plots = fresh.asset_materializations_for_node("claims")[0].metadata["plots"].value
    assert fresh.success and "not drawn in a fresh run" in fresh_plots and "svg" not in fresh_plots


def test_every_asset_that_writes_a_table_declares_its_columns_before_any_materialisation(tmp_path):
    """Issue 26 item 19: asset pages said "No metadata found" until an asset was materialised."""
    from warehouse.reports import column_docs

    repo = defs.get_repository_def()
    con = connect(tmp_path / "w.duckdb")
    try:
        declared = {}
        for key in repo.asset_graph.get_all_asset_keys():
            meta = repo.asset_graph.get(key).metadata
            declared[key.to_user_string()] = meta.get("warehouse_table")
            schema = meta["dagster/column_schema"]  # every asset writes a table
            actual = column_docs(con, meta["warehouse_table"])
            assert [(c.name, c.type, not c.constraints.nullable, c.description) for c in schema.columns] == [
                (name, typ, req, comment) for name, typ, req, comment in actual
            ], key
    finally:
        con.close()
    assert declared["claims"] == "claims" and declared["claims_by_day"] == "claim_mentions"
    assert declared["raw_pages_by_source"] == "raw_pages" and declared["alerts"] == "alerts"
