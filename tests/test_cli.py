from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from pipelines.cli import SAMPLE_SITE, main
from tests.conftest import write_sources

COMMANDS = [
    "run",
    "demo",
    "extract",
    "clean",
    "claims",
    "claim",
    "query",
    "sources",
    "ingest",
    "export",
    "tables",
    "schema",
    "review mark",
    "review list",
    "review export",
    "reextract",
    "entities",
    "entities add",
    "report",
    "alerts test",
    "stories",
    "backfill",
]


def test_the_list_covers_every_command():
    subcommands = {f"{n} {s}" for n, c in main.commands.items() for s in getattr(c, "commands", {})}
    runnable = {n for n, c in main.commands.items() if not hasattr(c, "commands") or c.invoke_without_command}
    assert runnable | subcommands == set(COMMANDS)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_help_with_an_example(cmd):
    result = CliRunner().invoke(main, [*cmd.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output.splitlines()) > 3
    assert "Example:" in result.output


def test_extract_contract_fields(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(
            {
                "id": "x1",
                "text": "Testing by Semgrep found that GLM-5.2 outperformed "
                "Anthropic's Claude Opus 4 on vulnerability detection.",
            }
        )
        + "\n"
        + json.dumps({"id": "x2", "text": "Nothing comparative here."})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["extract", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(x) for x in out.read_text().splitlines()]
    assert set(row) >= {
        "article_id",
        "subject",
        "subject_org",
        "subject_model",
        "relation",
        "object",
        "object_org",
        "object_model",
        "domain",
        "claimant",
        "claimant_name",
        "negated",
        "hedged",
        "sentence",
        "start_char",
        "end_char",
    }
    assert (row["article_id"], row["subject_org"], row["relation"], row["object_model"], row["claimant_name"]) == (
        "x1",
        "Zhipu AI",
        "surpass",
        "Claude Opus 4",
        "Semgrep",
    )


def test_extract_rejects_bad_input_clearly(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("{not json}\n")
    result = CliRunner().invoke(main, ["extract", "--input", str(src)])
    assert result.exit_code != 0 and "line 1: not JSON" in result.output


def test_extract_reports_a_bad_line_and_reads_the_rest(tmp_path):
    """One bad line (not JSON, no text, a text over spaCy's million characters) never stops the lines after it."""
    good = {"id": "g", "text": "Testing found that Kimi K3 outperformed GPT-6 on agent tasks."}
    huge = {"id": "h", "text": "Claude 4 outperforms GPT-5 and " * 40_000}  # 1.2 million characters, one sentence
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(["{not json", json.dumps({"id": "x"}), json.dumps(huge), json.dumps(good)]) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["extract", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 1
    assert "input line 1: not JSON" in result.output and "input line 2: each input line needs" in result.output
    assert "2 of 4 input line(s) not read" in result.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["article_id"] for r in rows} == {"h", "g"}  # the huge line read (in pieces), the last line too
    assert ("Moonshot AI", "surpass", "OpenAI") in {(r["subject_org"], r["relation"], r["object_org"]) for r in rows}


def test_clean_prints_one_row_per_file(tmp_path):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((SAMPLE_SITE / "orbit-tech/tag/ai.html").read_bytes()))
    files = [
        str(gz),
        str(SAMPLE_SITE / "orbit-tech/missing-story.html"),
        str(SAMPLE_SITE / "securewire/2026/09/security-start-up-raises-money-for-automated-code-review.html"),
    ]
    result = CliRunner().invoke(main, ["clean", *files])
    assert result.exit_code == 0
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert [(r["is_article"], r["reason"]) for r in rows] == [
        (False, "index_page"),
        (False, "soft_404"),
        (True, "article"),
    ]
    assert set(rows[1]) >= {"path", "is_article", "title", "author", "date", "sitename", "language", "text"}


def test_claims_and_query_on_the_sample_warehouse(sample_run):
    db = str(sample_run["db"])
    r = CliRunner().invoke(main, ["claims", "--db", db, "--relation", "surpass", "--format", "jsonl"])
    assert r.exit_code == 0
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert rows and all(x["relation"] == "surpass" for x in rows)
    r = CliRunner().invoke(main, ["claims", "--db", db, "--org", "zhipu ai", "--format", "csv"])
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("claim_id,")
    assert all("Zhipu AI" in line for line in r.output.splitlines()[1:])
    r = CliRunner().invoke(main, ["claims", "--db", db, "--since", "2030-01-01"])
    assert r.exit_code == 0 and "(0 rows)" in r.output
    r = CliRunner().invoke(
        main,
        ["query", "--db", db, "--format", "jsonl", "SELECT count(*) AS n FROM articles WHERE duplicate_of IS NULL"],
    )
    assert r.exit_code == 0 and json.loads(r.output) == {"n": 10}
    r = CliRunner().invoke(main, ["query", "--db", db, "DELETE FROM articles"])
    assert r.exit_code != 0 and "read-only" in r.output.lower()


def test_run_with_bad_sources_file_fails_clearly(tmp_path):
    bad = write_sources(tmp_path / "s.yaml", {"sources": [{"name": "x"}]})
    r = CliRunner().invoke(main, ["run", "--sources", str(bad), "--db", str(tmp_path / "w.duckdb")])
    assert r.exit_code != 0 and "exactly one of feed, sitemap, urls" in r.output


@pytest.mark.integration
def test_run_offline_records_each_unreachable_source_and_succeeds(tmp_path):
    sources = write_sources(
        tmp_path / "s.yaml",
        {
            "sources": [
                {"name": "no-dns", "feed": "https://feeds.claimwatch-test.invalid/rss.xml"},
                {"name": "loopback-refused", "feed": "http://127.0.0.1:9/feed.xml"},
            ]
        },
    )
    db = tmp_path / "w.duckdb"
    r = CliRunner().invoke(
        main, ["run", "--sources", str(sources), "--db", str(db), "--alerts-file", str(tmp_path / "a.jsonl")]
    )
    assert r.exit_code == 0, r.output
    assert "fetch failures:       2" in r.output
    q = CliRunner().invoke(
        main, ["query", "--db", str(db), "--format", "jsonl", "SELECT source, error FROM fetch_log ORDER BY source"]
    )
    assert [json.loads(x) for x in q.output.splitlines()] == [
        {"source": "loopback-refused", "error": "private_address"},
        {"source": "no-dns", "error": "dns_error"},
    ]


def test_sources_prints_health_per_source(sample_run):
    r = CliRunner().invoke(main, ["sources", "--db", str(sample_run["db"]), "--format", "jsonl"])
    assert r.exit_code == 0
    rows = {x["source"]: x for x in map(json.loads, r.output.splitlines())}
    assert rows["northgate-post"]["articles_kept"] == 2 and rows["northgate-post"]["share_no_date"] == 0
    assert rows["partner-wire"]["articles_kept"] == 0 and rows["partner-wire"]["duplicates"] == 1
    assert rows["orbit-tech"]["failures_by_reason"] == "robots_disallowed=1"
    assert rows["orbit-tech-pages"]["failures_by_reason"] == "http_404=2"  # both runs
    assert rows["daily-ledger"]["not_modified"] == 1 and rows["daily-ledger"]["last_success"]


def test_export_writes_parquet_that_other_engines_read(sample_run, tmp_path):
    import duckdb

    r = CliRunner().invoke(main, ["export", str(tmp_path / "pq"), "--db", str(sample_run["db"])])
    assert r.exit_code == 0 and "claims:" in r.output
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path / 'pq' / 'articles.parquet'}')").fetchall()[0][0]
    assert n == sample_run["counts_second"]["articles"]
    cols = {
        c[0]
        for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{tmp_path / 'pq' / 'claims.parquet'}')").fetchall()
    }
    assert {"claim_id", "subject_org", "relation", "first_seen_at", "source_count"} <= cols


def test_reader_commands_fail_clearly_on_bad_input(sample_run):
    db = str(sample_run["db"])
    r = CliRunner().invoke(main, ["claims", "--db", db, "--since", "last tuesday"])
    assert r.exit_code == 2 and "is not a date: use YYYY-MM-DD, today, yesterday, 7d" in r.output
    assert "Traceback" not in r.output
    r = CliRunner().invoke(main, ["query", "--db", db, "   "])
    assert r.exit_code == 1 and "empty query" in r.output


def test_query_prints_every_statement_and_marks_cut_values(sample_run):
    db = str(sample_run["db"])
    r = CliRunner().invoke(main, ["query", "--db", db, "SELECT 1 AS first_one; SELECT 2 AS second_one"])
    assert r.exit_code == 0 and "first_one" in r.output and "second_one" in r.output
    long_url = "SELECT url FROM articles WHERE length(url) > 60 LIMIT 1"
    r = CliRunner().invoke(main, ["query", "--db", db, long_url], env={"COLUMNS": "40"})  # a narrow terminal
    assert r.exit_code == 0 and "…" in r.output and "--format json or csv shows them whole" in r.output
    r = CliRunner().invoke(main, ["query", "--db", db, "--format", "jsonl", long_url])
    assert len(json.loads(r.output)["url"]) > 60 and "…" not in r.output


def test_claims_table_shows_evidence_source_and_languages(sample_run):
    r = CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--org", "Moonshot AI"])
    assert r.exit_code == 0
    block = r.output.split("\n\n")[0]
    assert block.startswith("[PARITY] Moonshot AI / Kimi K2 matches OpenAI / GPT-4.1")
    assert "in en, zh (first)" in block and "first reported by jiqi-daily" in block and "/jiqi-daily/" in block
    assert 'evidence: "' in block and "asserted by: Moonshot AI (the firm itself)" in block
    r = CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--relation", "parity", "--format", "jsonl"])
    row = json.loads(r.output.splitlines()[0])
    assert {"evidence", "claimant", "first_url", "first_source", "languages", "first_language"} <= set(row)


def test_table_format_cuts_only_values_over_the_limit(sample_run):
    many = ", ".join(f"'value {i}' AS column_number_{i}" for i in range(8))
    sql = f"SELECT 'Redline Labs' AS firm, {many}, repeat('x', 100) AS long_text, 'daily-ledger-sitemap' AS source"
    r = CliRunner().invoke(main, ["query", "--db", str(sample_run["db"]), sql])
    assert r.exit_code == 0
    row = r.output.splitlines()[2]
    assert "Redline Labs" in row and "daily-ledger-sitemap" in row and "x" * 59 + "…" in row
    assert "column_number_7" in r.output.splitlines()[0] and "value 7" in row


@pytest.mark.parametrize("since", ["2026-01-01", "2026-01-01T08:00", "yesterday", "today", "7d", "2w", "3 days ago"])
def test_since_takes_iso_and_relative_days(sample_run, since):
    r = CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"]), "--since", since, "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    everything = "2026-01-01" in since  # the sample's claims are from 2026-09: relative days from now find none
    assert bool(r.output.strip()) == everything


def test_relative_days_count_back_from_today():
    from datetime import UTC, datetime, timedelta

    from pipelines.cli import SINCE

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert SINCE.convert("yesterday", None, None) == today - timedelta(days=1)
    assert SINCE.convert("2w", None, None) == today - timedelta(days=14)
    assert SINCE.convert("10 days ago", None, None) == today - timedelta(days=10)
