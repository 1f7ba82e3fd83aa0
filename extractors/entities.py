"""spaCy component that finds firms, models and unnamed groups from the gazetteer data files.

Registered as ``claimwatch_gazetteer``; its patterns are built in :meth:`GazetteerRuler.initialize`
from ``extractors/data/firms.yaml``, ``models.yaml`` and ``groups.yaml``. Entities it sets:

- ``FIRM``: ``ent.kb_id_`` is the canonical firm name.
- ``MODEL``: ``ent.kb_id_`` is the owning firm's canonical name, or "" for a model found only by
  pattern (a capitalised name with a version number) and not in the gazetteer.
- ``GROUP``: an unnamed group such as "a Chinese AI model"; ``kb_id_`` is empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.nlp import blank_pipeline
from extractors.trie_regex import trie_pattern
from extractors.vocab import load_data

_DIGIT = re.compile(r"\d")
VERSION_RE = r"^(?:[A-Za-z]?\d+(?:\.\d+)*[A-Za-z]{0,2}|\d{4}|\d+[xX]\d+[A-Za-z]?)$"  # "8x22B", "8X7B": experts x size
# an unknown model's version: "K2", "2.5", "4.0b"; not "86.1" ("Achieves 86.1" is a score, versions stay small)
UNKNOWN_VERSION_RE = r"^(?:[A-Z]\d+(?:\.\d+)*|\d\.\d+[a-z]?)$"
NOT_MODEL_WORDS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Section",
    "Article",
    "Chapter",
    "Table",
    "Figure",
    "Version",
    "Level",
    "Phase",
    "Round",
    "Series",
    "Windows",
    "Python",
    "Covid",
}


@Language.factory("claimwatch_gazetteer")
class GazetteerRuler:
    """Match firms (phrase patterns), models (token patterns with versions) and groups."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.firm_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.model_matcher = Matcher(nlp.vocab)
        self.firm_of: dict[str, str] = {}
        self.firms: dict[str, dict[str, Any]] = {}
        self.families: dict[str, dict[str, Any]] = {}
        self.initialized = False

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        nlp: Language | None = None,
        firms: dict[str, Any] | None = None,
        models: dict[str, Any] | None = None,
        groups: dict[str, Any] | None = None,
    ) -> None:
        """Build all patterns from the data files (or from the given data, for tests)."""
        firms = firms or load_data("firms.yaml")
        models = models or load_data("models.yaml")
        groups = groups or load_data("groups.yaml")
        tokenizer = spacy.blank("en").tokenizer
        self._add_firms(firms, tokenizer)
        self._add_models(models, tokenizer)
        self._add_groups(groups)
        self.initialized = True

    def _add_firms(self, firms: dict[str, Any], tokenizer: Tokenizer) -> None:
        """One phrase pattern per firm name and alias, keyed so the canonical firm is read back."""
        for firm in firms["firms"]:
            canonical = firm["name"]
            self.firms[canonical] = firm
            for alias in [canonical, *firm.get("aliases", [])]:
                alias = str(alias)
                key = f"FIRM::{canonical}::{alias}"
                self.firm_of[key] = canonical
                self.firm_matcher.add(key, [tokenizer(alias)])

    def _add_models(self, models: dict[str, Any], tokenizer: Tokenizer) -> None:
        """Model families with tiers and versions, split-token families, and unknown "Name-2" style models."""
        tiers = [t.lower() for t in models["tiers"]]
        hy = {"ORTH": "-", "OP": "?"}
        ver = {"TEXT": {"REGEX": VERSION_RE}}
        tier_star = {"LOWER": {"IN": tiers}, "OP": "*"}
        tier_plus = {"LOWER": {"IN": tiers}, "OP": "+"}
        # One head predicate for every family keeps the matcher fast: the family (and so the owning
        # firm) is read back from the head token after matching. "Qwen3" and "GPT-4.1" stay one token.
        for fam in models["families"]:
            self.families[str(fam["family"])] = fam
        # "SOLAR-10.7B", "PANGU ULTRA", "Minimax M2.5": a family in capitals or with one capital is the family
        # (four letters or more: "PHI" or "YI" in capitals are more often acronyms)
        for name, fam in list(self.families.items()):
            for variant in (name.upper(), name.capitalize()):
                if len(name) >= 4 and variant.isalpha() and variant not in self.families:
                    self.families[variant] = fam
        self._tiers = set(tiers)
        names = sorted(self.families, key=len, reverse=True)
        exact = [n for n in names if self.families[n].get("exact")]
        other = [n for n in names if not self.families[n].get("exact")]
        # trie-shaped alternations: ~500 family spellings tried on every token as a plain "a|b|c" cost 10% of
        # claim extraction time
        versioned_head = rf"(?:{trie_pattern(other)})(?:[-.]?\d[\w.-]*)?"  # "Qwen3", "FLUX.1"
        head_re = rf"^(?:{versioned_head}|(?:{trie_pattern(exact)}))$"
        head = {"ORTH": {"REGEX": head_re}}
        self._family_of_head = re.compile(rf"^({trie_pattern(names)})([-.]?\d[\w.-]*)?$")
        self.model_matcher.add(
            "MODEL::family",
            [
                [head],
                [head, tier_plus],
                [head, {"ORTH": "-"}, tier_plus],
                [head, tier_star, hy, ver, tier_star],
                [head, tier_star, hy, ver, hy, ver, tier_star],
                [head, tier_star, hy, ver, hy, ver, hy, ver, tier_star],
                [head, {"ORTH": "-"}, tier_plus, hy, ver, tier_star],  # "DeepSeek-Coder-V2"
            ],
        )
        # Families the tokenizer splits ("Foundation-Sec", "UI-TARS", "SeamlessM4T") match token by token.
        for name in names:
            parts = [{"ORTH": t.text} for t in tokenizer(name)]
            if len(parts) > 1:
                self.model_matcher.add(
                    f"MODEL::multi::{name}", [parts, [*parts, tier_plus], [*parts, tier_star, hy, ver, tier_star]]
                )
        self._version_re = re.compile(VERSION_RE)
        self.model_matcher.add(
            "MODEL::::",
            [
                [
                    {"IS_TITLE": True, "ORTH": {"NOT_IN": sorted(NOT_MODEL_WORDS)}, "IS_SENT_START": False},
                    hy,
                    {"TEXT": {"REGEX": UNKNOWN_VERSION_RE}},
                ],
                [{"ORTH": {"REGEX": r"^[A-Z][a-z]+[A-Z]?[a-z]*-\d+(?:\.\d+)*[a-z]?$"}, "IS_SENT_START": False}],
            ],
        )

    def _add_groups(self, groups: dict[str, Any]) -> None:
        """Unnamed groups ("a Chinese AI model", "several US labs"): in the model matcher, one pass a sentence."""
        places = [p.lower() for p in groups["places"]]
        heads = [h.lower() for h in groups["heads"]]
        self.model_matcher.add(  # one token matcher for models and groups: one pass over each sentence
            "GROUP",
            [
                [
                    {"LOWER": {"IN": ["a", "an", "the", "some", "several", "two", "three", "other"]}, "OP": "?"},
                    {"LOWER": {"IN": places}, "OP": "+"},
                    {
                        "LOWER": {
                            "IN": ["ai", "artificial", "intelligence", "language", "large", "security", "cybersecurity"]
                        },
                        "OP": "*",
                    },
                    {"LOWER": {"IN": heads}},
                ]
            ],
        )

    @staticmethod
    def _whole_word_end(doc: Doc, end: int) -> int:
        """Extend a model match to the end of its hyphenated word: "DeepSeek-R1-Distill-Qwen-7B" is one name.

        A part joins when nothing separates it and it is a hyphen or carries a digit or a capital ("Distill",
        "Qwen-7B", "0528"); a lower-case part ends the name ("GPT-4-class", "Qwen-based" describe a model).
        """
        while end < len(doc) and not doc[end - 1].whitespace_:
            nxt = doc[end]
            if nxt.text == "-" and end + 1 < len(doc) and not nxt.whitespace_:
                after = doc[end + 1].text
                if not (after[:1].isupper() or any(c.isdigit() for c in after)):
                    break
                end += 1
                continue
            text = nxt.text
            if not re.fullmatch(r"[\w.+-]+", text) or not (text[:1].isupper() or any(c.isdigit() for c in text)):
                break
            if doc[end - 1].text != "-" and not text[:1].isdigit() and not doc[end - 1].text[-1:].isdigit():
                break  # "Qwen3Coder"-like run-ons only after a hyphen or a digit
            end += 1
        return end

    def _versioned(self, rest: Span) -> bool:
        """True when the tokens after a family head name one model of it.

        A version ("GPT-5", "Yi 1.5"), a part carrying a digit ("GPT-OSS-20B"), or a tier written as a name
        ("Nova Pro", "Yi-Large", "Solar Mini"; "the nova pro tier" in lower case does not count).
        """
        for t in rest:
            text = t.text
            if _DIGIT.search(text) or (text[:1].isupper() and t.lower_ in self._tiers) or self._version_re.match(text):
                return True
        return False

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` to the longest non-overlapping firm, model and group mentions."""
        if not self.initialized:
            self.initialize()
        spans: list[Span] = []
        strings = self.vocab.strings
        firm_before: dict[int, str] = {}  # token index after a firm name -> that firm ("Snowflake Arctic")
        for match_id, start, end in self.firm_matcher(doc):
            spans.append(Span(doc, start, end, label="FIRM", kb_id=self.firm_of[strings[match_id]]))
            firm_before[end] = self.firm_of[strings[match_id]]
        for match_id, start, end in self.model_matcher(doc):
            while end - start > 1 and doc[end - 1].text == "-":
                end -= 1
            key = strings[match_id]
            if key == "GROUP":
                spans.append(Span(doc, start, end, label="GROUP"))
                continue
            if key == "MODEL::family" or key.startswith("MODEL::multi::"):
                if key == "MODEL::family":
                    m = self._family_of_head.match(doc[start].text)
                    if m is None:
                        continue
                    fam, head_version = self.families[m.group(1)], bool(m.group(2))
                else:
                    fam, head_version = self.families[key.removeprefix("MODEL::multi::")], False
                if fam.get("needs_version") and not head_version and doc[end - 1].whitespace_ and end - start == 1:
                    if firm_before.get(start) != fam["firm"]:
                        continue  # a bare "Arctic" or "Command" is a word; "Snowflake Arctic" names the model
                end = self._whole_word_end(doc, end)
                named = head_version or self._versioned(doc[start + 1 : end]) or firm_before.get(start) == fam["firm"]
                if fam.get("needs_version") and not named:
                    continue
                spans.append(Span(doc, start, end, label="MODEL", kb_id=fam["firm"]))
            else:
                spans.append(Span(doc, start, end, label="MODEL", kb_id=""))
        # Prefer gazetteer models over the generic pattern when both cover the same tokens.
        spans.sort(key=lambda s: s.label_ == "MODEL" and not s.kb_id_)
        doc.ents = filter_spans(spans)
        return doc


def build_nlp() -> Language:
    """A blank English pipeline with the gazetteer ruler, initialised from the data files."""
    return blank_pipeline("en", "claimwatch_gazetteer")
