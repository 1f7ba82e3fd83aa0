"""Find firms and models that are not in the gazetteer, per article, from how the text introduces them.

"360 Security Technology released a new vulnerability detection tool called Tulongfeng" makes
"Tulongfeng" a model of 360 Security Technology for the rest of that article; "AI startup Foo"
makes "Foo" a firm; "Chinese developer Zhipu AI, also known as Z.ai" makes "Z.ai" another name of
Zhipu AI. Vocabulary lives in ``extractors/data/discovery.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.trie_regex import compile_phrases, trie_pattern
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


@dataclass(frozen=True)
class _Patterns:
    gate: re.Pattern[str]  # any keyword of any pattern: sentences without one are skipped
    named: re.Pattern[str]  # "called X"
    noun_before: re.Pattern[str]  # "... tool, " right before "called"
    product: re.Pattern[str]  # "model X"
    owner_before: re.Pattern[str]  # "Foo's new " right before "model X"
    pronoun_before: re.Pattern[str]  # "its new " right before "model X"
    descriptor: re.Pattern[str]  # "startup X"
    intro: re.Pattern[str]  # "X launched"
    stop: frozenset[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    d = load_data("discovery.yaml")
    # every pattern starts at a keyword, so the regex engine rejects most positions at once
    naming = trie_pattern(d["naming_words"])
    nouns = trie_pattern(d["product_nouns"])
    firms = trie_pattern(d["firm_descriptors"])
    verbs = trie_pattern(d["intro_verbs"])
    modifiers = r"(?:(?:new|latest|flagship|own|upcoming)\s+)?(?:[a-z-]+\s+){0,3}"
    return _Patterns(
        gate=compile_phrases([*d["naming_words"], *d["product_nouns"], *d["firm_descriptors"]]),
        named=re.compile(rf"\b(?:{naming})\s+{NAME}", re.IGNORECASE),
        noun_before=re.compile(rf"\b(?:{nouns})\b[\s,]*(?:(?:also|now|internally)\s+)?$", re.IGNORECASE),
        product=re.compile(rf"\b(?:{nouns})\s*,?\s+{NAME}", re.IGNORECASE),
        owner_before=re.compile(rf"(?P<owner>\b[A-Z][\w.&]*(?:\s[A-Z][\w.&]*){{0,2}})(?:'s|’s)\s+{modifiers}$"),
        pronoun_before=re.compile(rf"\b(?:its|their)\s+{modifiers}$"),
        descriptor=re.compile(rf"\b(?:{firms})\s+{NAME}", re.IGNORECASE),
        intro=re.compile(rf"(?-i:(?P<name>[A-Z][\w.&]*(?:\s[A-Z][\w.&]*){{0,2}}))\s+(?:has\s+|have\s+)?(?:{verbs})\b"),
        stop=frozenset(d["not_names"]),
    )


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


def discover(
    nlp: Language | Callable[[str], Doc], sentences: list[str], known: dict[str, Discovered] | None = None
) -> dict[str, Discovered]:
    """Names introduced in these sentences (in article order), keyed by name.

    ``known`` holds names discovered earlier (other articles); they are recognised but not returned.
    Only sentences where an introduction pattern matches are parsed.
    """
    reading = _Discovery(nlp, sentences, known or {})
    for i in range(len(sentences)):
        reading.read(i)
    return reading.found


class _Discovery:
    """One article's sentences read in order; ``found`` grows as names are introduced."""

    def __init__(self, nlp: Language | Callable[[str], Doc], sentences: list[str], known: dict[str, Discovered]):
        self.p = _patterns()
        self.nlp = nlp
        self.sentences = sentences
        self.known = known
        self.found: dict[str, Discovered] = {}

    def fresh(self, doc: Doc, m: re.Match[str]) -> str | None:
        """The name ``m`` introduces, unless already known, found, or a gazetteer entity."""
        name = _clean_name(m.group("name"), self.p.stop)
        if not name or name in self.found or name in self.known:
            return None
        span = _known(doc, m.start("name"), m.start("name") + len(name))
        # a gazetteer entity is not rediscovered; a model found only by its shape (no owner) may be linked
        return name if span is None or (span.label_ == "MODEL" and not span.kb_id_) else None

    def read(self, i: int) -> None:
        """Add the names sentence ``i`` introduces: firms first, then named models, then products."""
        p, sent, found = self.p, self.sentences[i], self.found
        if not p.gate.search(sent):
            return
        named = list(p.named.finditer(sent))
        products = list(p.product.finditer(sent))
        descriptors = list(p.descriptor.finditer(sent))
        if not (named or products or descriptors):
            return
        doc = add_discovered(self.nlp(sent), {**self.known, **found})
        if named and not any(e.label_ == "FIRM" for e in doc.ents):
            # "Orion Robotics launched a tool called Starling": the launcher is a firm
            for m in p.intro.finditer(sent):
                if name := self.fresh(doc, m):
                    found[name] = Discovered(name, "FIRM", name)
                    doc = add_discovered(doc, found)
        for m in descriptors:
            if name := self.fresh(doc, m):
                found[name] = Discovered(name, "FIRM", name)
                doc = add_discovered(doc, found)
        for m in named:
            if name := self.fresh(doc, m):
                before = re.sub(r"[\s,]*(?:\b(?:also|now|internally|formerly)\s*)?$", "", sent[: m.start()])
                prev = [e for e in doc.ents if e.end_char == len(before)]
                has_noun = p.noun_before.search(sent[max(0, m.start() - 60) : m.start()])
                if prev and prev[-1].label_ == "FIRM" and not has_noun:
                    found[name] = Discovered(name, "FIRM", prev[-1].kb_id_)  # "Zhipu AI, also known as Z.ai"
                elif has_noun:
                    found[name] = Discovered(name, "MODEL", _firm_before(doc, m.start()))
        for m in products:
            doc = self._product(i, doc, m)

    def _product(self, i: int, doc: Doc, m: re.Match[str]) -> Doc:
        """A product name: its owner named just before it ("X's new model Y") or by a pronoun ("its model Y").

        Returns the sentence's doc, with what was found so far marked when the owner was looked up in it.
        """
        p, sent, found = self.p, self.sentences[i], self.found
        if not (name := self.fresh(doc, m)):
            return doc
        head = sent[max(0, m.start() - 80) : m.start()]
        if owner_m := p.owner_before.search(head):
            at = m.start() - len(head) + owner_m.start("owner")
            owner = _known(doc, at, at + len(owner_m.group("owner")))
            owner_name = owner.kb_id_ if owner is not None and owner.label_ == "FIRM" else None
            if owner_name is None and (owner_name := _clean_name(owner_m.group("owner"), p.stop)):
                found.setdefault(owner_name, Discovered(owner_name, "FIRM", owner_name))
            found[name] = Discovered(name, "MODEL", owner_name)
        elif p.pronoun_before.search(head):
            doc = add_discovered(doc, found)
            owner_name = _firm_before(doc, m.start())
            if owner_name is None and i > 0:
                prev_doc = add_discovered(self.nlp(self.sentences[i - 1]), {**self.known, **found})
                owner_name = _firm_before(prev_doc, len(prev_doc.text))
            found[name] = Discovered(name, "MODEL", owner_name)
        return doc


@lru_cache(maxsize=512)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all of ``names`` as whole words (an article reuses the same set for every sentence)."""
    body = trie_pattern(names).replace(r"\s+", " ")  # names match as written, spaces included
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


def add_discovered(doc: Doc, found: dict[str, Discovered]) -> Doc:
    """Add discovered names to ``doc.ents`` where they do not overlap a gazetteer entity."""
    if not found:
        return doc
    text = doc.text
    new: list[Span] = []
    for m in _names_pattern(tuple(sorted(found))).finditer(text):
        d = found[m.group(0)]
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
