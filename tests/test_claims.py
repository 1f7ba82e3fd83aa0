from __future__ import annotations

import pytest

from extractors.claims import ClaimExtractor, split_sentences


@pytest.fixture(scope="module")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()


def test_offsets_point_at_the_evidence_sentence(extractor):
    text = (
        "Mistral opened an office in Munich.\nIn a separate test, Alibaba's Qwen3 outperformed Meta's Llama 4 on "
        "math. Analysts were surprised."
    )
    [claim] = extractor.extract("a1", text)
    assert text[claim.start_char : claim.end_char] == claim.sentence
    assert claim.sentence.startswith("In a separate test") and claim.article_id == "a1"


def test_company_reference_resolves_to_previous_sentence(extractor):
    text = "Zhipu AI released GLM-5.2 on Monday. The company said its model is on par with Claude Opus 4 on coding."
    claims = extractor.extract("a", text)
    assert [(c.subject_org, c.relation, c.object_model, c.claimant) for c in claims] == [
        ("Zhipu AI", "parity", "Claude Opus 4", "self")
    ]


def test_hedging(extractor):
    [hedged] = extractor.extract("a", "Qwen3 reportedly beats Llama 4 on math.")
    [plain] = extractor.extract("a", "Qwen3 beats Llama 4 on math.")
    assert hedged.hedged and not plain.hedged


@pytest.mark.parametrize(
    ("text", "disputed"),
    [
        ("Researchers at Redline Labs have cast doubt on claims that Qwen3 beats Llama 4 on math.", True),
        ("Two university teams could not reproduce the finding that Qwen3 beats Llama 4 on math.", True),
        ("Meta denied that Qwen3 beats Llama 4 on math, calling the test unfair.", True),
        ("Benchmark testing by Redline Labs found that Qwen3 beats Llama 4 on math.", False),
        ("Qwen3 reportedly beats Llama 4 on math, with no doubt left after a second run.", False),
    ],
)
def test_a_claim_the_sentence_doubts_is_marked_disputed(extractor, text, disputed):
    [claim] = extractor.extract("a", text)
    assert (claim.subject_org, claim.relation, claim.object_org) == ("Alibaba", "surpass", "Meta")
    assert claim.disputed is disputed and not claim.negated  # kept as stated, as the labelling guide asks


def test_claim_key_merges_aliases_but_never_groups_with_names(extractor):
    [a] = extractor.extract("a", "Z.ai's GLM-5.2 rivals Claude Opus 4.")
    [b] = extractor.extract("b", "Zhipu's GLM-5.2 rivals Anthropic's Claude Opus 4.")
    [g] = extractor.extract("c", "A Chinese AI model rivals Anthropic on coding.")
    [n] = extractor.extract("d", "Zhipu AI rivals Anthropic on coding.")
    assert a.claim_id == b.claim_id
    assert g.claim_id != n.claim_id and g.subject_org is None and g.subject_group == "a chinese ai model"


def test_sentence_splitter_keeps_abbreviations():
    text = "The U.S. firm said so. Then it left!\nNew line here"
    assert [text[s:e] for s, e in split_sentences(text)] == ["The U.S. firm said so.", "Then it left!", "New line here"]


def test_entities_discovered_earlier_seed_later_articles():
    from extractors.rules import ClaimRules

    x = ClaimRules([("model", "Zephyrine", "Orion Robotics")]).reader()
    [c] = x.extract("z", "Zephyrine beats GPT-4.1 on coding.")
    assert (c.subject_org, c.subject_model, c.subject_model_in_gazetteer) == ("Orion Robotics", "Zephyrine", False)
    assert c.object_model_in_gazetteer is True


def test_offsets_stay_exact_when_lowercasing_changes_length(extractor):
    text = "İstanbul hosted the launch. Qwen3 beats Llama 4 on math."
    assert len(text.lower()) != len(text)
    [claim] = extractor.extract("i", text)
    assert text[claim.start_char : claim.end_char] == "Qwen3 beats Llama 4 on math."


def test_a_sentence_repeated_in_one_article_is_parsed_once(extractor):
    # pull quotes and "in brief" boxes repeat a sentence verbatim; the article used to fail with a zip() error
    sentence = "Qwen3 beats Llama 4 on math."
    claims = extractor.extract("r", f"{sentence} Analysts agreed. {sentence}")
    assert [c.start_char for c in claims] == [0, 46] and all(c.sentence == sentence for c in claims)


def test_head_to_head_title_is_context_not_evidence(extractor):
    text = "In our review, Hunyuan-T2 leads on long documents.\nIt also won on speed."
    assert extractor.extract("a", text) == []
    claims = extractor.extract("a", text, title="Hunyuan-T2 versus Claude Opus 5: a hands-on review")
    assert [(c.subject_org, c.relation, c.object_org, c.sentence) for c in claims] == [
        ("Tencent", "surpass", "Anthropic", "In our review, Hunyuan-T2 leads on long documents.")
    ]
