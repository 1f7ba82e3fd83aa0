"""Find firms and models that are not in the gazetteer, per article, from how the text introduces them.

"360 Security Technology released a new vulnerability detection tool called Tulongfeng" makes
"Tulongfeng" a model of 360 Security Technology for the rest of that article; "AI startup Foo"
makes "Foo" a firm; "Chinese developer Zhipu AI, also known as Z.ai" makes "Z.ai" another name of
Zhipu AI. Vocabulary lives in ``extractors/data/discovery.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.vocab import load_data

# A capitalised name of up to three words, matched case-sensitively even inside IGNORECASE patterns.
NAME = r"[\"“‘']?(?-i:(?P<name>[A-Z][\w.&]*(?:-[\w.]+)*(?:\s(?:[A-Z0-9][\w.&]*(?:-[\w.]+)*|AI|Labs?)){0,2}))"


NAME_SUFFIXES = frozenset({"AI", "Labs", "Lab"})  # "Kestrel AI", "Nimbus Labs": part of the name at its end


@dataclass(frozen=True)
class Discovered:
    """A name found in an article: a firm (``firm`` is its canonical name) or a model (``firm`` owns it)."""

    name: str
    label: str  # FIRM | MODEL
    firm: str | None


@lru_cache(maxsize=1)
def _patterns() -> tuple[
    re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]
]:
    d = load_data("discovery.yaml")
    naming = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in d["naming_words"])
    nouns = "|".join(map(re.escape, d["product_nouns"]))
    firms = "|".join(map(re.escape, d["firm_descriptors"]))
    named = re.compile(
        rf"\b(?P<noun>{nouns})?\b[\s,]*(?:(?:also|now|internally)\s+)?(?:{naming})\s+{NAME}", re.IGNORECASE
    )
    possessive = re.compile(
        rf"(?P<owner>\b[A-Z][\w.&]*(?:\s[A-Z][\w.&]*){{0,2}})(?:'s|’s)\s+(?:(?:new|latest|flagship|own|upcoming)\s+)?"
        rf"(?:[a-z-]+\s+){{0,3}}(?:{nouns})\s*,?\s+{NAME}"
    )
    descriptor = re.compile(rf"\b(?:{firms})\s+{NAME}", re.IGNORECASE)
    verbs = "|".join(map(re.escape, d["intro_verbs"]))
    intro = re.compile(rf"(?-i:(?P<name>[A-Z][\w.&]*(?:\s[A-Z][\w.&]*){{0,2}}))\s+(?:has\s+|have\s+)?(?:{verbs})\b")
    pronoun = re.compile(
        rf"\b(?:its|their)\s+(?:(?:new|latest|flagship|own|upcoming)\s+)?(?:[a-z-]+\s+){{0,3}}(?:{nouns})\s*,?\s+{NAME}"
    )
    return named, possessive, descriptor, pronoun, intro, frozenset(d["not_names"])


def _clean_name(name: str, stop: frozenset[str]) -> str | None:
    name = name.strip(" .,;:\"'”’")
    words = name.split()
    while len(words) > 1 and words[-1] in stop and words[-1] not in NAME_SUFFIXES:
        words.pop()
    if not words or words[0] in stop or not words[0][0].isupper():
        return None
    return " ".join(words)


def _firm_before(doc: Doc, char: int) -> str | None:
    firms = [e for e in doc.ents if e.label_ == "FIRM" and e.end_char <= char]
    return firms[-1].kb_id_ if firms else None


def _known(doc: Doc, start: int, end: int) -> Span | None:
    for e in doc.ents:
        if e.start_char <= start and end <= e.end_char and e.label_ in ("FIRM", "MODEL"):
            return e
    return None


def discover(nlp: Language, sentences: list[str], known: dict[str, Discovered] | None = None) -> dict[str, Discovered]:
    """Names introduced in these sentences (in article order), keyed by name.

    ``known`` holds names discovered earlier (other articles); they are recognised but not returned.
    Only sentences that match an introduction pattern are parsed.
    """
    named, possessive, descriptor, pronoun, intro, stop = _patterns()
    patterns = (named, possessive, descriptor, pronoun)
    known = known or {}
    found: dict[str, Discovered] = {}

    def fresh(doc: Doc, m: re.Match[str]) -> str | None:
        name = _clean_name(m.group("name"), stop)
        if not name or name in found or name in known:
            return None
        span = _known(doc, m.start("name"), m.start("name") + len(name))
        # a gazetteer entity is not rediscovered; a model found only by its shape (no owner) may be linked
        return name if span is None or (span.label_ == "MODEL" and not span.kb_id_) else None

    for i, sent in enumerate(sentences):
        if not any(p.search(sent) for p in patterns):
            continue
        doc = add_discovered(nlp(sent), {**known, **found})
        if named.search(sent) and not any(e.label_ == "FIRM" for e in doc.ents):
            # "Orion Robotics launched a tool called Starling": the launcher is a firm
            for m in intro.finditer(sent):
                if name := fresh(doc, m):
                    found[name] = Discovered(name, "FIRM", name)
                    doc = add_discovered(doc, found)
        for m in named.finditer(sent):
            if name := fresh(doc, m):
                before = sent[: m.start()].rstrip(" ,")
                prev = [e for e in doc.ents if e.end_char == len(before)]
                if prev and prev[-1].label_ == "FIRM" and not m.group("noun"):
                    found[name] = Discovered(name, "FIRM", prev[-1].kb_id_)  # "Zhipu AI, also known as Z.ai"
                elif m.group("noun"):
                    found[name] = Discovered(name, "MODEL", _firm_before(doc, m.start()))
        for m in possessive.finditer(sent):
            if name := fresh(doc, m):
                owner = _known(doc, m.start("owner"), m.end("owner"))
                owner_name = owner.kb_id_ if owner is not None and owner.label_ == "FIRM" else None
                if owner_name is None and (owner_name := _clean_name(m.group("owner"), stop)):
                    found.setdefault(owner_name, Discovered(owner_name, "FIRM", owner_name))
                found[name] = Discovered(name, "MODEL", owner_name)
        for m in descriptor.finditer(sent):
            if name := fresh(doc, m):
                found[name] = Discovered(name, "FIRM", name)
        for m in pronoun.finditer(sent):
            if name := fresh(doc, m):
                doc = add_discovered(doc, found)
                owner_name = _firm_before(doc, m.start())
                if owner_name is None and i > 0:
                    prev_doc = add_discovered(nlp(sentences[i - 1]), {**known, **found})
                    owner_name = _firm_before(prev_doc, len(prev_doc.text))
                found[name] = Discovered(name, "MODEL", owner_name)
    return found


def add_discovered(doc: Doc, found: dict[str, Discovered]) -> Doc:
    """Add discovered names to ``doc.ents`` where they do not overlap a gazetteer entity."""
    if not found:
        return doc
    text = doc.text
    new: list[Span] = []
    for d in found.values():
        for m in re.finditer(rf"(?<![\w-]){re.escape(d.name)}(?![\w-])", text):
            span = doc.char_span(m.start(), m.end(), label=d.label, kb_id=d.firm or "", alignment_mode="strict")
            if span is not None:
                new.append(span)
    if not new:
        return doc
    # a discovered name wins over the same tokens matched only by shape (a model with no owner)
    taken = {(s.start, s.end) for s in new}
    old = [e for e in doc.ents if not ((e.start, e.end) in taken and e.label_ == "MODEL" and not e.kb_id_)]
    doc.ents = filter_spans(new + old)
    return doc
