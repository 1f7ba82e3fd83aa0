"""The gazetteer data files: coverage, consistency, and every family recognised in a sentence."""

from __future__ import annotations

import pytest

from extractors.entities import build_nlp
from extractors.vocab import load_data

FIRMS = load_data("firms.yaml")["firms"]
FAMILIES = load_data("models.yaml")["families"]
FIRM_NAMES = {f["name"] for f in FIRMS}


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_coverage_of_firms_and_families():
    assert len(FIRM_NAMES) >= 60 and len({f["family"] for f in FAMILIES}) >= 200
    countries = {f.get("country") for f in FIRMS}
    assert {"US", "CN", "FR", "DE", "KR"} <= countries
    kinds = {f.get("kind") for f in FIRMS}
    assert {"ai_developer", "security_vendor", "evaluator"} <= kinds


def test_every_family_has_a_known_owner_and_no_family_is_listed_twice():
    assert [f["family"] for f in FAMILIES if f["firm"] not in FIRM_NAMES] == []
    names = [f["family"] for f in FAMILIES]
    assert sorted({n for n in names if names.count(n) > 1}) == []


@pytest.mark.parametrize("family", FAMILIES, ids=[f["family"] for f in FAMILIES])
def test_every_family_is_recognised_with_its_owner(nlp, family):
    name = family["family"] if family.get("exact") else f"{family['family']} 2"
    doc = nlp(f"Last week {name} was tested on coding.")
    models = [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "MODEL"]
    assert models == [(name, family["firm"])]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a tier written as a name stands for a version of a family that needs one
        ("Last week Nova Pro was tested.", [("Nova Pro", "Amazon")]),
        ("Last week Yi-Large was tested.", [("Yi-Large", "01.AI")]),
        ("the nova pro tier was tested.", []),
        # a part carrying a digit after a hyphen names the model ("GPT-OSS-20B")
        ("Last week GPT-OSS-20B was tested.", [("GPT-OSS-20B", "OpenAI")]),
        # a family in capitals, or with one capital, is still the family
        ("Last week SOLAR-10.7B was tested.", [("SOLAR-10.7B", "Upstage")]),
        ("Last week Minimax M2.5 was tested.", [("Minimax M2.5", "MiniMax")]),
        # a needs-version family with nothing after it stays a word
        ("Step by step the Nova team tested Opus.", []),
    ],
)
def test_family_spellings_and_tiers_as_versions(nlp, sentence, expected):
    assert [(e.text, e.kb_id_) for e in nlp(sentence).ents if e.label_ == "MODEL"] == expected
