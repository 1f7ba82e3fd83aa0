"""Chinese claim rules on sentences written for the tests (no ../shared)."""

from __future__ import annotations

import pytest

from extractors.claims import ClaimExtractor
from extractors.claims.zh_names import build_nlp_zh, split_sentences_zh
from extractors.cleaning import content_hash, detect_language
from extractors.dedup import shingles


@pytest.fixture(scope="module")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()


def test_the_chinese_pipeline_is_a_blank_spacy_pipeline_with_the_gazetteer() -> None:
    nlp = build_nlp_zh()
    assert nlp.lang == "zh" and nlp.pipe_names == ["claimwatch_gazetteer_zh"]
    doc = nlp("阿里巴巴的通义千问2.5与OpenAI的GPT-4o相比")
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("阿里巴巴", "FIRM", "Alibaba"),
        ("通义千问2.5", "MODEL", "Alibaba"),
        ("OpenAI", "FIRM", "OpenAI"),
        ("GPT-4o", "MODEL", "OpenAI"),
    ]


def test_chinese_sentences_split_on_full_stops_and_line_ends() -> None:
    text = "第一句。第二句！第三句?\n第四句"
    assert [text[s:e] for s, e in split_sentences_zh(text)] == ["第一句。", "第二句！", "第三句?", "第四句"]


def test_a_chinese_claim_and_an_english_one_share_the_claim_key(extractor: ClaimExtractor) -> None:
    [zh] = extractor.extract("a", "智谱称GLM-6在编程上超越了Claude Opus 5。")
    [en] = extractor.extract("b", "Zhipu AI says GLM-6 outperforms Claude Opus 5 on coding.")
    assert zh.claim_key == en.claim_key


def test_chinese_language_and_near_duplicates() -> None:
    a = "智谱发布GLM-6,称其在编程任务上超越Claude Opus 5,并将于下月开放API。" * 3
    b = "百度发布文心一言5.0,称其在中文理解上与GPT-5持平,价格更低。" * 3
    assert detect_language(a, None) == "zh"
    assert content_hash(a) != content_hash(b)  # an ASCII-only normalisation made every Chinese text hash alike
    assert len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b)) < 0.1
    copy = "(本文转载自合作门户)" + a.replace("下月", "下个月")  # a syndicated copy, lightly edited
    assert len(shingles(a) & shingles(copy)) / len(shingles(a) | shingles(copy)) > 0.5


def test_a_chinese_claim_the_sentence_doubts_is_marked_disputed(extractor: ClaimExtractor) -> None:
    [doubted] = extractor.extract("z", "多位研究人员质疑通义千问Qwen3在数学方面超越Llama 4的说法。")
    [plain] = extractor.extract("z", "测试显示，通义千问Qwen3在数学方面超越了Llama 4。")
    assert (doubted.subject_org, doubted.relation, doubted.object_org) == ("Alibaba", "surpass", "Meta")
    assert doubted.disputed and not plain.disputed
