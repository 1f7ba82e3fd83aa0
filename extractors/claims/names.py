"""Which names a sentence holds, and which of them can be a side.

Which names a sentence holds: gazetteer entities merged into :class:`Mention` sides, and the short names an
article introduces for itself ("Spark V3.5 ... Spark", "Reka Core ... Core").

Which of those can be a side of a claim is decided here too: not an evaluator, a backer or a foil.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extractors.claims.lexicon import LEXICON
from extractors.claims.records import Mention
from extractors.claims.text import lower_tokens
from extractors.discovery import Discovered
from extractors.trie_regex import trie_pattern
from extractors.vocab import load_data

_VERSION_AFTER = re.compile(r"[ -]?[vV]?\d")
_VERSION_BEFORE = re.compile(r"\d[ -]$")


@dataclass(frozen=True)
class KnownNames:
    """Names an article reads with: those found in it or before it (``found``), of which ``short`` are short forms."""

    found: dict[str, Discovered]
    short: frozenset[str]

    def in_gazetteer(self, span: Span) -> bool:
        """True for a model from the gazetteer; False for one found by shape or discovered in the text."""
        return bool(span.kb_id_) and (span.text not in self.found or span.text in self.short)


def _owned_model(doc: Doc, firm: Span, model: Span) -> bool:
    """True when ``firm`` and the ``model`` after it are one side: "OpenAI o3", "OpenAI's free GPT 3.5"."""
    gap = doc[firm.end : model.start].text.strip().lower()
    between = list(doc[firm.end : model.start])
    owned = (
        between
        and between[0].lower_ in LEXICON.possessive_markers
        and len(between) <= 4
        and all(t.is_lower or t.text == "-" for t in between[1:])
        and model.kb_id_ == firm.kb_id_
    )
    return gap == "" or gap in LEXICON.possessive_markers or gap == "s'" or bool(owned)


def mentions(doc: Doc, names: KnownNames) -> list[Mention]:
    """Entities merged into mentions: "Anthropic's Claude", "OpenAI o3" become one mention."""
    ents = list(doc.ents)
    out: list[Mention] = []
    i = 0
    while i < len(ents):
        e = ents[i]
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if e.label_ == "FIRM" and nxt is not None and nxt.label_ == "MODEL" and _owned_model(doc, e, nxt):
            known = names.in_gazetteer(nxt)
            out.append(Mention(doc[e.start : nxt.end].text, e.kb_id_, nxt.text, None, e.start, nxt.end, known))
            i += 2
            continue
        if e.label_ == "GROUP" and nxt is not None and nxt.label_ == "FIRM" and group_of_firm(doc, e.end, nxt.start):
            # "top models from Anthropic": the firm's models
            out.append(Mention(doc[e.start : nxt.end].text, nxt.kb_id_, None, None, e.start, nxt.end))
            i += 2
            continue
        if e.label_ == "FIRM":
            out.append(Mention(e.text, e.kb_id_, None, None, e.start, e.end))
        elif e.label_ == "MODEL":
            out.append(Mention(e.text, e.kb_id_ or None, e.text, None, e.start, e.end, names.in_gazetteer(e)))
        else:
            out.append(Mention(e.text, None, None, e.text.lower(), e.start, e.end))
        i += 1
    return out


def group_of_firm(doc: Doc, start: int, end: int) -> bool:
    """True when tokens ``start:end`` join a group to the firm that makes it.

    "top models from Anthropic", "closed systems from companies like Anthropic", "models by labs such as
    OpenAI": from/by/of/at, then optionally a maker noun and like / such as / including.
    """
    words = lower_tokens(doc)[start:end]
    if not words or words[0] not in LEXICON.maker_prepositions:
        return False
    rest = words[1:]
    if rest and (rest[0] in LEXICON.maker_nouns or rest[0] in LEXICON.maker_plurals):
        rest = rest[1:]
    return tuple(rest) in LEXICON.group_links


def foil(doc: Doc, m: Mention) -> bool:
    """A name set against the claim, not a side of it: "Unlike Gemini 3 Pro, Claude beats GPT-6"."""
    return any(t.lower_ in LEXICON.foil_words for t in doc[max(0, m.start - 2) : m.start])


def backer(doc: Doc, m: Mention) -> bool:
    """A firm named only as another's backer or owner: "Microsoft-backed OpenAI", "Alibaba-owned"."""
    nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
    words = LEXICON.backer_words
    return bool(nxt) and (nxt[0] in words or (nxt[0] == "-" and len(nxt) > 1 and nxt[1] in words))


def in_attribution(doc: Doc, m: Mention) -> bool:
    """True for a mention inside "according to ...," or "testing by ... found": a claimant, not a side."""
    toks = lower_tokens(doc)[max(0, m.start - 8) : m.start]
    for k in range(len(toks) - 1, -1, -1):
        if toks[k] in LEXICON.attribution_stops:
            return False
        if toks[k] == "to" and k > 0 and toks[k - 1] == "according":
            return True
        if toks[k] == "by" and k > 0 and toks[k - 1] in LEXICON.third_party_words:
            return True
    return False


def possible_sides(doc: Doc, found: list[Mention]) -> list[Mention]:
    """The mentions that can be a side of a claim: not an evaluator firm, not a backer, not a foil."""
    return [
        m
        for m in found
        if not (m.org in LEXICON.evaluators and not m.model) and not backer(doc, m) and not foil(doc, m)
    ]


class ShortNames:
    """Short names an article gives a model it introduced in full, from models.yaml's families and tiers.

    "Spark V3.5 ... the gap between Spark and GPT-4 Turbo": a family that only counts with a version (a bare
    "Spark" or "Opus" is an ordinary word elsewhere) names that model on its own in an article that has
    introduced it with a version ("Spark V3.5") or as the tier of another model ("Claude 3 Opus"). "Reka Core
    ... Core outperforms X", "Mistral Large 2 ... Large 2 trails X": a model named by its tier.
    """

    def __init__(self) -> None:
        models = load_data("models.yaml")
        firms = load_data("firms.yaml")["firms"]
        firm_names = {str(a) for f in firms for a in [f["name"], *f.get("aliases", [])]}
        self.short_firm = {
            str(f["family"]): f["firm"]
            for f in models["families"]
            if f.get("needs_version") and str(f["family"])[:1].isupper() and str(f["family"]) not in firm_names
        }
        # one trie-shaped alternation, its context checked in Python (two lookbehind alternatives cost 15% of
        # extraction time on news text)
        self.short_names = re.compile(rf"(?<![\w-])({trie_pattern(self.short_firm)})(?![a-z])")
        self.family_firm = {str(f["family"]): f["firm"] for f in models["families"]}
        self.title_tiers = sorted({str(t).capitalize() for t in models["tiers"]})
        self.standalone_tiers = {str(t).capitalize() for t in models.get("standalone_tiers", [])}
        # anchored on the tier (few positions start one), the family before it checked in Python
        tiers = trie_pattern(self.title_tiers)
        self.tier_names = re.compile(rf"(?<=[ -])(?:{tiers})(?:[ -]\d+(?:\.\d+)*)?(?![\w-])")
        self.word_before = re.compile(r"(?<![\w-])([\w.]+)[ -]$")

    def introduced(
        self, text: str, sentences: list[tuple[int, int]], candidates: list[int], discovered: dict[str, Discovered]
    ) -> dict[str, Discovered]:
        """The short names ``text`` uses, beyond ``discovered``: versioned families, and tiers in claim sentences."""
        short = {
            name: Discovered(name, "MODEL", self.short_firm[name])
            for m in self.short_names.finditer(text)
            if (name := m.group(1)) not in discovered and self._introduced_with_version(text, m.start(), m.end())
        }
        if any(self._standalone_tier(text, *sentences[i]) for i in candidates):
            short.update(self._tier_aliases(text, discovered))  # a tier in a claim sentence may stand for a model
        return short

    def _standalone_tier(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` holds a capitalised tier with no family before it ("Core outperforms")."""
        return any(self._family_before(text, m.start()) is None for m in self.tier_names.finditer(text, start, end))

    def _family_before(self, text: str, at: int) -> str | None:
        """The model family named right before offset ``at`` ("Reka" before "Core"), or None."""
        before = self.word_before.search(text, max(0, at - 24), at)
        return before.group(1) if before is not None and before.group(1) in self.family_firm else None

    def _tier_aliases(self, text: str, discovered: dict[str, Discovered]) -> dict[str, Discovered]:
        """Tiers the article uses as names: "Core" after "Reka Core", "Large 2" after "Mistral Large 2".

        Only when the tier (with its version) appears again on its own, and is a standalone tier or carries a
        version; the firm is the family's.
        """
        out: dict[str, Discovered] = {}
        for m in self.tier_names.finditer(text):
            rest, family = m.group(0), self._family_before(text, m.start())
            if family is None:
                continue
            if rest in out or rest in discovered or not (" " in rest or "-" in rest or rest in self.standalone_tiers):
                continue
            if text.count(rest) > 1:
                out[rest] = Discovered(rest, "MODEL", self.family_firm[family])
        return out

    @staticmethod
    def _introduced_with_version(text: str, start: int, end: int) -> bool:
        """True for "Spark V3.5", "Spark-4" (a version follows) or "Claude 3 Opus" (a version precedes)."""
        return bool(_VERSION_AFTER.match(text, end)) or bool(_VERSION_BEFORE.search(text[max(0, start - 2) : start]))
