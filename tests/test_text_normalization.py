"""One text normalisation for every path the claim rules read (extract, ingest, the pipeline)."""

from __future__ import annotations

import pytest

from extractors.claims import default_extractor
from extractors.text_normalization import normalize_text


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("Claude\u00a04 beats GPT-5.", "Claude 4 beats GPT-5."),  # no-break space
        ("Claude\u202f4 beats GPT\u20115.", "Claude 4 beats GPT-5."),  # narrow no-break space, no-break hyphen
        ("GPT\u200b-5 and Claude\u00ad 4", "GPT-5 and Claude 4"),  # zero-width space, soft hyphen
        ("GPT-5\x1b[31m beats\x07 it", "GPT-5 [31m beats  it"),  # control characters are spaces
        ("GPT-5" + "," * 5000 + " beats", "GPT-5,,, beats"),  # a run of one mark keeps three
        ("Wait... really?!", "Wait... really?!"),  # ordinary punctuation is untouched
        ("模型\u3000超越", "模型 超越"),  # ideographic space
    ],
)
def test_text_the_rules_read(raw, read):
    assert normalize_text(raw).text == read


def test_offsets_map_back_to_the_text_as_given():
    raw = "A\u200b\u200bB" + "!" * 10 + "C\u00adD"
    norm = normalize_text(raw)
    assert norm.text == "AB!!!CD"
    for k, ch in enumerate(norm.text):
        assert raw[norm.original_offset(k)] == ch
    assert norm.original_offset(len(norm.text)) == len(raw)


@pytest.mark.parametrize(
    "sentence",
    [
        "Claude\u00a04 outperforms GPT\u200b-5 on coding.",
        "Claude 4 outperforms GPT\u00ad-5 on coding.",
        "Claude\u20094 outperforms GPT\u20115 on coding.",
    ],
)
def test_invisible_characters_inside_a_name_do_not_lose_it(sentence):
    claims = default_extractor().extract("a", "Intro line.\n" + sentence)
    assert [(c.subject_model, c.relation, c.object_model) for c in claims] == [("Claude 4", "surpass", "GPT-5")]
    (c,) = claims
    text = "Intro line.\n" + sentence
    assert text[c.start_char : c.end_char] == c.sentence == sentence  # evidence is the text as given


def test_a_sentence_longer_than_the_bound_is_read_in_pieces():
    filler = "word " * 3000  # one 15,000-character "sentence" with no sentence end
    claims = default_extractor().extract("a", filler + "Claude 4 outperforms GPT-5 on coding " + filler)
    assert [(c.subject_model, c.object_model) for c in claims] == [("Claude 4", "GPT-5")]
    assert len(claims[0].sentence) <= 5000
