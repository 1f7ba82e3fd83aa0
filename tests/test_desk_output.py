"""The desk's output formats (issue 26 items 3, 4 and 16): --version, --format on every listing, whole values in a
wide terminal, and `json` as one JSON document."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from extractors.rules import rules_version
from pipelines.cli import main


def test_version_names_the_package_and_the_claim_rules():
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0
    assert r.output.startswith("claimwatch ") and f"(claim rules {rules_version()})" in r.output


@pytest.mark.parametrize("command", [["tables"], ["schema", "claims"]])
def test_tables_and_schema_take_every_format(sample_run, command):
    db = ["--db", str(sample_run["db"])]
    as_json = json.loads(CliRunner().invoke(main, [*command, *db, "--format", "json"]).output)
    lines = CliRunner().invoke(main, [*command, *db, "--format", "jsonl"]).output.splitlines()
    as_csv = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, [*command, *db, "--format", "CSV"]).output)))
    assert as_json == [json.loads(line) for line in lines] and len(as_json) == len(as_csv) > 3
    described = [row["description"] for row in as_json if len(row["description"] or "") > 60]
    assert described and all(d in {row["description"] for row in as_csv} for d in described)  # never cut


def test_a_wide_terminal_shows_whole_descriptions_and_a_narrow_one_marks_the_cut(sample_run):
    db = ["--db", str(sample_run["db"])]
    longest = max((row["description"] for row in json.loads(
        CliRunner().invoke(main, ["tables", *db, "--format", "json"]).output)), key=len)  # fmt: skip
    assert len(longest) > 60
    wide = CliRunner().invoke(main, ["tables", *db], env={"COLUMNS": "220"}).output
    narrow = CliRunner().invoke(main, ["tables", *db], env={"COLUMNS": "80"}).output
    assert longest in wide and "…" not in wide
    assert longest not in narrow and "…" in narrow and "--format json or csv shows them whole" in narrow


def test_json_is_one_array_even_when_empty(sample_run):
    db = ["--db", str(sample_run["db"])]
    r = CliRunner().invoke(main, ["query", *db, "--format", "json", "SELECT 1 AS n WHERE false"])
    assert r.exit_code == 0 and json.loads(r.output) == []
    r = CliRunner().invoke(main, ["claims", *db, "--format", "json"])
    rows = json.loads(r.output)
    assert isinstance(rows, list) and rows and {"claim_id", "relation"} <= set(rows[0])


def test_the_cli_reads_claimwatch_db_and_claimwatch_sources(sample_run, tmp_path):
    """Issue 26 item 11: the README lists both variables; the CLI used to ignore them."""
    listed = CliRunner().invoke(main, ["claims", "--format", "json"], env={"CLAIMWATCH_DB": str(sample_run["db"])})
    assert listed.exit_code == 0 and json.loads(listed.output)
    typo = tmp_path / "typo.yaml"
    typo.write_text("sources:\n  - {name: a, fed: 'https://example.com/feed.xml'}\n", encoding="utf-8")
    env = {"CLAIMWATCH_SOURCES": str(typo), "CLAIMWATCH_DB": str(tmp_path / "w.duckdb")}
    r = CliRunner().invoke(main, ["run"], env=env)
    assert r.exit_code == 1 and "typo.yaml" in r.output and "did you mean 'feed'" in r.output


def test_extract_names_the_line_and_the_field_of_a_wrong_type_and_goes_on(tmp_path):
    """Issue 26 item 12: {"id": 5, "text": 42} was a TypeError traceback (then silently read as the text "42")."""
    lines = [
        {"id": 5, "text": 42},
        {"id": 6, "text": "Kimi K3 beats GPT-6 on coding.", "title": ["not", "a", "title"]},
        {"id": 7, "text": "Moonshot AI said its Kimi K3 beats GPT-6 on coding."},
    ]
    r = CliRunner().invoke(main, ["extract"], input="".join(json.dumps(x) + "\n" for x in lines))
    assert r.exit_code == 1
    assert "input line 1: 'text' must be a string, got int 42" in r.output
    assert "input line 2: 'title' must be a string, got list" in r.output
    claims = [json.loads(x) for x in r.output.splitlines() if x.startswith("{")]
    assert [c["article_id"] for c in claims] == ["7"]


def test_a_single_url_where_a_list_belongs_says_so(tmp_path):
    """Issue 26 item 13: `urls: https://...` used to say "only http(s) URLs are crawled, got 'h'"."""
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - name: a\n    urls: https://example.com/a.html\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")])
    assert r.exit_code == 1
    assert "urls must be a list of URLs, e.g. urls: ['https://example.com/a.html']" in r.output


@pytest.mark.integration
def test_a_crawl_where_nothing_answered_says_so_on_its_first_line(tmp_path):
    """Issue 26 item 9: an offline run where every fetch failed printed `ok` and `checks: all passed`."""
    import socket

    with socket.socket() as s:  # a loopback port nothing listens on: every fetch is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sources = tmp_path / "s.yaml"
    urls = [f"http://127.0.0.1:{port}/{i}.html" for i in range(3)]
    sources.write_text(
        json.dumps(
            {"allow_private_networks": True, "crawl": {"retry_times": 0}, "sources": [{"name": "a", "urls": urls}]}
        ),
        encoding="utf-8",
    )
    r = CliRunner().invoke(main, ["run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")])
    first = r.output.splitlines()[0]
    assert r.exit_code == 0, r.output  # as documented: the pipeline ran
    assert "ok, but NOTHING WAS REACHABLE: all" in first and "fetches failed" in first


@pytest.mark.integration
def test_an_ingest_summary_shows_no_crawl_fields(tmp_path):
    """Issue 26 item 7: ingest printed "feeds unchanged (HTTP 304)" and "already stored (not fetched again)"."""
    page = tmp_path / "p.html"
    page.write_text("<html><body><article><p>" + "A saved page of text. " * 30 + "</p></article></body></html>")
    r = CliRunner().invoke(main, ["ingest", str(page), "--db", str(tmp_path / "w.duckdb")])
    assert r.exit_code == 0, r.output
    assert "pages read:           1" in r.output and "files not read:       0" in r.output
    assert "HTTP 304" not in r.output and "not fetched again" not in r.output


def test_since_takes_months_and_years_and_a_bad_value_lists_every_form(sample_run):
    db = ["--db", str(sample_run["db"])]
    for since in ("1m", "6 months ago", "1y", "2 years"):
        r = CliRunner().invoke(main, ["claims", *db, "--since", since, "--format", "json"])
        assert r.exit_code == 0, (since, r.output)
    bad = CliRunner().invoke(main, ["claims", *db, "--since", "last tuesday"])
    assert bad.exit_code == 2 and "7d, 2w, 3m (months), 1y" in bad.output


def test_a_unique_prefix_names_a_claim_and_review_mark_asks_for_a_verdict(sample_run, tmp_path):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(sample_run["db"], db)  # review mark writes: not on the shared warehouse
    ids = [
        c["claim_id"]
        for c in json.loads(CliRunner().invoke(main, ["claims", "--db", str(db), "--format", "json"]).output)
    ]
    full = ids[0]
    shown = CliRunner().invoke(main, ["claim", full[:8], "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["claim_id"] == full
    no_verdict = CliRunner().invoke(main, ["review", "mark", full[:8], "--db", str(db)])
    assert no_verdict.exit_code == 2 and "--right or --wrong" in no_verdict.output
    marked = CliRunner().invoke(main, ["review", "mark", full[:8], "--right", "--db", str(db)])
    assert marked.exit_code == 0 and f"claim {full} judged right" in marked.output
    unknown = CliRunner().invoke(main, ["claim", "ffffffffff", "--db", str(db)])
    assert unknown.exit_code == 1 and "no claim 'ffffffffff'" in unknown.output


def _claim_rows(db: str, *args: str) -> tuple[list[dict], str]:
    r = CliRunner().invoke(main, ["claims", "--db", db, "--format", "jsonl", *args])
    assert r.exit_code == 0, r.output
    return [json.loads(x) for x in r.stdout.splitlines() if x.strip()], r.stderr


def test_org_takes_an_alias_a_chinese_name_and_any_case(sample_run):
    db = str(sample_run["db"])
    canonical, _ = _claim_rows(db, "--org", "Zhipu AI")
    assert canonical  # the demo's story is about Zhipu AI
    for typed in ("zhipu", "ZHIPU AI", "智谱", "z.ai"):
        rows, err = _claim_rows(db, "--org", typed)
        assert [r["claim_id"] for r in rows] == [r["claim_id"] for r in canonical], typed
        assert typed.casefold() == "zhipu ai" or "read as 'Zhipu AI'" in err
    stories = CliRunner().invoke(main, ["stories", "--db", db, "--org", "智谱", "--format", "jsonl"])
    assert stories.exit_code == 0 and stories.stdout.strip(), stories.output


def test_model_finds_a_model_or_its_family_and_an_empty_result_suggests_names(sample_run):
    db = str(sample_run["db"])
    everything, _ = _claim_rows(db)
    model = next(r["subject_model"] for r in everything if r["subject_model"])
    exact, _ = _claim_rows(db, "--model", model.upper())
    assert exact and all(model in (r["subject_model"], r["object_model"]) for r in exact)
    family = model.split()[0].split("-")[0]
    by_family, _ = _claim_rows(db, "--model", family.lower())
    assert {r["claim_id"] for r in exact} <= {r["claim_id"] for r in by_family}
    rows, err = _claim_rows(db, "--org", "Zhipu A1")  # a typo: nothing found, the nearest names suggested
    assert rows == [] and "no rows for --org 'Zhipu A1'" in err and "Zhipu AI" in err
    rows, err = _claim_rows(db, "--model", model + "x")
    assert rows == [] and f"nearest --model names: {model}" in err


def test_query_shows_blobs_structs_lists_and_booleans_as_data(sample_run):
    db = ["--db", str(sample_run["db"])]
    sql = (
        "SELECT 'ab<!doctype'::BLOB AS body, {'firm': 'Zhipu AI', 'n': 2} AS s, [1, 2] AS l, true AS ok, "
        "'\\xFF'::BLOB AS raw"
    )
    row = json.loads(CliRunner().invoke(main, ["query", *db, "--format", "jsonl", sql]).stdout)
    assert row == {"body": "ab<!doctype", "s": {"firm": "Zhipu AI", "n": 2}, "l": [1, 2], "ok": True, "raw": "\\xff"}
    [cells] = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, ["query", *db, "--format", "csv", sql]).stdout)))
    assert cells == {
        "body": "ab<!doctype",
        "s": '{"firm": "Zhipu AI", "n": 2}',
        "l": "[1, 2]",
        "ok": "true",
        "raw": "\\xff",
    }
    table = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["query", *db, sql]).stdout
    assert "b'" not in table and "True" not in table and "true" in table and '"firm": "Zhipu AI"' in table


def test_several_results_are_refused_where_a_format_holds_one(sample_run):
    db = ["--db", str(sample_run["db"])]
    for fmt in ("csv", "json"):
        r = CliRunner().invoke(main, ["query", *db, "--format", fmt, "SELECT 1 AS a; SELECT 2 AS b"])
        assert r.exit_code == 1 and "2 of these statements return rows" in r.output and r.stdout.count("a") <= 1
    lines = CliRunner().invoke(main, ["query", *db, "--format", "jsonl", "SELECT 1 AS a; SELECT 2 AS b"]).stdout
    assert [json.loads(x) for x in lines.splitlines()] == [{"a": 1}, {"b": 2}]
    one = CliRunner().invoke(
        main, ["query", *db, "--format", "csv", "SET VARIABLE x = 1; SELECT getvariable('x') AS a"]
    )
    assert one.exit_code == 0 and one.stdout.split() == ["a", "1"]
