"""Article text as the English rules read it: sentences, links blanked, tokens lower-cased once.

Every function here is linear in its input (a crawled page is attacker-controlled text).
"""

from __future__ import annotations

import re

from spacy.attrs import LOWER
from spacy.tokens import Doc

from extractors.claims.lexicon import LEXICON

_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
# Markdown links keep their text, bare URLs go: "[GPT-5.4](https://x.ai/gpt-5-api)" must not name "gpt-5" twice.
# Both are blanked with spaces of the same length, so character offsets into the article still hold.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|/)[^)\s]*\)")
_BARE_URL = re.compile(r"\bhttps?://[^\s)\]]+")
MAX_SENTENCE_CHARS = LEXICON.max_sentence_chars


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; no split after a known abbreviation such as "U.S.".

    A sentence longer than :data:`MAX_SENTENCE_CHARS` is read in pieces of at most that length (see
    :func:`bounded_spans`; :func:`sentence_spans` gives the sentences whole).
    """
    return bounded_spans(text, sentence_spans(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of whole sentences, however long (see :func:`split_sentences`).

    Linear in the text: a sentence is sliced once, when it ends (an abbreviation test slices nothing).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    abbreviations = LEXICON.abbreviations
    for m in _SENT_END.finditer(text):
        if m.group(0).strip() == "" and "\n" not in m.group(0) and text.endswith(abbreviations, start, m.start()):
            continue
        if not text[start : m.start()].isspace() and m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def over_limit(spans: list[tuple[int, int]], limit: int | None = None) -> int:
    """How many of ``spans`` are longer than ``limit`` (:data:`MAX_SENTENCE_CHARS`): read in pieces."""
    limit = limit or MAX_SENTENCE_CHARS
    return sum(1 for start, end in spans if end - start > limit)


def bounded_spans(text: str, spans: list[tuple[int, int]], limit: int | None = None) -> list[tuple[int, int]]:
    """``spans`` with each one longer than ``limit`` characters cut at whitespace into pieces of at most ``limit``.

    No prose sentence is that long: a page with no sentence ends (a list, a table, or hostile text) would otherwise
    be one sentence whose cues are each compared with every name in it. Every character is still read.
    """
    limit = limit or MAX_SENTENCE_CHARS
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > limit:
            cut = text.rfind(" ", start + limit // 2, start + limit)
            cut = cut if cut > start else start + limit
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def blank_links(text: str) -> str:
    """``text`` with Markdown link targets and bare URLs replaced by spaces (same length, same offsets)."""
    if "http" not in text and "](/" not in text:
        return text
    text = _MARKDOWN_LINK.sub(lambda m: " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1), text)
    return _BARE_URL.sub(lambda m: " " * len(m.group(0)), text)


def lower_tokens(doc: Doc) -> list[str]:
    """The doc's lower-cased token texts, computed once per doc (a spaCy token costs an object per access)."""
    toks = doc.user_data.get("lower_tokens")
    if toks is None:  # read as an array: a Token object per token costs more than the lookup
        strings = doc.vocab.strings
        toks = doc.user_data["lower_tokens"] = [strings[h] for h in doc.to_array(LOWER).tolist()]
    return toks
