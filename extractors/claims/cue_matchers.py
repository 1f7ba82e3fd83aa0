"""The spaCy matchers and regex pre-filters built from relations.yaml's cue phrases, once per process.

Cue phrases come as listed, or built from word lists: comparatives ("better than", "more capable than"),
ordinals ("second after"), equatives ("as fast as"), "parity or surpass" pairs, gapped comparatives ("better
results than", "an edge in coding over"), multiples ("twice the speed of", "half the cost of") and head-to-head
phrases. The pre-filters are trie-shaped regexes that spare spaCy every sentence that holds no cue.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from extractors.claims.lexicon import LEXICON
from extractors.trie_regex import compile_phrases, trie_pattern


def cue_phrases(rel: dict[str, Any]) -> dict[str, list[str]]:
    """Cue phrases per relation: the listed ones plus those built from the comparative and equative word lists."""
    out = {relation: list(phrases) for relation, phrases in rel["relations"].items()}
    comp = rel.get("comparatives", {})
    out["surpass"] += [f"{w} than" for w in comp.get("surpass", [])]
    out["surpass"] += [f"more {w} than" for w in comp.get("more_surpass", [])]
    out["trail"] += [f"{w} than" for w in comp.get("trail", [])]
    out["trail"] += [f"more {w} than" for w in comp.get("more_trail", [])]
    out["trail"] += [f"less {w} than" for w in comp.get("less_trail", [])]
    for o in rel.get("ordinals", []):
        for w in rel.get("ranking_after", []):
            out["trail"] += [f"{o} {w}", f"{o}, {w}", f"{o} place {w}", f"{o} place, {w}"]
    pos = rel.get("parity_or_surpass", {})
    out["parity"] += [f"{p} or {s}" for p in pos.get("parity", []) for s in pos.get("surpass", [])]
    out["parity"] += [f"{p} or even {s}" for p in pos.get("parity", []) for s in pos.get("surpass", [])]
    listed = {p.lower() for phrases in out.values() for p in phrases}
    out["parity"] += [f"as {w} as" for w in rel.get("equatives", []) if f"as {w} as" not in listed]
    return out


class CueMatchers:
    """Every cue matcher of the English rules and the cheap regexes that say where one may match."""

    def __init__(self, nlp: Language, rel: dict[str, Any]) -> None:
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.gapped_matcher = Matcher(nlp.vocab)  # "better results than": a comparative, up to 3 words, "than"
        self.compared_matcher = Matcher(nlp.vocab)
        self.gapped_prefilter: re.Pattern[str] | None = None
        if rel.get("gapped_comparatives"):
            self._add_gapped(rel)
        self._add_multiple_of(nlp, rel)
        self._add_phrases(nlp, rel)

    def _add_gapped(self, rel: dict[str, Any]) -> None:
        """The gapped comparatives ("better results than", "an edge in coding over") and their pre-filters."""
        comp = rel.get("comparatives", {})
        # trie-shaped alternations: a plain "a|b|c" is tried word by word at every position of every article
        words = trie_pattern(sorted({*comp.get("surpass", []), *comp.get("trail", [])}))
        leads = trie_pattern(sorted(set(rel.get("lead_nouns", [])))) or "(?!)"
        gapped = rf"\b(?:(?:{words})(?:\W+\w+){{1,3}}?\W+than|(?:{leads})(?:\W+\w+){{1,3}}?\W+over)\b"
        self.gapped_prefilter = re.compile(gapped)  # run on the lower-cased text
        self.gapped_prefilter_ci = re.compile(gapped, re.IGNORECASE)
        # only tried on text that says "compared to/with" or "relative to" (rare: the regex is not cheap)
        said_words = trie_pattern(
            sorted({*comp.get("surpass", []), *comp.get("trail", []), *rel.get("compared_superlatives", [])})
        )
        self.compared_prefilter = re.compile(
            rf"\b(?:{said_words})(?:\W+\w+){{0,8}}?\W+(?:compared (?:to|with)|relative to)\b", re.IGNORECASE
        )
        superlatives = rel.get("compared_superlatives", [])
        compared = [
            {"LOWER": {"IN": list(LEXICON.compared_words)}},
            {"LOWER": {"IN": list(LEXICON.compared_prepositions)}},
        ]
        for relation, words_of in (("surpass", comp.get("surpass", [])), ("trail", comp.get("trail", []))):
            gap = {"IS_PUNCT": False, "LOWER": {"NOT_IN": list(LEXICON.gap_stops_than)}, "OP": "{1,3}"}
            self.gapped_matcher.add(relation, [[{"LOWER": {"IN": words_of}}, gap, {"LOWER": "than"}]])
            # "a significantly superior potential in maths compared to other models such as X" (its own matcher:
            # the wide gap is costly, and run only on sentences that say "compared" or "relative")
            wide = {"IS_PUNCT": False, "LOWER": {"NOT_IN": list(LEXICON.gap_stops_compared)}, "OP": "{0,8}"}
            said = [*words_of, *superlatives] if relation == "surpass" else words_of
            self.compared_matcher.add(relation, [[{"LOWER": {"IN": said}}, wide, *compared]])
        # "a slight advantage in accuracy over X", "an edge in coding over X"
        gap = {"IS_PUNCT": False, "LOWER": {"NOT_IN": list(LEXICON.gap_stops_over)}, "OP": "{1,3}"}
        lead_nouns = rel.get("lead_nouns", [])
        self.gapped_matcher.add("surpass", [[{"LOWER": {"IN": lead_nouns}}, gap, {"LOWER": "over"}]])

    def _add_multiple_of(self, nlp: Language, rel: dict[str, Any]) -> None:
        """The multiple-of matcher: "twice the speed of X", "three times the throughput of X".

        Tried only on sentences that hold a multiplier before "the" (the substring tests of
        :meth:`may_have_multiple_of`).
        """
        mult = sorted(rel.get("multipliers", []))
        self.multiple_words = tuple(f"{w} the " for w in mult if w.isalpha() and len(w) > 1)  # "twice the"
        self.nx_the = re.compile(r"\dx the ")  # "2x the"
        less = set(rel.get("multiple_of_nouns_less_is_better", []))
        not_nouns = list(LEXICON.multiple_gap_stops)
        noun_gap: dict[str, Any] = {"IS_ALPHA": True, "LOWER": {"NOT_IN": not_nouns}, "OP": "{0,2}"}
        multiple_leads: list[list[dict[str, Any]]] = [
            [{"LOWER": {"IN": mult}}],  # "twice", "3x"
            [{"LOWER": {"REGEX": r"^\d+(?:\.\d+)?x$"}}],  # "2.5x"
            [{"LIKE_NUM": True}, {"LOWER": "times"}],  # "three times", "3 times"
        ]
        self.multiple_of_matcher = Matcher(nlp.vocab)
        fractions = sorted(rel.get("fractions", []))
        self.multiple_words += tuple(f"{w} the " for w in fractions) + tuple(f"{w} of the " for w in fractions)
        fraction_leads: list[list[dict[str, Any]]] = [
            [{"LOWER": {"IN": fractions}}],  # "half the memory of X"
            [{"LOWER": {"IN": fractions}}, {"LOWER": "of"}],  # "a fraction of the cost of X"
        ]
        other_noun: dict[str, Any] = {"IS_ALPHA": True, "LOWER": {"NOT_IN": sorted(less)}}
        less_noun: dict[str, Any] = {"IS_ALPHA": True, "LOWER": {"IN": sorted(less)}}
        # a multiple of a measure leads (of one where less is better, trails); a fraction the other way round
        for leads, more, fewer in ((multiple_leads, "surpass", "trail"), (fraction_leads, "trail", "surpass")):
            for label, noun in ((more, other_noun), (fewer, less_noun)):
                patterns = [[*lead, {"LOWER": "the"}, noun_gap, noun, {"LOWER": "of"}] for lead in leads]
                self.multiple_of_matcher.add(label, patterns)

    def _add_phrases(self, nlp: Language, rel: dict[str, Any]) -> None:
        """Head-to-head phrases and every cue phrase, with the regex pre-filters that spare spaCy most text."""
        h2h = rel.get("head_to_head", {})
        self.h2h_marker = compile_phrases(h2h.get("markers", []) or ["(?!)"])
        self.h2h_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, phrases in h2h.items():  # surpass, parity, neither: the cue phrases of each
            if label != "markers" and phrases:
                self.h2h_matcher.add(label, [nlp.make_doc(p) for p in phrases])
        self.h2h_prefilter = compile_phrases([p for k in ("surpass", "parity") for p in h2h.get(k, [])] or ["(?!)"])
        phrases_all: set[str] = set()
        for relation, phrases in cue_phrases(rel).items():
            self.cue_matcher.add(relation, [nlp.make_doc(p) for p in phrases])
            phrases_all.update(p.lower() for p in phrases)
        # "twice the speed of X" (the multiple-of matcher): its lead words are pre-filter phrases too
        phrases_all.update(f"{w} the" for w in rel.get("multipliers", []) if w != "x")
        phrases_all.update(f"{w} the" for w in rel.get("fractions", []))
        phrases_all.update(f"{w} of the" for w in rel.get("fractions", []))
        # The cheap pre-filter: only sentences containing a whole cue phrase reach spaCy.
        self.prefilter = compile_phrases(phrases_all)
        self.prefilter_lower = compile_phrases(phrases_all, flags=0)

    def positions(self, text: str) -> list[int]:
        """Start offsets of comparison cues in ``text`` (the cheap pre-filter)."""
        lowered = text.lower()
        if len(lowered) == len(text):  # offsets unchanged: scan the lower-cased text, 3x faster than IGNORECASE
            hits = [m.start() for m in self.prefilter_lower.finditer(lowered)]
        else:
            hits = [m.start() for m in self.prefilter.finditer(text)]
        if self.gapped_prefilter is not None and len(lowered) == len(text):
            hits += [m.start() for m in self.gapped_prefilter.finditer(lowered)]
        elif self.gapped_prefilter is not None:
            hits += [m.start() for m in self.gapped_prefilter_ci.finditer(text)]
        if self.gapped_prefilter is not None and ("compared" in lowered or "relative to" in lowered):
            hits += [m.start() for m in self.compared_prefilter.finditer(text)]
        return sorted(hits)

    def may_have_multiple_of(self, lowered: str) -> bool:
        """Cheap substring test before the multiple-of regex ("twice the", "3 times the", "2x the")."""
        if " the " not in lowered:
            return False
        # substring tests: 3x faster than one alternation regex over the article
        return any(w in lowered for w in self.multiple_words) or self.nx_the.search(lowered) is not None
