"""The reading bounds (relations.yaml limits) are recorded where they are hit: nothing is left unread silently."""

from __future__ import annotations

import json

from click.testing import CliRunner

from extractors.claims import default_extractor
from extractors.claims.lexicon import LEXICON
from pipelines.cli import main

MAX_CUES = LEXICON.max_cues_per_sentence
MAX_CHARS = LEXICON.max_sentence_chars


def _cue_chain(cues: int) -> str:
    """One sentence with ``cues`` cues: "Qwen3 beats GPT-4.1, beats Llama 4, ..."."""
    return "Qwen3 beats " + ", beats ".join(["GPT-4.1", "Llama 4"] * (cues // 2)) + "."


def test_ordinary_text_hits_no_bound() -> None:
    reading = default_extractor().read("a", "Qwen3 beats Llama 4 on math. GPT-4.1 trails Claude Opus 4 on coding.")
    assert reading.limits == [] and len(reading.claims) == 2


def test_cues_past_the_per_sentence_limit_are_named() -> None:
    under = default_extractor().read("a", _cue_chain(MAX_CUES))
    assert under.limits == [] and under.claims
    over = default_extractor().read("a", _cue_chain(MAX_CUES + 8))
    assert over.limits == [f"8 cue(s) past {MAX_CUES} in one sentence not read"]
    assert over.claims  # the cues within the limit are still read


def test_a_sentence_over_the_length_limit_is_read_in_pieces_and_said_so() -> None:
    filler = "word " * (MAX_CHARS // 5 + 100)  # no sentence end: one sentence longer than the limit
    text = filler + "and Claude Opus 4 outperforms GPT-4.1 on coding " + filler
    reading = default_extractor().read("a", text)
    assert reading.limits == [f"1 sentence(s) over {MAX_CHARS} characters read in pieces"]
    assert [(c.subject_model, c.relation, c.object_model) for c in reading.claims] == [
        ("Claude Opus 4", "surpass", "GPT-4.1")
    ]


def test_chinese_cues_past_the_limit_are_named() -> None:
    chain = "，".join(["Kimi K2超越了GPT-4o"] * (MAX_CUES + 3)) + "。"
    reading = default_extractor().read("zh", chain)
    assert reading.limits == [f"3 cue(s) past {MAX_CUES} in one sentence not read"]
    assert default_extractor().read("zh", "Kimi K2超越了GPT-4o。").limits == []


def test_extract_names_an_article_that_hit_a_bound_on_stderr(tmp_path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "long", "text": _cue_chain(MAX_CUES + 4)}, {"id": "plain", "text": "Qwen3 beats Llama 4."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["extract", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"input line 1 (long): 4 cue(s) past {MAX_CUES} in one sentence not read" in result.stderr
    assert "plain" not in result.stderr
    assert {json.loads(x)["article_id"] for x in out.read_text().splitlines()} == {"long", "plain"}
