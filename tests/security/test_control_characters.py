"""A control character in a page never hides its article (issue 25 row 3).

Before: one ESC, BEL, BS, VT or FF anywhere in a paragraph made lxml drop the parsed tree handed to trafilatura,
and the page was judged ``too_short`` with no text: a silent loss, and a way for a page to hide from the pipeline.
"""

from __future__ import annotations

import pytest

from extractors.cleaning import clean_html

PARAGRAPH = "Moonshot AI said on Tuesday that its new model, Kimi K3, outperforms GPT-6 on agentic coding tests. " * 6


def page(control: str) -> bytes:
    body = f"<p>{PARAGRAPH}</p><p>A second paragraph{control} follows. {PARAGRAPH}</p>"
    head = "<html><head><title>Kimi K3</title></head>"
    return f"{head}<body><article><h1>Kimi K3</h1>{body}</article></body></html>".encode()


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\x08", "\x0b", "\x0c", "\x7f"])  # NUL: a binary page
def test_a_control_character_keeps_the_article_and_its_text(control):
    clean = clean_html(page(""), "https://news.example/a.html")
    dirty = clean_html(page(control), "https://news.example/a.html")
    assert (dirty.is_article, dirty.reason) == (True, "article")
    assert "second paragraph" in dirty.text and control not in dirty.text
    assert abs(len(dirty.text) - len(clean.text)) <= 2
