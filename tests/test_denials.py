"""A denial never reads as the claim it denies (issue 26 item 6): `claims`, `stories` and the report.

The sample site has one: a third party says Zhipu AI's GLM-4.5 does *not* match Claude Opus 4. It was listed by
`claims --relation parity` as ``[PARITY] ... does not match ...``, shown as parity in the report's table, and
counted as a parity story.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from pipelines.cli import main


def _claims(db: str, *args: str) -> list[dict]:
    r = CliRunner().invoke(main, ["claims", "--db", db, "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_relation_lists_only_claims_asserting_it_and_denials_are_their_own_listing(sample_run):
    db = str(sample_run["db"])
    parity = _claims(db, "--relation", "PARITY")  # any case
    denials = _claims(db, "--denials")
    assert parity and not [c for c in parity if c["negated"]]
    assert [(c["subject_org"], c["relation"], c["object_org"]) for c in denials] == [
        ("Zhipu AI", "parity", "Anthropic")
    ]
    assert _claims(db, "--relation", "parity", "--denials") == denials
    assert len(_claims(db)) == len(parity) + len(denials) + len(_claims(db, "--relation", "surpass")) + len(
        _claims(db, "--relation", "trail")
    ) + len(_claims(db, "--relation", "approach"))


def test_a_denial_is_tagged_as_one_in_the_terminal(sample_run):
    r = CliRunner().invoke(main, ["claims", "--db", str(sample_run["db"])])
    [line] = [x for x in r.output.splitlines() if x.startswith("[") and "does not match" in x]
    assert line.startswith("[NOT PARITY] Zhipu AI")
    assert "[PARITY] Zhipu AI" not in r.output


def test_a_story_of_only_a_denial_is_no_parity_story(sample_run):
    r = CliRunner().invoke(main, ["stories", "--db", str(sample_run["db"]), "--format", "json"])
    relations = {s["story_key"]: s["relations"] for s in json.loads(r.output)}
    assert relations["Zhipu AI | Anthropic"] == "not parity"
    assert relations["Moonshot AI | OpenAI"] == "parity"


def test_the_report_table_reads_not_parity(sample_run, tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["report", "--db", str(sample_run["db"]), "--since", "2026-01-01", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    [row] = [x for x in page.split("<tr>") if "GLM-4.5" in x]
    assert ">not parity</span> does not match" in row and ">parity</span>" not in row
