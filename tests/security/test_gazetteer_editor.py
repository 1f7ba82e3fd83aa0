"""The gazetteer editor (`claimwatch entities add`) never leaves a broken or ambiguous gazetteer (issue 25 rows 1, 11).

Before: a name with a line break was written as two lines, the next insert landed inside it, ``firms.yaml``
stopped loading, and from then on ``claimwatch extract`` and every ``entities add`` failed with a traceback.
"""

from __future__ import annotations

import shutil

import pytest
import spacy
import yaml
from click.testing import CliRunner

from extractors.entities import GazetteerRuler
from extractors.gazetteer_files import DATA_DIR
from pipelines.cli import main


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def add_firm(data, name, *extra):
    args = ["entities", "add", name, "--kind", "firm", "--country", "US", *extra, "--data-dir", str(data)]
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize(
    "name",
    ["Acme\nLabs", "Acme\rLabs", "Acme\x1b[31mLabs", "Acme\u200bLabs", "A", " Acme Labs"],
    ids=["newline", "carriage-return", "escape", "zero-width", "one-letter", "padded"],
)
def test_a_name_that_would_corrupt_or_match_everything_is_refused_and_nothing_written(data, name):
    before = (data / "firms.yaml").read_bytes()
    r = add_firm(data, name)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert (data / "firms.yaml").read_bytes() == before


def test_after_a_refused_name_the_next_edit_and_the_rules_still_work(data, tmp_path):
    assert add_firm(data, "Acme\nLabs").exit_code == 1
    r = add_firm(data, "O'Brien AI")
    assert r.exit_code == 0, r.output
    firms = yaml.safe_load((data / "firms.yaml").read_text(encoding="utf-8"))["firms"]
    assert firms[-1]["name"] == "O'Brien AI" and not any("\n" in f["name"] for f in firms)
    # no stray temporary file left beside it
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".")) == []


def test_a_firm_equal_but_for_case_to_a_known_name_or_alias_is_refused(data):
    for name, extra in [
        ("openai", ()),
        ("DEEPMIND", ()),
        ("Acme Labs", ("--alias", "a")),
        ("Acme Labs", ("--alias", "ACME labs")),
    ]:
        r = add_firm(data, name, *extra)
        assert r.exit_code == 1, (name, r.output)
    r = add_firm(data, "Acme Labs", "--alias", "Acme")
    assert r.exit_code == 0, r.output


def test_a_model_family_with_a_control_character_is_refused(data):
    before = (data / "models.yaml").read_bytes()
    args = ["entities", "add", "Harrier\x07", "--kind", "model", "--firm", "OpenAI", "--data-dir", str(data)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and (data / "models.yaml").read_bytes() == before


def test_the_rules_still_load_the_gazetteer_after_a_refused_edit(data):
    """Before the fix, the refused name's lines broke firms.yaml and every later load of the rules failed."""
    assert add_firm(data, "Acme\nLabs").exit_code == 1
    nlp = spacy.blank("en")
    ruler = GazetteerRuler(nlp, "g")
    firms = yaml.safe_load((data / "firms.yaml").read_text(encoding="utf-8"))
    ruler.initialize(firms=firms, models=yaml.safe_load((data / "models.yaml").read_text(encoding="utf-8")))
    doc = ruler(nlp("Kimi K3 beats GPT-6 on agents."))
    assert [e.kb_id_ for e in doc.ents] == ["Moonshot AI", "OpenAI"]
