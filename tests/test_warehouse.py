from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from extractors.dedup import LSH_BANDS
from pipelines.articles import band_stored_signatures, load_articles
from pipelines.settings import AlertSettings
from tests.conftest import stated_mention
from warehouse.alerts import create_alerts, mark_alerts
from warehouse.claims import articles_to_extract, discovered_entities, load_mentions, refresh_claims, refresh_entities
from warehouse.db import WarehouseBusyError, connect, migration_files, scalar, schema_files
from warehouse.records import Article, PageVerdict
from warehouse.runs import start_run

RULES = AlertSettings().alert_rules()  # the packaged policy: parity/surpass stories, escalation to surpass


def test_migrations_apply_once_and_create_contract_tables(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    views, comments = schema_files()
    schema = "schema-" + hashlib.sha1((views + comments).encode()).hexdigest()[:16]
    names = [*(n for n, _ in migration_files()), schema]
    assert [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()] == names
    for table, cols in {
        "articles": {
            "article_id",
            "url",
            "canonical_url",
            "source",
            "title",
            "author",
            "published_at",
            "fetched_at",
            "language",
            "text",
            "content_hash",
            "duplicate_of",
        },
        "claims": {
            "claim_id",
            "subject_org",
            "subject_model",
            "relation",
            "object_org",
            "object_model",
            "domain",
            "negated",
            "first_seen_at",
            "last_seen_at",
            "mention_count",
            "source_count",
        },
        "claim_mentions": {
            "claim_id",
            "article_id",
            "sentence",
            "claimant",
            "claimant_name",
            "hedged",
            "start_char",
            "end_char",
        },
        "alerts": {"alert_id", "claim_id", "created_at", "delivered_at", "channel", "status"},
        "fetch_log": {"url", "source", "status", "error", "fetched_at"},
        "raw_pages": {"url", "final_url", "status", "headers", "fetched_at", "body"},
    }.items():
        got = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        assert cols <= got, f"{table} lacks {cols - got}"
    con.close()
    con = connect(db)  # second open applies nothing new
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] == len(names)
    con.close()


def test_views_and_comments_are_reapplied_when_their_files_change(tmp_path, monkeypatch):
    """The views and comments in warehouse/schema are applied after the migrations, again only when they change."""
    import warehouse.db as db

    path = tmp_path / "w.duckdb"
    connect(path).close()
    views, comments = db.schema_files()
    changed = comments.replace("Deduplicated claims", "Claims, deduplicated", 1)
    assert changed != comments
    monkeypatch.setattr(db, "schema_files", lambda: (views, changed))
    con = db.duckdb.connect(str(path))
    assert [n for n in db.migrate(con) if n.startswith("schema-")] and db.migrate(con) == []
    assert (
        con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'claims'")
        .fetchall()[0][0]
        .startswith("Claims, deduplicated")
    )
    assert con.execute("SELECT count(*) FROM schema_migrations WHERE name LIKE 'schema-%'").fetchall() == [(1,)]
    # a view dropped by hand comes back with the next change of the schema files, with its comments
    con.execute("DROP VIEW v_stories")
    monkeypatch.setattr(db, "schema_files", lambda: (views + "\n", changed))
    db.migrate(con)
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'v_stories'").fetchall()[0][0]
    con.close()


def test_read_only_open_of_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="claimwatch run"):
        connect(tmp_path / "none.duckdb", read_only=True)


@pytest.mark.integration
def test_second_writer_waits_then_gets_a_clear_message(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(WarehouseBusyError, match="locked by another claimwatch process"):
            connect(db, wait_seconds=1.0)
        assert time.monotonic() - t0 >= 1.0
    finally:
        holder.kill()
        holder.wait()


def _article(aid, source, url, published, text=None, chash=None, **kw):
    text = text if text is not None else " ".join(f"{aid}-word{i}" for i in range(100))
    return Article(
        article_id=aid,
        url=url,
        canonical_url=kw.pop("canonical", url),
        source=source,
        title=kw.pop("title", f"title {aid}"),
        published_at=published,
        fetched_at=datetime(2026, 9, 10, tzinfo=UTC),
        language="en",
        text=text,
        content_hash=chash or f"h{aid}",
        is_syndicated=kw.pop("syndicated", False),
        is_amp=kw.pop("amp", False),
        page_id=f"p{aid}",
    )


def _mention(aid, claim_id="c1", relation="parity", negated=False, start=0):
    return stated_mention(
        aid, claim_id, ("Zhipu AI", None), relation, ("Anthropic", None), negated=negated, start_char=start,
        subject="X", object="Y", sentence="X rivals Y.",
    )  # fmt: skip


def test_claims_aggregate_over_kept_articles_and_alert_exactly_once(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    d1, d2, d3 = (datetime(2026, 9, d, tzinfo=UTC) for d in (1, 2, 3))
    load_articles(
        con,
        [],
        [
            _article("a", "s1", "https://a/1", d1),
            _article("b", "s2", "https://b/1", d2),
            _article("c", "s3", "https://c/1", d3, chash="ha", syndicated=True),
        ],
    )
    assert dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall()) == {
        "a": None,
        "b": None,
        "c": "a",
    }
    load_mentions(con, ["a", "b"], [_mention("a"), _mention("b"), _mention("b", "c2", negated=True, start=20)], "v1")
    refresh_claims(con, "run-1")
    row = con.execute(
        "SELECT mention_count, source_count, first_seen_at, last_seen_at, first_article_id "
        "FROM claims WHERE claim_id = 'c1'"
    ).fetchall()[0]
    assert row == (2, 2, d1, d2, "a")
    assert create_alerts(con, RULES)["alerts_new"] == 1  # c2 is negated: no alert
    assert create_alerts(con, RULES)["alerts_new"] == 0
    # re-extracting an article replaces its mentions instead of adding to them
    load_mentions(con, ["b"], [_mention("b"), _mention("b", "c3", relation="surpass", start=40)], "v2")
    refresh_claims(con, "run-2")
    # a claim keeps the run that first loaded it; claim c2 (no longer mentioned) is gone
    assert dict(con.execute("SELECT claim_id, created_run_id FROM claims").fetchall()) == {"c1": "run-1", "c3": "run-2"}
    assert create_alerts(con, RULES)["alerts_new"] == 1  # the new surpass claim
    assert create_alerts(con, RULES)["alerts_new"] == 0
    con.close()


def test_ties_pick_the_same_first_report_and_strongest_claimant_whatever_the_row_order(tmp_path):
    """Two third parties named in reports published at the same minute: every refresh names the same one.

    A bare arg_min picks the tied row met first, i.e. the load order here (and the thread scheduling on large
    tables): two warehouses with the same mentions loaded in the other order named different claimants.
    """
    when = datetime(2026, 9, 1, tzinfo=UTC)
    picks = []
    for order, name in ((("x", "y"), "a"), (("y", "x"), "b")):
        con = connect(tmp_path / f"{name}.duckdb")
        load_articles(con, [], [_article(a, f"s-{a}", f"https://{a}/1", when) for a in order])
        for aid in order:
            said = {"x": "LMArena", "y": "Scale AI"}[aid]
            mention = stated_mention(aid, "c1", ("OpenAI", "GPT-5"), "parity", ("Anthropic", "Claude Opus 4"))
            load_mentions(con, [aid], [replace(mention, claimant="third_party", claimant_name=said)], "v1")
        refresh_claims(con, "run")
        picks.append(con.execute("SELECT first_article_id, strongest_claimant_name FROM claims").fetchall())
        picks.append(con.execute("SELECT first_source, strongest_claimant_name FROM v_stories").fetchall())
        con.close()
    assert picks[0] == picks[2] and picks[1] == picks[3]
    assert picks[0] == [("x", "LMArena")]  # the smaller mention id wins a tie


def test_a_later_original_takes_over_and_the_copy_loses_its_mentions(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    copy = _article("copy", "wire", "https://wire/1", datetime(2026, 9, 2, tzinfo=UTC), chash="same", syndicated=True)
    load_articles(con, [], [copy])
    load_mentions(con, ["copy"], [_mention("copy")], "v1")
    orig = _article("orig", "paper", "https://paper/1", datetime(2026, 9, 1, tzinfo=UTC), chash="same")
    load_articles(con, [], [orig])
    assert dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall()) == {
        "orig": None,
        "copy": "orig",
    }
    assert con.execute("SELECT count(*) FROM claim_mentions WHERE article_id = 'copy'").fetchall()[0][0] == 0
    assert [a.article_id for a in articles_to_extract(con, "v1")] == ["orig"]
    con.close()


def test_failed_load_rolls_back_the_whole_batch(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    good = _article("a", "s", "https://a/1", None)
    bad = _article("b", "s", "https://b/1", None)
    bad.text = None  # violates NOT NULL
    with pytest.raises(duckdb.Error):
        load_articles(
            con,
            [PageVerdict("pa", "https://a/1", "s", True, "article", None, datetime.now(UTC))],
            [good, bad],
        )
    assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM page_verdicts").fetchall()[0][0] == 0
    con.close()


def test_claims_new_lists_only_what_the_latest_run_added(tmp_path):
    from warehouse.reports import claims_listing

    con = connect(tmp_path / "w.duckdb")
    load_articles(con, [], [_article("a", "s1", "https://a/1", datetime(2026, 9, 1, tzinfo=UTC))])
    start_run(con, "run-1", None)
    load_mentions(con, ["a"], [_mention("a")], "v1")
    refresh_claims(con, "run-1")
    assert [r[0] for r in claims_listing(con, only_new=True)[1]] == ["c1"]
    time.sleep(0.01)
    start_run(con, "run-2", None)
    refresh_claims(con, "run-2")
    assert claims_listing(con, only_new=True)[1] == []
    con.close()


def test_entities_flag_what_the_gazetteer_does_not_know(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_articles(
        con,
        [],
        [
            _article("a", "s1", "https://a/1", datetime(2026, 9, 1, tzinfo=UTC)),
            _article("b", "s2", "https://b/1", datetime(2026, 9, 3, tzinfo=UTC)),
        ],
    )
    m1 = replace(
        _mention("a"),
        subject_org="Nimbus Labs",
        subject_model="Cirrus-2",
        subject_model_in_gazetteer=False,
        object_model="GPT-4.1",
        object_org="OpenAI",
        object_model_in_gazetteer=True,
        claimant="third_party",
        claimant_name="Semgrep",
    )
    m2 = replace(_mention("b"), subject_org="Nimbus Labs", object_org="OpenAI")
    load_mentions(con, ["a", "b"], [m1, m2], "v1")
    counts = refresh_entities(con, ["OpenAI", "Semgrep", "Anthropic"])
    rows = {
        (k, n): (f, g, c)
        for k, n, f, g, c in con.execute(
            "SELECT kind, name, firm, in_gazetteer, mention_count FROM entities"
        ).fetchall()
    }
    assert rows == {
        ("firm", "Nimbus Labs"): ("Nimbus Labs", False, 2),
        ("firm", "OpenAI"): ("OpenAI", True, 2),
        ("firm", "Semgrep"): ("Semgrep", True, 1),
        ("model", "Cirrus-2"): ("Nimbus Labs", False, 1),
        ("model", "GPT-4.1"): ("OpenAI", True, 1),
    }
    assert counts == {"entities": 5, "entities_not_in_gazetteer": 2}
    assert sorted(discovered_entities(con)) == [
        ("firm", "Nimbus Labs", "Nimbus Labs"),
        ("model", "Cirrus-2", "Nimbus Labs"),
    ]
    first = con.execute("SELECT first_article_id FROM entities WHERE name = 'Nimbus Labs'").fetchall()[0][0]
    assert first == "a"
    con.close()


STORY = [
    "Zhipu AI released GLM-5.2 on Monday and said the model rivals Claude Opus 4 at finding software flaws.",
    "The company published scores on three public benchmarks and said independent tests would follow soon.",
    "Security researchers said the results were promising but warned that benchmark wins rarely survive contact "
    "with real codebases, where context and build systems matter.",
    "The release comes as export rules on advanced chips tighten, and as Chinese labs race to show parity.",
    "Zhipu AI did not say how many accelerators were used to train the model or how much the run cost.",
]
OTHER_TAKE = [
    "A new Chinese model is drawing attention from security teams this week.",
    "GLM-5.2, from Beijing-based Zhipu AI, is marketed as a match for Anthropic's strongest system on bug hunting, "
    "a claim that analysts at two consultancies told us they could not yet verify.",
    "Our own quick test on a handful of open-source C libraries found mixed results, with several false alarms.",
    "Investors in Chinese AI start-ups have cheered the news, while US lawmakers renewed calls for chip limits.",
]


def test_minhash_catches_a_rewritten_copy_across_batches_but_not_another_take(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    d = datetime(2026, 9, 1, tzinfo=UTC)
    load_articles(
        con,
        [],
        [
            _article(
                "orig",
                "paper",
                "https://paper/glm",
                d,
                text="\n".join(STORY),
                title="Zhipu AI says GLM-5.2 rivals Claude",
            )
        ],
    )
    copy_text = "\n".join(["Reprinted for our readers: a Chinese lab's claim, in full, as first reported."] + STORY[1:])
    load_articles(
        con,
        [],
        [
            _article(
                "copy",
                "wire",
                "https://wire/glm",
                d + timedelta(hours=3),
                text=copy_text,
                title="Chinese lab claims parity with Anthropic",
            ),  # different headline, new first paragraph
            _article(
                "take",
                "blog",
                "https://blog/glm",
                d + timedelta(hours=5),
                text="\n".join(OTHER_TAKE),
                title="Zhipu AI says GLM-5.2 rivals Claude",
            ),  # same headline, different article
        ],
    )
    got = dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall())
    assert got == {"orig": None, "copy": "orig", "take": None}
    assert con.execute("SELECT duplicate_reason FROM articles WHERE article_id = 'copy'").fetchall() == [
        ("near_duplicate",)
    ]
    assert con.execute("SELECT count(*) FROM article_signatures").fetchall()[0][0] == 3
    con.close()


def test_a_warehouse_from_before_band_rows_finds_its_stored_near_duplicates(tmp_path):
    """Issue 27: near-duplicates are looked up through signature_bands in the warehouse, not an in-memory index of
    every stored signature (9 KB an article, loaded by every run); signatures stored before the table get theirs."""
    db = tmp_path / "w.duckdb"
    con = connect(db)
    d = datetime(2026, 9, 1, tzinfo=UTC)
    load_articles(con, [], [_article("orig", "paper", "https://paper/glm", d, text="\n".join(STORY))])
    assert con.execute("SELECT count(*) FROM signature_bands").fetchall()[0][0] == LSH_BANDS
    con.execute("DELETE FROM signature_bands")  # as stored by a claimwatch from before signature_bands
    con.close()
    con = connect(db)
    copy_text = "\n".join(["Reprinted for our readers: a Chinese lab's claim, in full, as first reported."] + STORY[1:])
    load_articles(con, [], [_article("copy", "wire", "https://wire/glm", d + timedelta(hours=3), text=copy_text)])
    assert dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall()) == {
        "orig": None,
        "copy": "orig",
    }
    assert band_stored_signatures(con) == 0  # every signature has its bands again, the copy's too
    assert con.execute("SELECT count(*) FROM signature_bands").fetchall()[0][0] == 2 * LSH_BANDS
    con.close()


def test_mark_alerts_backs_off_by_each_alerts_own_attempts(tmp_path):
    """A failed digest delays every alert by base * 2 ** attempts so far; a success clears the wait."""
    con = connect(tmp_path / "w.duckdb")
    now = datetime.now(UTC)
    for alert_id, attempts in (("a0", 0), ("a2", 2)):
        con.execute(
            "INSERT INTO alerts (alert_id, claim_id, relation, created_at, status, attempts) "
            "VALUES (?, 'c', 'parity', ?, 'pending', ?)",
            [alert_id, now, attempts],
        )
    mark_alerts(con, ["a0", "a2"], False, "json", "HTTP 500", backoff_seconds=60.0)
    rows = dict(
        con.execute(
            "SELECT alert_id, epoch(next_attempt_at) - epoch(now()) FROM alerts WHERE status = 'failed'"
        ).fetchall()
    )
    assert 50 < rows["a0"] <= 60 and 230 < rows["a2"] <= 240
    assert scalar(con, "SELECT max(attempts) FROM alerts") == 3
    mark_alerts(con, ["a0"], True, "json", digest_id="d1")
    delivered = con.execute(
        "SELECT status, next_attempt_at, last_error, digest_id FROM alerts WHERE alert_id = 'a0'"
    ).fetchall()
    assert delivered == [("delivered", None, None, "d1")]
    con.close()


def test_duckdb_threads_is_restored_even_when_the_block_fails(tmp_path):
    from warehouse.db import duckdb_threads

    con = connect(tmp_path / "w.duckdb")
    con.execute("SET threads = 2")
    with pytest.raises(RuntimeError), duckdb_threads(con, 1):
        assert scalar(con, "SELECT current_setting('threads')") == 1
        raise RuntimeError("boom")
    assert scalar(con, "SELECT current_setting('threads')") == 2
    con.close()


def test_landing_reads_a_stream_of_pages_batch_by_batch(tmp_path):
    from spiders.items import FetchedPage, FetchRecord
    from warehouse.pages import LANDING_BATCH, load_crawl

    con = connect(tmp_path / "w.duckdb")
    stored_when_read: dict[int, int] = {}

    def stream():  # a one-pass generator, as the crawl's landing file is read
        for i in range(2 * LANDING_BATCH + 7):
            # what the load has inserted (in its open transaction) by the time it asks for page i
            stored_when_read[i] = scalar(con, "SELECT count(*) FROM raw_pages")
            yield FetchedPage.at(f"https://s.example/{i}", "s", f"<html>{i}</html>".encode())

    counts = load_crawl(con, "run", stream(), [FetchRecord.fetched(FetchedPage.at("https://s.example/0", "s", b""))])
    assert counts == {"pages_landed": 2 * LANDING_BATCH + 7, "fetches_logged": 1, "fetch_failures": 0}
    # a batch is stored before the next is read: never more than one batch of bodies in hand
    assert stored_when_read[LANDING_BATCH - 1] == 0
    assert stored_when_read[LANDING_BATCH] == LANDING_BATCH
    assert stored_when_read[2 * LANDING_BATCH] == 2 * LANDING_BATCH
    con.close()
