"""Chinese names and sentences.

Chinese names and sentences: the ``claimwatch_gazetteer_zh`` spaCy component (firms and models by their Chinese
and English names, by character offsets), the :class:`ZhMention` side, and the Chinese sentence splitter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.nlp import blank_pipeline
from extractors.vocab import load_data

_SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’\"']?|\n+")
_ASCII_EDGE_L = r"(?<![A-Za-z0-9])"
_ASCII_EDGE_R = r"(?![A-Za-z0-9])"
# a version after a name: "4.0", "V4.0", "2.0 Pro", "T1", "K2", "k1.5", "3.5-Turbo"
_VERSION = r"(?:[\s-]?(?:[Vv]?\d+(?:\.\d+)*[A-Za-z]{0,2}|[A-Za-z]\d+(?:\.\d+)*))"


@dataclass(frozen=True)
class NameInfo:
    """What a matched name stands for: a firm, or a model of a firm."""

    label: str  # FIRM | MODEL
    org: str
    family: str | None = None


class ChineseGazetteer:
    """Firms and models in Chinese text, by character offsets (Chinese and English names)."""

    def __init__(self) -> None:
        firms = load_data("firms.yaml")["firms"]
        models = load_data("models.yaml")
        self.evaluators = {f["name"] for f in firms if f.get("kind") == "evaluator"}
        names: dict[str, NameInfo] = {}
        for f in firms:
            for alias in [f["name"], *f.get("aliases", []), *f.get("zh", [])]:
                names.setdefault(str(alias), NameInfo("FIRM", f["name"]))
        self.names = names
        tiers = "|".join(sorted((re.escape(t) for t in models["tiers"]), key=len, reverse=True))
        tier = rf"(?:[\s-]?(?i:{tiers}){_ASCII_EDGE_R})"
        zh_models = models.get("zh_families", {})
        self.zh_family = {name: (org, fam) for name, (org, fam) in zh_models.items()}
        zh_alt = "|".join(sorted(map(re.escape, zh_models), key=len, reverse=True))
        free = [f for f in models["families"] if not f.get("needs_version") and not f.get("exact")]
        versioned = [f for f in models["families"] if f.get("needs_version")]
        exact = [f for f in models["families"] if f.get("exact")]
        self.family_org = {str(f["family"]): f["firm"] for f in models["families"]}

        def alt(fams: list[dict[str, Any]]) -> str:
            return "|".join(sorted((re.escape(str(f["family"])) for f in fams), key=len, reverse=True))

        model_res = [
            rf"(?P<zh>{zh_alt})(?:大模型|模型)?{_VERSION}?{tier}*",
            rf"{_ASCII_EDGE_L}(?P<free>{alt(free)})(?:{_VERSION}|{tier})*{_ASCII_EDGE_R}",
            rf"{_ASCII_EDGE_L}(?P<versioned>{alt(versioned)})(?:{tier}*{_VERSION}|-(?i:{tiers}))(?:{_VERSION}|{tier})*"
            rf"{_ASCII_EDGE_R}",
            rf"{_ASCII_EDGE_L}(?P<exact>{alt(exact)})(?:-(?i:{tiers}))*{_ASCII_EDGE_R}",
        ]
        self.model_re = re.compile("|".join(f"(?:{r})" for r in model_res))
        firm_alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        self.firm_re = re.compile(rf"(?:{firm_alt})")

    def find(self, text: str) -> list[tuple[int, int, NameInfo]]:
        """(start, end, info) of the longest non-overlapping names in ``text``."""
        found: list[tuple[int, int, NameInfo]] = []
        for m in self.model_re.finditer(text):
            name = m.group(0).strip()
            if m.group("zh"):
                org, fam = self.zh_family[m.group("zh")]
                found.append((m.start(), m.start() + len(name), NameInfo("MODEL", org, fam)))
            else:
                head = m.group("free") or m.group("versioned") or m.group("exact")
                found.append((m.start(), m.start() + len(name), NameInfo("MODEL", self.family_org[head], head)))
        for m in self.firm_re.finditer(text):
            alias = m.group(0)
            if alias.isascii() and (
                (m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalnum())
                or (m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalnum())
            ):
                continue  # an English alias inside a longer ASCII word
            found.append((m.start(), m.end(), self.names[alias]))
        found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        out: list[tuple[int, int, NameInfo]] = []
        end = -1
        for start, stop, info in found:
            if start >= end:
                out.append((start, stop, info))
                end = stop
        return out


@Language.factory("claimwatch_gazetteer_zh")
class ChineseGazetteerComponent:
    """spaCy component: sets ``doc.ents`` (FIRM / MODEL, ``kb_id_`` = owning firm) on a Chinese doc."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.gazetteer: ChineseGazetteer | None = None

    def initialize(self, get_examples: Any = None, nlp: Language | None = None) -> None:
        """Build the name patterns from the data files."""
        self.gazetteer = ChineseGazetteer()

    def __call__(self, doc: Doc) -> Doc:
        """Mark every firm and model name."""
        if self.gazetteer is None:
            self.initialize()
        assert self.gazetteer is not None
        spans = []
        for start, end, info in self.gazetteer.find(doc.text):
            span = doc.char_span(start, end, label=info.label, kb_id=info.org, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        return doc


def build_nlp_zh() -> Language:
    """``spacy.blank("zh")`` (character segmenter) with the Chinese gazetteer component."""
    return blank_pipeline("zh", "claimwatch_gazetteer_zh")


@dataclass
class ZhMention:
    """A side of a Chinese claim, by character offsets in its sentence."""

    text: str
    org: str
    model: str | None
    start: int
    end: int


def split_sentences_zh(text: str) -> list[tuple[int, int]]:
    """Character spans of Chinese sentences: after 。！？!? (and a closing quote) and at line ends."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans
