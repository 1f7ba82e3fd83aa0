"""What every claim of one sentence shares: its domain, whether it reports doubt or hedges, the benchmark it names."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from extractors.claims.lexicon import LEXICON
from extractors.claims.records import SentenceFacts

_NAME_RUN = re.compile(r"[\w.+-]+")  # a run of name characters: "SWE-bench", "ARC-AGI-2", "MMLU-Pro+"
_WORD_CHAR = re.compile(r"\w")


def benchmark_name(text: str) -> str | None:
    """The first benchmark named in ``text`` not written in lower case ("SWE-bench Verified" -> "SWE-bench").

    A name is a run of word characters, dots, hyphens and pluses holding a benchmark word (claimants.yaml); it
    starts at its first word character after the last "+" before that word. Read run by run: linear in the text
    (a backtracking regex took seconds on a run of "-5-5-5...").
    """
    for run in _NAME_RUN.finditer(text):
        word = LEXICON.benchmark_words.search(run.group())
        if word is None:
            continue
        lead = _WORD_CHAR.search(run.group(), run.group().rfind("+", 0, word.start()) + 1)
        name = run.group()[lead.start() if lead is not None else word.start() :]
        if not name.islower():
            return name
    return None


def domain_of(sentence: str) -> str:
    """The first domain of domains.yaml (in file order) the sentence names, else the fallback."""
    low = sentence.lower()
    for name, pattern in LEXICON.domains:
        if pattern.search(low):
            return name
    return LEXICON.domain_fallback


def sentence_facts(doc: Doc) -> SentenceFacts:
    """The sentence's :class:`SentenceFacts`, computed once per doc (a sentence of many cues stays linear)."""
    facts = doc.user_data.get("facts")
    if facts is None:
        text = doc.text
        disputed = bool(LEXICON.disputes.search(text.lower()))
        facts = doc.user_data["facts"] = SentenceFacts(text, domain_of(text), disputed, benchmark_name(text))
    return facts


def hedged(doc: Doc) -> bool:
    """True when the sentence hedges ("claims", "reportedly", "may"): relations.yaml ``hedges``."""
    return any(t.lower_ in LEXICON.hedges for t in doc)
