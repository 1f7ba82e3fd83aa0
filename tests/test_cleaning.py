from __future__ import annotations

from extractors.cleaning import clean_html, content_hash, decode_html
from pipelines.cli import SAMPLE_SITE

BASE = b"http://127.0.0.1:9"


def page(rel: str) -> bytes:
    return (SAMPLE_SITE / rel).read_bytes().replace(b"BASE_URL", BASE)


def test_article_text_and_metadata_without_boilerplate():
    p = clean_html(
        page("northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"),
        "http://127.0.0.1:9/northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html",
    )
    assert p.is_article and p.reason == "article"
    assert "Testing by Epoch AI found that Alibaba's Qwen3 outperformed Meta's Llama 4" in p.text
    for boilerplate in ("We use cookies", "Get the morning briefing", "All rights reserved", "Related stories"):
        assert boilerplate not in p.text
    assert p.title == "Benchmark lab finds Qwen3 outperforms Llama 4 on math"
    assert p.author == "Priya Raman"
    assert p.date == "2026-09-05T07:15:00Z"
    assert p.language == "en"
    assert not p.is_amp and not p.is_syndicated


def test_amp_copy_points_to_canonical():
    p = clean_html(
        page("daily-ledger/amp/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html"),
        "http://127.0.0.1:9/daily-ledger/amp/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
    )
    assert p.is_article and p.is_amp
    assert p.canonical_url == (
        "http://127.0.0.1:9/daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html"
    )


def test_syndicated_copy_is_flagged_and_hashes_like_the_original():
    orig = clean_html(page("northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"))
    copy = clean_html(page("partner-wire/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html"))
    assert copy.is_syndicated and not orig.is_syndicated
    assert content_hash(copy.text) == content_hash(orig.text)


def test_non_articles_are_recognised():
    assert clean_html(page("orbit-tech/missing-story.html")).reason == "soft_404"
    assert clean_html(page("orbit-tech/tag/ai.html")).reason == "index_page"
    consent = (
        b"<html><head><title>Before you continue</title></head><body><div class='consent'><h1>Before you "
        b"continue</h1><p>We and our partners use cookies and data to deliver services and measure audiences. "
        b"Select Accept all to agree or Reject all to decline.</p><button>Accept all</button></div></body></html>"
    )
    assert clean_html(consent).reason == "consent_wall"
    assert clean_html(b"").reason == "empty_body"
    assert clean_html(b"   \n").reason == "empty_body"
    assert clean_html(bytes(range(256)) * 8).reason == "not_html"
    assert clean_html(b"<html>%PDF</html>", content_type="application/pdf").reason == "not_html"
    short = b"<html><body><article><p>Just one short line of text.</p></article></body></html>"
    assert clean_html(short).reason == "too_short"


def test_windows_1252_without_charset_header_decodes_accents():
    text = (
        "<html><head><title>Caf\u00e9</title></head><body><article><h1>Na\u00efve encodings</h1><p>"
        + "Zhipu AI\u2019s model \u2013 caf\u00e9 prices \u20ac5, r\u00e9sum\u00e9 and fa\u00e7ade. " * 12
        + "</p></article></body></html>"
    )
    body = text.encode("cp1252")
    assert decode_html(body, "text/html") == text
    p = clean_html(body, content_type="text/html")
    assert p.is_article
    assert "caf\u00e9 prices \u20ac5" in p.text and "Zhipu AI\u2019s" in p.text


def test_charset_from_meta_and_header():
    body = "<html><head><meta charset='iso-8859-1'></head><body>\u00e9t\u00e9</body></html>".encode("latin-1")
    assert "\u00e9t\u00e9" in decode_html(body)
    assert "\u00e9t\u00e9" in decode_html("<p>\u00e9t\u00e9</p>".encode("utf-16"), "text/html; charset=utf-16")


def test_cleaning_the_same_story_twice_in_one_process_gives_the_same_text():
    body = page("daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html")
    first = clean_html(body)
    second = clean_html(body)
    assert second.is_article and second.text == first.text


def test_home_pages_listing_headlines_are_index_pages():
    for outlet in ("daily-ledger", "partner-wire", "orbit-tech", "securewire"):
        assert clean_html(page(f"{outlet}/index.html")).reason == "index_page", outlet


def test_pages_that_declare_no_language_are_identified_by_py3langid():
    from extractors.cleaning import detect_language

    de = (
        "Die neue Version von Claude übertrifft GPT-6 bei den meisten Tests deutlich, sagte das Unternehmen am "
        "Montag in Berlin und kündigte weitere Modelle für das kommende Jahr an."
    )
    en = (
        "OpenAI released a new model today that beats every rival on coding benchmarks, the company said, and it "
        "will be available to paying customers from next week onwards."
    )
    assert detect_language(de, None) == "de" and detect_language(en, None) == "en"
    assert detect_language(de, "en-GB") == "en"  # what the page declares wins
    assert detect_language("too short to tell", None) is None
