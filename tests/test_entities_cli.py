"""Curating the gazetteer from the CLI: list names the claims use that it does not know, and add them."""

from __future__ import annotations

import json
import shutil

import spacy
import yaml
from click.testing import CliRunner

from extractors.entities import GazetteerRuler
from extractors.gazetteer_files import DATA_DIR
from pipelines.cli import main


def test_entities_lists_discovered_names_with_an_example(sample_run):
    r = CliRunner().invoke(main, ["entities", "--db", str(sample_run["db"]), "--format", "jsonl"])
    assert r.exit_code == 0
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert rows and not any(x["in_gazetteer"] for x in rows)
    assert all(x["mention_count"] >= 1 and x["first_url"] and x["example"] for x in rows)
    everything = CliRunner().invoke(main, ["entities", "--db", str(sample_run["db"]), "--all", "--format", "jsonl"])
    assert len(everything.output.splitlines()) > len(rows)


def test_entities_add_writes_the_gazetteer_files_and_the_rules_then_know_the_names(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = (data / "models.yaml").read_text(encoding="utf-8")
    run = CliRunner().invoke
    r = run(
        main,
        [
            "entities",
            "add",
            "Kestrel Labs",
            "--kind",
            "firm",
            "--country",
            "gb",
            "--alias",
            "Kestrel",
            "--data-dir",
            str(data),
        ],
    )
    assert r.exit_code == 0, r.output
    r = run(main, ["entities", "add", "Harrier", "--kind", "model", "--firm", "Kestrel Labs", "--data-dir", str(data)])
    assert r.exit_code == 0 and "models.yaml" in r.output
    after = (data / "models.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("  - {family:")[0])  # comments and layout kept
    assert "  - {family: Harrier, firm: Kestrel Labs}\n" in after
    firms = yaml.safe_load((data / "firms.yaml").read_text(encoding="utf-8"))
    models = yaml.safe_load(after)
    nlp = spacy.blank("en")
    ruler = GazetteerRuler(nlp, "g")
    ruler.initialize(firms=firms, models=models)
    doc = ruler(nlp("Kestrel says Harrier 2 beats GPT-6."))
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Kestrel", "FIRM", "Kestrel Labs"),
        ("Harrier 2", "MODEL", "Kestrel Labs"),
        ("GPT-6", "MODEL", "OpenAI"),
    ]


def test_entities_add_refuses_duplicates_unknown_owners_and_missing_details(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    run = CliRunner().invoke
    r = run(main, ["entities", "add", "Qwen", "--kind", "model", "--firm", "Alibaba", "--data-dir", str(data)])
    assert r.exit_code != 0 and "already a model family" in r.output
    r = run(main, ["entities", "add", "Zorro", "--kind", "model", "--firm", "Nobody Inc", "--data-dir", str(data)])
    assert r.exit_code != 0 and "add it first" in r.output
    r = run(main, ["entities", "add", "Zorro", "--kind", "model", "--data-dir", str(data)])
    assert r.exit_code != 0 and "needs --firm" in r.output
    r = run(main, ["entities", "add", "Deepseek", "--kind", "firm", "--country", "CN", "--data-dir", str(data)])
    assert r.exit_code != 0 and "already a firm name or alias" in r.output
    assert (data / "models.yaml").read_text() == (DATA_DIR / "models.yaml").read_text()


def test_entities_add_reads_names_as_the_files_do(tmp_path):
    """A family equal but for case, a model the gazetteer knows, a firm in any case, a country by name or code."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)

    def add(*args: str):
        return CliRunner().invoke(main, ["entities", "add", *args, "--data-dir", str(data)])

    r = add("qwen", "--kind", "model", "--firm", "Alibaba")
    assert r.exit_code == 1 and "already a model family" in r.output and "'Qwen'" in r.output
    for known in ("GPT-4.1", "Kimi K2"):
        r = add(known, "--kind", "model", "--firm", "OpenAI")
        assert r.exit_code == 1 and "already recognised as a model of" in r.output, known
    r = add("Redline Labs", "--kind", "firm", "--country", "usa")
    assert r.exit_code == 0, r.output
    assert "{name: Redline Labs, country: US," in (data / "firms.yaml").read_text(encoding="utf-8")
    r = add("redline labs", "--kind", "firm", "--country", "US")
    assert r.exit_code == 1 and "already a firm name or alias" in r.output
    r = add("Tulip", "--kind", "model", "--firm", "redline labs")  # the owner in another case
    assert r.exit_code == 0, r.output
    assert "{family: Tulip, firm: Redline Labs}" in (data / "models.yaml").read_text(encoding="utf-8")
    r = add("Tulip2", "--kind", "model", "--firm", "Redline Lab")
    assert r.exit_code == 1 and "did you mean Redline Labs" in r.output
    r = add("Orchid Systems", "--kind", "firm", "--country", "Atlantis")
    assert r.exit_code == 1 and "is not a country" in r.output
    r = add("Orchid Systems", "--kind", "firm", "--country", "China")
    assert r.exit_code == 0 and "country: CN" in r.output
