"""Every labelled case of tests/fixtures/claim_cases/<mechanism>.yaml, one runner for all mechanisms.

The files are named like the groups `make eval` prints its misses under (evaluation.claims_check.MECHANISMS),
so a miss on a shared set points at the file its case belongs in. English cases list full rows
[subject_org, subject_model, relation, object_org, object_model, negated, claimant]; Chinese cases org-level
rows [subject_org, relation, object_org, negated].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from evaluation.claims_check import MECHANISMS
from extractors.claims import Claim, ClaimExtractor

CASE_FILES = sorted((Path(__file__).parent / "fixtures" / "claim_cases").glob("*.yaml"))
CASES = [(path.stem, case) for path in CASE_FILES for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]


@pytest.fixture(scope="module")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()


def test_every_case_file_is_a_mechanism_the_evaluation_names() -> None:
    assert CASE_FILES and {p.stem for p in CASE_FILES} <= set(MECHANISMS)
    assert len(CASES) >= 200  # the files were found and read


def _rows(claims: list[Claim], width: int) -> list[tuple[Any, ...]]:
    """The claims as the case file words them: org level (4 wide, Chinese cases) or full rows (7 wide)."""
    if width == 4:
        return sorted({(c.subject_org, c.relation, c.object_org, c.negated) for c in claims}, key=str)
    full = [
        (c.subject_org, c.subject_model, c.relation, c.object_org, c.object_model, c.negated, c.claimant)
        for c in claims
    ]
    return sorted(full, key=str)


@pytest.mark.parametrize(("mechanism", "case"), CASES, ids=[f"{m}: {c['text'][:48]}" for m, c in CASES])
def test_labelled_case(mechanism: str, case: dict[str, Any], extractor: ClaimExtractor) -> None:
    got = extractor.extract(mechanism, case["text"], case.get("title"))
    width = len(case["claims"][0]) if case["claims"] else 7
    assert _rows(got, width) == sorted((tuple(x) for x in case["claims"]), key=str)
    for key in ("domain", "claimant_name", "hedged"):
        if key in case:
            assert {getattr(c, key) for c in got} == {case[key]}, key
    for c in got:  # the evidence is the sentence at its offsets
        assert case["text"][c.start_char : c.end_char] == c.sentence
