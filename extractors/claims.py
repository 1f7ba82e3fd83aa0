"""Find comparative capability claims in article text with rules on a blank spaCy pipeline.

Flow per article: split into sentences (a fast regex splitter that knows common abbreviations),
keep only sentences containing a comparison cue (a cheap pre-filter), run the spaCy pipeline with
the gazetteer ruler on those, then for each cue pick the nearest mention before it as subject and
after it as object (swapped for the passive "was outperformed by"), expand coordinated lists,
resolve "its/their ..." and "the company" to earlier firms, and mark negation, hedging, claimant
and domain.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.claims_zh import ZhMention, chinese_rules, split_sentences_zh
from extractors.discovery import Discovered, add_discovered, discover
from extractors.entities import build_nlp
from extractors.language import is_chinese
from extractors.text_normalization import normalize_text
from extractors.trie_regex import compile_phrases, trie_pattern
from extractors.vocab import load_data
from warehouse.records import ClaimStatement

ABBREVIATIONS = (
    "U.S.",
    "U.K.",
    "U.N.",
    "E.U.",
    "Inc.",
    "Corp.",
    "Co.",
    "Ltd.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "St.",
    "vs.",
    "e.g.",
    "i.e.",
    "Jr.",
    "Sr.",
    "No.",
    "Gov.",
    "Sen.",
    "Rep.",
    "approx.",
)
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_CLAIMANTS = load_data("claimants.yaml")
_LIMITS = load_data("relations.yaml")["limits"]
MAX_SENTENCE_CHARS = int(_LIMITS["max_sentence_chars"])
MAX_CUES_PER_SENTENCE = int(_LIMITS["max_cues_per_sentence"])
SPEECH_VERBS = frozenset(_CLAIMANTS["speech_verbs"])
ROLE_WORDS = frozenset(_CLAIMANTS["role_words"])
WEAK_THIRD_PARTY_WORDS = frozenset(_CLAIMANTS["weak_third_party_words"])
AUTHOR_CUES = re.compile("|".join(_CLAIMANTS["author_cues"]), re.IGNORECASE)
BENCHMARK_WORDS = re.compile(_CLAIMANTS["benchmark_words"])
_NAME_RUN = re.compile(r"[\w.+-]+")  # a run of name characters: "SWE-bench", "ARC-AGI-2", "MMLU-Pro+"
_WORD_CHAR = re.compile(r"\w")
THIRD_PARTY_WORDS = frozenset(_CLAIMANTS["third_party_words"])
COMPANY_REFS = frozenset(_CLAIMANTS["company_refs"])
MODEL_REFS = frozenset(_CLAIMANTS["model_refs"])
POSSESSIVE_PRONOUNS = {"its", "their"}
SUBJECT_PRONOUNS = {"it", "they"}
CONJUNCTIONS = {"and", "or", "&", "plus", "well", "nor"}
CONTRAST = {"but", "and", "yet", "while", "whereas", "although", "though"}
BACKER_WORDS = {"backed", "owned", "funded", "supported", "based", "affiliated", "led"}
ADVERBS_BEFORE_CUE = {"also", "now", "still", "reportedly", "even", "already", "clearly", "significantly", "far"}
DETERMINERS = {"the", "a", "an", "this", "its", "their", "our", "his", "her"}
MAKER_NOUNS = {
    "company",
    "firm",
    "startup",
    "start-up",
    "team",
    "lab",
    "people",
    "developer",
    "developers",
    "model",
    "models",
    "engine",
    "technology",
    "tech",
    "force",
    "minds",
    "brains",
    "group",
    "maker",
    "makers",
}
BETWEEN_RELATIONS = {"trail_between": "trail", "parity_between": "parity"}  # "the gap between X and Y": X trails Y
RANK_BETWEEN = "rank_between"  # "sits between X and Y": trails X, ahead of Y
LEFT_OBJECT_RELATIONS = {"parity_left"}  # cues whose compared side stands before them ("GPT-4-class performance")
CLAUSE_BREAKS = {"but", "while", "whereas", "although", "though", "yet", ";"}
PARALLEL_PREPOSITIONS = {"on", "in", "at", "for"}
RELATIVE_FILLERS = {"in", "turn", "itself", "themselves", "then", "too", "easily", "narrowly"}  # "which in turn beat"
HEADING_WORDS = 6  # a line this short with no closing punctuation is a heading ("Meta Llama 4")
BULLETS = "•·‣▪◦*-–—"  # list items start with these
HEADING_REACH = 15  # sentences looked back for the heading of a bullet list
# words that may join two cues set off by commas: "comparable to, but not better than, X"
SHARED_CUE_GLUE = {
    ",",
    "but",
    "and",
    "or",
    "not",
    "yet",
    "if",
    "even",
    "though",
    "still",
    "perhaps",
    "possibly",
}
MODEL_DETERMINERS = {"the", "this", "our", "both", "new", "latest", "flagship", "that"}
LIST_GLUE = {",", "and", "or", "&", "—", "–", "as", "well", "plus", "both", "each", "-", "nor", "neither"}
# "Claude 3 Opus and some flavors of GPT-4": a quantity of a named model's versions is still that model
LIST_GLUE |= {"some", "several", "various", "many", "most", "versions", "variants", "flavors", "flavours", "of"}
SCORE_MARKS = {"%", "~", "≈", "pts", "points", "elo", "/", "+", "-", "–", ".", ",", "x"}
# Markdown links keep their text, bare URLs go: "[GPT-5.4](https://x.ai/gpt-5-api)" must not name "gpt-5" twice.
# Both are blanked with spaces of the same length, so character offsets into the article still hold.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|/)[^)\s]*\)")
_BARE_URL = re.compile(r"\bhttps?://[^\s)\]]+")


@dataclass
class Mention:
    """One side of a claim: a firm and/or model, or an unnamed group."""

    text: str
    org: str | None
    model: str | None
    group: str | None
    start: int  # token index in the sentence doc
    end: int
    in_gazetteer: bool = True
    sentence: int = -1  # index of the sentence in the article, for mentions of earlier sentences


@dataclass
class Claim(ClaimStatement):
    """One extracted claim, in the ``claimwatch extract`` contract shape, with its deduplication key."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)

    @property
    def claim_key(self) -> tuple[Any, ...]:
        """Deduplication key: canonical subject, relation, canonical object, negated (+ models when both named)."""
        both_models = bool(self.subject_model and self.object_model)
        subj = self.subject_org or f"group:{(self.subject_group or self.subject).lower()}"
        obj = self.object_org or f"group:{(self.object_group or self.object).lower()}"
        return (
            subj,
            self.subject_model if both_models else None,
            self.relation,
            obj,
            self.object_model if both_models else None,
            self.negated,
        )

    @property
    def claim_id(self) -> str:
        """Stable id derived from :attr:`claim_key`."""
        return hashlib.sha1(repr(self.claim_key).encode()).hexdigest()[:20]


def _refines(general: Claim, specific: Claim) -> bool:
    """True when ``specific`` states ``general`` with the same firms and more specific models."""
    if (general.subject_org, general.relation, general.object_org, general.negated) != (
        specific.subject_org,
        specific.relation,
        specific.object_org,
        specific.negated,
    ):
        return False
    if general is specific or not (general.subject_org and general.object_org):
        return False
    if not (specific.subject_model and specific.object_model):
        return False
    return all(
        g is None or (s or "").lower().startswith(g.lower()) and len(s or "") > len(g) or g == s
        for g, s in ((general.subject_model, specific.subject_model), (general.object_model, specific.object_model))
    ) and (general.subject_model, general.object_model) != (specific.subject_model, specific.object_model)


class LazyContext:
    """Named mentions of the sentences before a claim sentence, parsed only if a rule asks for them."""

    def __init__(
        self,
        compute: Callable[[], list[Mention]],
        index: int = 0,
        lead: Callable[[], list[Mention]] | None = None,
        section: Callable[[], tuple[int, list[Mention]]] | None = None,
    ) -> None:
        self._compute = compute
        self._mentions: list[Mention] | None = None
        self.index = index  # the claim sentence's index in the article
        self._lead = lead
        self._lead_mentions: list[Mention] | None = None
        self._section = section
        self._section_heading: tuple[int, list[Mention]] | None = None

    @property
    def section(self) -> tuple[int, list[Mention]]:
        """(index, model) of the nearest heading line before the sentence that names one model ("Meta Llama 4")."""
        if self._section_heading is None:
            self._section_heading = self._section() if self._section is not None else (-1, [])
        return self._section_heading

    @property
    def lead(self) -> list[Mention]:
        """The first named model (else firm) of the article's opening sentences: what the article is about."""
        if self._lead_mentions is None:
            self._lead_mentions = self._lead() if self._lead is not None else []
        return self._lead_mentions

    @property
    def mentions(self) -> list[Mention]:
        """The mentions (computed on first use), the nearest sentence last."""
        if self._mentions is None:
            self._mentions = self._compute()
        return self._mentions


@dataclass(frozen=True)
class SentenceFacts:
    """What every claim of one sentence shares: its text, domain, whether it reports doubt, the benchmark it names."""

    text: str
    domain: str
    disputed: bool
    benchmark: str | None


def lower_tokens(doc: Doc) -> list[str]:
    """The doc's lower-cased token texts, computed once per doc (a spaCy token costs an object per access)."""
    toks = doc.user_data.get("lower_tokens")
    if toks is None:  # read as an array: a Token object per token costs more than the lookup
        strings = doc.vocab.strings
        toks = doc.user_data["lower_tokens"] = [strings[h] for h in doc.to_array(LOWER).tolist()]
    return toks


def drop_subsumed(claims: list[Claim]) -> list[Claim]:
    """Drop a claim when the same article states it more specifically.

    "DeepSeek says its model matches OpenAI's o3" (firm level) or a headline's "Gemini trails
    Claude" (family level) next to "Gemini 2.5 Pro trails Claude Opus 4" in one article are one
    claim; the most specific statement is kept.
    """
    return [c for c in claims if not any(_refines(c, other) for other in claims)]


_VERSION_AFTER = re.compile(r"[ -]?[vV]?\d")
_VERSION_BEFORE = re.compile(r"\d[ -]$")


def benchmark_name(text: str) -> str | None:
    """The first benchmark named in ``text`` not written in lower case ("SWE-bench Verified" -> "SWE-bench").

    A name is a run of word characters, dots, hyphens and pluses holding a benchmark word (claimants.yaml); it
    starts at its first word character after the last "+" before that word. Read run by run: linear in the text
    (a backtracking regex took seconds on a run of "-5-5-5...").
    """
    for run in _NAME_RUN.finditer(text):
        word = BENCHMARK_WORDS.search(run.group())
        if word is None:
            continue
        lead = _WORD_CHAR.search(run.group(), run.group().rfind("+", 0, word.start()) + 1)
        name = run.group()[lead.start() if lead is not None else word.start() :]
        if not name.islower():
            return name
    return None


def blank_links(text: str) -> str:
    """``text`` with Markdown link targets and bare URLs replaced by spaces (same length, same offsets)."""
    if "http" not in text and "](/" not in text:
        return text
    text = _MARKDOWN_LINK.sub(lambda m: " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1), text)
    return _BARE_URL.sub(lambda m: " " * len(m.group(0)), text)


def list_glue(doc: Doc, start: int, end: int) -> list[str] | None:
    """The words joining two list members (tokens ``start:end``), leaving out the scores quoted with them.

    "DeepSeek's 61.5 and Kimi K2's 66.1", "Code Llama 70B (67%) and DeepSeek Coder 33B (~79%)", "Claude at
    74.6 and DeepSeek at 71.3": a score after a member does not break the list. None when the tokens hold
    anything else than glue words and scores (the caller checks the words against its own glue set).
    """
    words: list[str] = []
    k = start
    while k < end:
        t = doc[k]
        if t.is_space:
            k += 1
            continue
        if t.text == "(":
            close = next((j for j in range(k + 1, min(end, k + 8)) if doc[j].text == ")"), None)
            inner = doc[k + 1 : close] if close is not None else None
            if (
                inner is not None
                and close is not None
                and any(x.like_num for x in inner)
                and all(x.like_num or x.lower_ in SCORE_MARKS or x.is_space for x in inner)
            ):
                k = close + 1
                continue
            return None
        if t.lower_ in ("'s", "’s", "at", "with", "of") and k + 1 < end and doc[k + 1].like_num:
            k += 2
            while k < end and doc[k].lower_ in SCORE_MARKS and doc[k].lower_ not in (",", "-", "–"):
                k += 1
            continue
        words.append(t.lower_)
        k += 1
    return words


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; no split after a known abbreviation such as "U.S.".

    Linear in the text: a sentence is sliced once, when it ends (an abbreviation test slices nothing). A sentence
    longer than :data:`MAX_SENTENCE_CHARS` is read in pieces of at most that length (see :func:`bounded_spans`).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0).strip() == "" and "\n" not in m.group(0) and text.endswith(ABBREVIATIONS, start, m.start()):
            continue
        if not text[start : m.start()].isspace() and m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return bounded_spans(text, spans)


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


def _cue_phrases(rel: dict[str, Any]) -> dict[str, list[str]]:
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


@dataclass
class _SentenceScan:
    """One sentence being read cue by cue: what it holds, the claims found so far and the latest two sides."""

    article_id: str
    doc: Doc
    offset: int
    context: LazyContext
    mentions: list[Mention]
    sides: list[Mention]
    cues: list[Span]
    hedged: bool
    out: list[Claim] = field(default_factory=list)
    previous_subjects: list[Mention] = field(default_factory=list)
    previous_objects: list[Mention] = field(default_factory=list)


@dataclass
class _CueSides:
    """The names around one cue, as its clause offers them, before subjects and objects are settled."""

    n: int
    cue: Span
    prev_end: int
    before_tok: str
    passive: bool
    left: list[Mention]
    right: list[Mention]
    earlier_sides: list[Mention]
    same_subject: bool = False


class ClaimExtractor:
    """Extract :class:`Claim` rows from article text. Build once; reuse for many articles."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or build_nlp()
        rel = load_data("relations.yaml")
        self.negations = set(rel["negations"])
        self.negation_window = int(rel["negation_window"])
        self.hedges = set(rel["hedges"])
        self.disputes = re.compile(r"\b(?:" + "|".join(map(re.escape, rel.get("disputes", []))) + r")\b")
        self.passive_aux = set(rel["passive_auxiliaries"])
        self.negated_only = set(rel.get("negated_only", []))
        self.passive_fillers = set(rel.get("passive_fillers", []))
        self.participle_endings = tuple(rel.get("participle_endings", []))
        self.negation_exceptions = set(rel.get("negation_exceptions", []))
        self.aspirations = set(rel.get("aspirations", []))
        self.obligations = set(rel.get("obligations", []))
        self.scope_words = set(rel.get("scope_words", []))
        self.cue_blockers = {w: set(after) for w, after in rel.get("cue_blockers", {}).items()}
        self.object_max_gap = int(rel.get("object_max_gap", 8))
        self.multipliers = set(rel.get("multipliers", []))
        self.equative_phrases = {f"as {w} as" for w in rel.get("equatives", [])}
        self._add_comparative_matchers(rel)
        self._add_multiple_of_matcher(rel)
        self._add_cue_matchers(rel)
        self._load_domains_and_names()
        self._short: set[str] = set()
        self._found: dict[str, Discovered] = {}
        self._author: str | None = None  # the firm that wrote the article being read, if it says so
        self._topic: list[Mention] = []
        self._context_cache: dict[str, tuple[Mention, ...]] = {}
        self._doc_cache: dict[str, Doc] = {}  # one parse per sentence per article
        # names discovered in earlier articles (this extractor's lifetime, or preloaded from the warehouse)
        self.discovered: dict[str, Discovered] = {}

    def _add_comparative_matchers(self, rel: dict[str, Any]) -> None:
        """The cue matcher and the gapped comparatives ("better results than", "an edge in coding over")."""
        self.cue_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        # "better results than", "higher performance than": a comparative, up to three words, then "than"
        self.gapped_matcher = Matcher(self.nlp.vocab)
        self.compared_matcher = Matcher(self.nlp.vocab)
        comp = rel.get("comparatives", {})
        self.gapped_prefilter: re.Pattern[str] | None = None
        if rel.get("gapped_comparatives"):
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
            for relation, words in (("surpass", comp.get("surpass", [])), ("trail", comp.get("trail", []))):
                gap = {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["than", "and", "or", "but"]}, "OP": "{1,3}"}
                self.gapped_matcher.add(relation, [[{"LOWER": {"IN": words}}, gap, {"LOWER": "than"}]])
                # "a significantly superior potential in maths compared to other models such as X" (its own matcher:
                # the wide gap is costly, and run only on sentences that say "compared" or "relative")
                wide = {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["than", "but", "compared"]}, "OP": "{0,8}"}
                compared = [{"LOWER": {"IN": ["compared", "relative"]}}, {"LOWER": {"IN": ["to", "with"]}}]
                said = [*words, *superlatives] if relation == "surpass" else words
                self.compared_matcher.add(relation, [[{"LOWER": {"IN": said}}, wide, *compared]])
            # "a slight advantage in accuracy over X", "an edge in coding over X"
            gap = {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["over", "and", "or", "but"]}, "OP": "{1,3}"}
            lead_nouns = rel.get("lead_nouns", [])
            self.gapped_matcher.add("surpass", [[{"LOWER": {"IN": lead_nouns}}, gap, {"LOWER": "over"}]])

    def _add_multiple_of_matcher(self, rel: dict[str, Any]) -> None:
        """The multiple-of matcher: "twice the speed of X", "three times the throughput of X".

        Tried only on sentences that hold a multiplier before "the" (the substring tests of
        :meth:`_may_have_multiple_of`).
        """
        mult = sorted(rel.get("multipliers", []))
        self.multiple_words = tuple(f"{w} the " for w in mult if w.isalpha() and len(w) > 1)  # "twice the"
        self.nx_the = re.compile(r"\dx the ")  # "2x the"
        less = set(rel.get("multiple_of_nouns_less_is_better", []))
        not_nouns = ["of", "than", "and", "or"]
        noun_gap: dict[str, Any] = {"IS_ALPHA": True, "LOWER": {"NOT_IN": not_nouns}, "OP": "{0,2}"}
        multiple_leads: list[list[dict[str, Any]]] = [
            [{"LOWER": {"IN": mult}}],  # "twice", "3x"
            [{"LOWER": {"REGEX": r"^\d+(?:\.\d+)?x$"}}],  # "2.5x"
            [{"LIKE_NUM": True}, {"LOWER": "times"}],  # "three times", "3 times"
        ]
        self.multiple_of_matcher = Matcher(self.nlp.vocab)
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

    def _add_cue_matchers(self, rel: dict[str, Any]) -> None:
        """Head-to-head phrases and every cue phrase, with the regex pre-filters that spare spaCy most text."""
        h2h = rel.get("head_to_head", {})
        self.h2h_marker = compile_phrases(h2h.get("markers", []) or ["(?!)"])
        self.h2h_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label in ("surpass", "parity", "neither"):
            self.h2h_matcher.add(label, [self.nlp.make_doc(p) for p in h2h.get(label, [])])
        self.h2h_prefilter = compile_phrases([p for k in ("surpass", "parity") for p in h2h.get(k, [])] or ["(?!)"])
        phrases_all: set[str] = set()
        for relation, phrases in _cue_phrases(rel).items():
            self.cue_matcher.add(relation, [self.nlp.make_doc(p) for p in phrases])
            phrases_all.update(p.lower() for p in phrases)
        # "twice the speed of X" (the multiple-of matcher): its lead words are pre-filter phrases too
        phrases_all.update(f"{w} the" for w in rel.get("multipliers", []) if w != "x")
        phrases_all.update(f"{w} the" for w in rel.get("fractions", []))
        phrases_all.update(f"{w} of the" for w in rel.get("fractions", []))
        # The cheap pre-filter: only sentences containing a whole cue phrase reach spaCy.
        self.prefilter = compile_phrases(phrases_all)
        self.prefilter_lower = compile_phrases(phrases_all, flags=0)

    def _load_domains_and_names(self) -> None:
        """Domains in file order, evaluator firms (never a side) and the families that need a version."""
        dom = load_data("domains.yaml")
        # one compiled alternation per domain, tried in file order (the first domain that matches wins)
        self.domains = [
            (name, re.compile(r"\b(?:" + "|".join(re.escape(p.lower()) for p in phrases) + r")\b"))
            for name, phrases in dom["domains"].items()
        ]
        self.domain_fallback = dom["fallback"]
        # leaderboards, benchmark makers and testing institutes say who is ahead; they are never a side
        self.claimant_only = {f["name"] for f in load_data("firms.yaml")["firms"] if f.get("kind") == "evaluator"}
        # "Spark V3.5 ... the gap between Spark and GPT-4 Turbo": a family that only counts with a version (a bare
        # "Spark" or "Opus" is an ordinary word elsewhere) names that model on its own in an article that has
        # introduced it with a version ("Spark V3.5") or as the tier of another model ("Claude 3 Opus")
        models = load_data("models.yaml")
        firm_names = {str(a) for f in load_data("firms.yaml")["firms"] for a in [f["name"], *f.get("aliases", [])]}
        self.short_firm = {
            str(f["family"]): f["firm"]
            for f in models["families"]
            if f.get("needs_version") and str(f["family"])[:1].isupper() and str(f["family"]) not in firm_names
        }
        # one trie-shaped alternation, its context checked in Python (two lookbehind alternatives cost 15% of
        # extraction time on news text)
        self.short_names = re.compile(rf"(?<![\w-])({trie_pattern(self.short_firm)})(?![a-z])")
        # "Reka Core ... Core outperforms X", "Mistral Large 2 ... Large 2 trails X": a model named by its tier
        self.family_firm = {str(f["family"]): f["firm"] for f in models["families"]}
        self.title_tiers = sorted({str(t).capitalize() for t in models["tiers"]})
        self.standalone_tiers = {str(t).capitalize() for t in models.get("standalone_tiers", [])}
        # anchored on the tier (few positions start one), the family before it checked in Python
        tiers = trie_pattern(self.title_tiers)
        self.tier_names = re.compile(rf"(?<=[ -])(?:{tiers})(?:[ -]\d+(?:\.\d+)*)?(?![\w-])")
        self.word_before = re.compile(r"(?<![\w-])([\w.]+)[ -]$")

    # -- public API ------------------------------------------------------------------------------
    def extract(self, article_id: str, text: str, title: str | None = None) -> list[Claim]:
        """All claims in one article's text (Chinese text goes to the Chinese rules).

        ``title``, when given, is read only for what the article compares ("Claude vs GPT-4o"); claims come
        from the text (a title that is not in the text is no evidence sentence).
        """
        normalized = normalize_text(text)  # one normalisation for every path (NBSP, zero-width, hyphens, runs)
        if is_chinese(normalized.text):
            claims = extract_chinese(article_id, normalized.text)
        else:
            claims = self._extract_english(article_id, normalized.text, title)
        if normalized.text != text:
            for claim in claims:  # evidence offsets and sentence point into the text as given
                claim.start_char = normalized.original_offset(claim.start_char)
                claim.end_char = normalized.original_offset(claim.end_char)
                claim.sentence = text[claim.start_char : claim.end_char]
        return claims

    def _extract_english(self, article_id: str, text: str, title: str | None) -> list[Claim]:
        """The claims of an English article's normalised text."""
        original = text
        text = blank_links(text)  # URLs go (blanked with spaces: offsets hold)
        sentences = split_sentences(text)
        head_to_head, candidates = self._candidate_sentences(text, title, sentences)
        if not candidates:
            return []
        docs = self._parse_candidates(text, sentences, candidates)
        claims: list[Claim] = []
        seen: set[tuple[Any, ...]] = set()
        self._topic = []  # the subjects of the latest claim: what "it" / "the model" refer to
        self._topic_at = -1  # the sentence it was claimed in
        self._topic_objects: list[Mention] = []  # that claim's other side ("trailed behind both": the two sides)
        pair = self._head_to_head_pair(title, text, sentences) if head_to_head else None
        for i in candidates:
            start, end = sentences[i]
            context = LazyContext(
                functools.partial(self._context_mentions, text, sentences, i),
                i,
                functools.partial(self._lead_subject, text, sentences),
                functools.partial(self._section_subject, text, sentences, i),
            )
            found_here = self._claims_in_sentence(article_id, docs[i], start, context)
            if not found_here and pair is not None:
                found_here = self._head_to_head_claims(article_id, docs[i], start, context, pair)
            for claim in found_here:
                if original is not text:
                    claim.sentence = original[claim.start_char : claim.end_char]
                dedup = (claim.claim_key, claim.start_char)
                if dedup not in seen:
                    seen.add(dedup)
                    claims.append(claim)
        return drop_subsumed(claims)

    def _candidate_sentences(
        self, text: str, title: str | None, sentences: list[tuple[int, int]]
    ) -> tuple[bool, list[int]]:
        """Whether the article is a head-to-head comparison, and the sentences with a cue phrase (by index)."""
        hits = self._cue_positions(text)
        head_to_head = bool(sentences) and bool(
            self.h2h_marker.search(title or "") or self.h2h_marker.search(text[: sentences[0][1]])
        )
        if head_to_head:
            hits += [m.start() for m in self.h2h_prefilter.finditer(text)]
        if not hits:
            return head_to_head, []
        ends = [e for _, e in sentences]
        return head_to_head, sorted({i for i in (bisect_left(ends, h) for h in hits) if i < len(sentences)})

    def _parse_candidates(self, text: str, sentences: list[tuple[int, int]], candidates: list[int]) -> dict[int, Doc]:
        """Parse the candidate sentences once each, with the names this article and earlier ones introduced."""
        self._context_cache = {}
        self._doc_cache = {}
        new = discover(self._parse, [text[s:e] for s, e in sentences[: candidates[-1] + 1]], self.discovered)
        self.discovered.update(new)
        short = {
            name: Discovered(name, "MODEL", self.short_firm[name])
            for m in self.short_names.finditer(text)
            if (name := m.group(1)) not in self.discovered and self._introduced_with_version(text, m.start(), m.end())
        }
        if any(self._standalone_tier(text, *sentences[i]) for i in candidates):
            short.update(self._tier_aliases(text))  # a tier in a claim sentence may stand for a model named before
        self._short = set(short)
        found = self._found = {**short, **self.discovered}
        self._author = self._author_firm(text, sentences)
        todo = [text[sentences[i][0] : sentences[i][1]] for i in candidates]
        unparsed = list(dict.fromkeys(t for t in todo if t not in self._doc_cache))  # a repeated sentence once
        for sent, doc in zip(unparsed, self.nlp.pipe(unparsed), strict=True):
            self._doc_cache[sent] = doc
        return {i: add_discovered(self._doc_cache[t], found) for i, t in zip(candidates, todo, strict=True)}

    def _standalone_tier(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` holds a capitalised tier with no family before it ("Core outperforms")."""
        return any(self._family_before(text, m.start()) is None for m in self.tier_names.finditer(text, start, end))

    def _family_before(self, text: str, at: int) -> str | None:
        """The model family named right before offset ``at`` ("Reka" before "Core"), or None."""
        before = self.word_before.search(text, max(0, at - 24), at)
        return before.group(1) if before is not None and before.group(1) in self.family_firm else None

    def _tier_aliases(self, text: str) -> dict[str, Discovered]:
        """Tiers the article uses as names: "Core" after "Reka Core", "Large 2" after "Mistral Large 2".

        Only when the tier (with its version) appears again on its own, and is a standalone tier or carries a
        version; the firm is the family's.
        """
        out: dict[str, Discovered] = {}
        for m in self.tier_names.finditer(text):
            rest, family = m.group(0), self._family_before(text, m.start())
            if family is None:
                continue
            if (
                rest in out
                or rest in self.discovered
                or not (" " in rest or "-" in rest or rest in self.standalone_tiers)
            ):
                continue
            if text.count(rest) > 1:
                out[rest] = Discovered(rest, "MODEL", self.family_firm[family])
        return out

    @staticmethod
    def _introduced_with_version(text: str, start: int, end: int) -> bool:
        """True for "Spark V3.5", "Spark-4" (a version follows) or "Claude 3 Opus" (a version precedes)."""
        return bool(_VERSION_AFTER.match(text, end)) or bool(_VERSION_BEFORE.search(text[max(0, start - 2) : start]))

    def _head_to_head_pair(
        self, title: str | None, text: str, sentences: list[tuple[int, int]]
    ) -> tuple[Mention, Mention] | None:
        """The two sides of a head-to-head title ("Minimax vs. GPT-4o: ..."), or None.

        The side is the named mention right before the marker and the one right after it; they must belong to
        different firms.
        """
        for line in (title, text[sentences[0][0] : sentences[0][1]] if sentences else None):
            if not line or not (m := self.h2h_marker.search(line)):
                continue
            doc = add_discovered(self._parse(line), self._found)
            named = [x for x in self._mentions(doc) if x.org and x.org not in self.claimant_only]
            before = [x for x in named if doc[x.end - 1].idx < m.start()]
            after = [x for x in named if doc[x.start].idx >= m.end()]
            if before and after and before[-1].org != after[0].org:
                return before[-1], after[0]
        return None

    def _head_to_head_claims(
        self, article_id: str, doc: Doc, offset: int, context: LazyContext, pair: tuple[Mention, Mention]
    ) -> list[Claim]:
        """Claims a head-to-head article makes with one-sided cues, clause by clause.

        "Minimax leads in long context, while GPT-4o dominates in reasoning": each clause that names exactly
        one side of the pair (and no other firm) before or after a one-sided cue says that side beats the
        other; "neither model is better" denies both directions; "the two are comparable" is parity.
        """
        if doc.text.rstrip().endswith("?"):
            return []
        mentions = self._mentions(doc)
        if any(m.org and m.org not in {pair[0].org, pair[1].org} for m in mentions):
            return []  # a third firm: the ordinary rules' business
        hedged = any(t.lower_ in self.hedges for t in doc)
        breaks = [t.i for t in doc if t.lower_ in CLAUSE_BREAKS]
        bounds = list(zip([0, *[b + 1 for b in breaks]], [*breaks, len(doc)], strict=True))
        cues = [Span(doc, s, e, label=label) for label, s, e in self.h2h_matcher(doc)]
        out: list[Claim] = []
        for lo, hi in bounds:
            here = self._clause_cues(doc, cues, lo, hi)
            if not here:
                continue
            cue = here[0]
            if cue.end < len(doc) and doc[cue.end].lower_ in ("than", "to", "over", "with"):
                continue  # "better than last year": a comparison the ordinary rules did not take
            sides = {m.org for m in mentions if lo <= m.start and m.end <= hi and m.org}
            a, b = pair

            def emit(subject: Mention, relation: str, obj: Mention, negated: bool, cue: Span = cue) -> list[Claim]:
                return self._emit(
                    article_id, doc, offset, [subject], relation, [obj], negated, hedged, cue, context, mentions
                )

            if any(c.label_ == "neither" for c in here):
                if any(c.label_ == "surpass" for c in here):
                    out += emit(a, "surpass", b, True) + emit(b, "surpass", a, True)
                continue
            if cue.label_ == "parity":
                # "the two models are comparable", "Both are neck and neck on math", "A and B look similar"
                if len(sides) == 2 or any(t.lower_ in ("both", "two") for t in doc[lo:hi]):
                    out += emit(a, "parity", b, False)
                continue
            if len(sides) != 1:
                continue
            subject, other = (a, b) if sides == {a.org} else (b, a)
            named = [m for m in mentions if m.org == subject.org and lo <= m.start and m.end <= hi][:1]
            than = next((t.i for t in doc[cue.end : hi] if t.lower_ == "than"), None)
            if than is not None and named[0].start > than:
                # "The model shows a stronger grasp of Chinese than GPT-4's attempts": the named side lost
                named, other = [other], named[0]
            window = [t.lower_ for t in doc[max(lo, cue.start - self.negation_window) : cue.start]]
            if any(w in self.negations for w in window):
                continue  # "the benchmarks Opus did not win": what was not won is rarely said against the other side
            if cue.label_ == "surpass" and named:
                out += emit(named[0], "surpass", other, False)
        return out

    @staticmethod
    def _clause_cues(doc: Doc, cues: list[Span], lo: int, hi: int) -> list[Span]:
        """The head-to-head cues of tokens ``lo:hi``.

        "all three leading models" (a cue word describing a noun of models) compares nothing.
        """
        here = [c for c in filter_spans(cues) if lo <= c.start and c.end <= hi]
        return [c for c in here if c.label_ == "neither" or c.end >= len(doc) or doc[c.end].lower_ not in MODEL_REFS]

    def extract_alone(
        self, article_id: str, text: str, title: str | None = None
    ) -> tuple[list[Claim], dict[str, Discovered]]:
        """Claims in one article seeing only the names already in :attr:`discovered`, which stays unchanged.

        Returns the claims and the names the article introduced. Unlike :meth:`extract`, the result does not
        depend on which articles this extractor read before, so articles can be read in any order (or in other
        processes) and put in order afterwards (see ``extractors.rules.ClaimRules.confirm_in_order``).
        """
        known = self.discovered
        self.discovered = dict(known)
        try:
            claims = self.extract(article_id, text, title)
            introduced = {k: v for k, v in self.discovered.items() if k not in known}
        finally:
            self.discovered = known
        return claims, introduced

    # -- helpers ---------------------------------------------------------------------------------
    def _parse(self, sentence: str) -> Doc:
        """Parse a sentence once per article (discovery, claims and context share the doc)."""
        doc = self._doc_cache.get(sentence)
        if doc is None:
            doc = self._doc_cache[sentence] = self.nlp(sentence)
        return doc

    def _cue_positions(self, text: str) -> list[int]:
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

    def _may_have_multiple_of(self, lowered: str) -> bool:
        """Cheap substring test before the multiple-of regex ("twice the", "3 times the", "2x the")."""
        if " the " not in lowered:
            return False
        # substring tests: 3x faster than one alternation regex over the article
        return any(w in lowered for w in self.multiple_words) or self.nx_the.search(lowered) is not None

    def _mentions_of(self, sentence: str) -> tuple[Mention, ...]:
        cached = self._context_cache.get(sentence)
        if cached is None:
            cached = self._context_cache[sentence] = tuple(
                self._mentions(add_discovered(self._parse(sentence), self._found))
            )
        return cached

    def _lead_subject(self, text: str, sentences: list[tuple[int, int]]) -> list[Mention]:
        """The first named model of the article's first three sentences, else its first named firm."""
        found = [m for s, e in sentences[:3] for m in self._named_outside_attribution(text[s:e])]
        named = [m for m in found if m.model] or found
        return [named[0]] if named else []

    def _section_subject(self, text: str, sentences: list[tuple[int, int]], i: int) -> tuple[int, list[Mention]]:
        """The model a heading line before sentence ``i`` names, with the heading's index; (-1, []) if none.

        A heading is a short line (at most :data:`HEADING_WORDS` words) with no closing punctuation. The nearest
        heading counts: one that names no single model ends the search (a new section about something else).
        """
        # only a heading after the latest claim's sentence can take over from that claim's subject
        for j in range(i - 1, max(-1, i - HEADING_REACH, self._topic_at), -1):
            line = text[sentences[j][0] : sentences[j][1]].strip()
            if not line or len(line.split()) > HEADING_WORDS or line[-1] in ".!?:;," or line[0] in BULLETS:
                continue  # a sentence, a label ("Key Features:") or a bullet of the list itself
            models = [m for m in self._named_outside_attribution(line) if m.model]
            return (j, models) if len(models) == 1 else (-1, [])
        return -1, []

    def _context_mentions(self, text: str, sentences: list[tuple[int, int]], i: int) -> list[Mention]:
        """Named mentions in the two sentences before sentence ``i`` (for "the company", "its model")."""
        out: list[Mention] = []
        for j in range(max(0, i - 2), i):
            s, e = sentences[j]
            named = self._named_outside_attribution(text[s:e])
            out.extend(replace(m, sentence=j) for m in named if m.org not in self.claimant_only)
        return out

    def _named_outside_attribution(self, sentence: str) -> list[Mention]:
        """Mentions with a firm in ``sentence`` that are not the source of an attribution ("according to X")."""
        doc = self._parse(sentence)
        return [m for m in self._mentions_of(sentence) if m.org and not self._in_attribution(doc, m)]

    def _mentions(self, doc: Doc) -> list[Mention]:
        """Entities merged into mentions: "Anthropic's Claude", "OpenAI o3" become one mention."""
        ents = list(doc.ents)
        out: list[Mention] = []
        i = 0
        while i < len(ents):
            e = ents[i]
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if e.label_ == "FIRM" and nxt is not None and nxt.label_ == "MODEL":
                gap = doc[e.end : nxt.start].text.strip().lower()
                between = [t for t in doc[e.end : nxt.start]]
                owned = (
                    between
                    and between[0].lower_ in ("'s", "’s")
                    and len(between) <= 4
                    and all(t.is_lower or t.text == "-" for t in between[1:])
                    and nxt.kb_id_ == e.kb_id_
                )
                # "OpenAI's o3", and "OpenAI's free GPT 3.5", "Mistral's open-source Mixtral": one side
                if gap in ("", "'s", "’s", "s'") or owned:
                    out.append(
                        Mention(
                            doc[e.start : nxt.end].text, e.kb_id_, nxt.text, None, e.start, nxt.end, self._known(nxt)
                        )
                    )
                    i += 2
                    continue
            if (
                e.label_ == "GROUP"
                and nxt is not None
                and nxt.label_ == "FIRM"
                and self._group_of_firm(doc, e.end, nxt.start)
            ):
                # "top models from Anthropic": the firm's models
                out.append(Mention(doc[e.start : nxt.end].text, nxt.kb_id_, None, None, e.start, nxt.end))
                i += 2
                continue
            if e.label_ == "FIRM":
                out.append(Mention(e.text, e.kb_id_, None, None, e.start, e.end))
            elif e.label_ == "MODEL":
                out.append(Mention(e.text, e.kb_id_ or None, e.text, None, e.start, e.end, self._known(e)))
            else:
                out.append(Mention(e.text, None, None, e.text.lower(), e.start, e.end))
            i += 1
        return out

    @staticmethod
    def _group_of_firm(doc: Doc, start: int, end: int) -> bool:
        """True when tokens ``start:end`` join a group to the firm that makes it.

        "top models from Anthropic", "closed systems from companies like Anthropic", "models by labs such as
        OpenAI": from/by/of/at, then optionally a maker noun and like / such as / including.
        """
        words = [t.lower_ for t in doc[start:end]]
        if not words or words[0] not in ("from", "by", "of", "at"):
            return False
        rest = words[1:]
        if rest and rest[0] in MAKER_NOUNS | {"companies", "firms", "labs", "rivals", "players", "vendors"}:
            rest = rest[1:]
        return rest in ([], ["like"], ["such", "as"], ["including"])

    def _known(self, span: Span) -> bool:
        """True for a model from the gazetteer; False for one found by shape or discovered in the text."""
        return bool(span.kb_id_) and (span.text not in self._found or span.text in self._short)

    def _cues(self, doc: Doc) -> list[Span]:
        """Comparison cues, longest first, without those that compare nothing here.

        Not cues: a cue word inside an entity ("top models"); a verb cue used as a noun after a determiner
        ("the approach taken", "the top spot"); "behind" after a maker ("the company behind Kimi"); a cue after
        an aspiration ("aims to match").
        """
        inside = {i for e in doc.ents for i in range(e.start, e.end)}
        found = list(self.cue_matcher(doc))
        lowered = doc.text.lower()
        # the token matchers run only where their cheap regex says they can match (most cue sentences hold none)
        if self.gapped_prefilter is not None and self.gapped_prefilter.search(lowered):
            found += self.gapped_matcher(doc)
        if "compared" in lowered or "relative" in lowered:
            found += self.compared_matcher(doc)
        if self._may_have_multiple_of(lowered):
            found += self.multiple_of_matcher(doc)  # a sentence's text: the substring tests cost little here
        spans = [Span(doc, s, e, label=m) for m, s, e in found if not inside & set(range(s, e))]
        kept: list[Span] = []
        toks = lower_tokens(doc)
        model_ends = {e.end for e in doc.ents if e.label_ == "MODEL"}
        for span in self._coordinated_cues(doc, filter_spans(spans)):
            if span.label_ in LEFT_OBJECT_RELATIONS and span.start not in model_ends:
                continue  # "high-level", "world-class": no model right before the level word
            before = toks[span.start - 1] if span.start else ""
            words = span.text.lower().split()
            if len(words) == 1 and before in DETERMINERS:
                continue
            if before in ("'s", "’s") and self._possessed_noun(doc, span.start - 1):
                continue  # "China's equivalent to Google", "OpenAI's rival": a noun, not a verb
            after = toks[span.end] if span.end < len(toks) else ""
            if self._blocked(doc, span, toks):
                continue  # "tied to OpenAI", "ties its future to OpenAI": bound to it, not level with it
            if len(words) == 1 and (after in ("like", "including") or after == "such" and span.end + 1 < len(doc)):
                continue  # "older rivals like GPT-4o", "top rivals such as ...": a noun, not a verb
            if words[0] == "behind" and before in MAKER_NOUNS:
                continue
            if self._after_aspiration(doc, span.start):
                continue
            if len(words) == 1 and kept and kept[-1].end == span.start:
                continue  # "beats rivals from OpenAI", "outperforms leaders": a cue word right after a cue is its noun
            kept.append(span)
        return sorted(kept, key=lambda s: s.start)

    @staticmethod
    def _possessed_noun(doc: Doc, s_at: int) -> bool:
        """True when the "'s" at ``s_at`` is a possessive (not "it's" / "that's") of a word that names no side."""
        if s_at < 1:
            return False
        owner = doc[s_at - 1]
        return owner.lower_ not in ("it", "that", "what", "there", "he", "she", "who", "here") and not owner.ent_type_

    @staticmethod
    def _coordinated_cues(doc: Doc, spans: list[Span]) -> list[Span]:
        """Join a parity cue and a surpass cue coordinated by "or" into one parity cue (LABELLING.md).

        "is at the same level or better than X", "better than or on par with X": one claim, parity, whatever the
        two cues are (the fixed "matches or beats" phrases are in relations.yaml).
        """
        spans = sorted(spans, key=lambda s: s.start)
        if len(spans) < 2:
            return spans
        out: list[Span] = []
        for span in spans:
            prev = out[-1] if out else None
            glue = lower_tokens(doc)[prev.end : span.start] if prev is not None else []
            if (
                prev is not None
                and "or" in glue
                and set(glue) <= {"or", "even", "and/or", "/", "possibly", "perhaps"}
                and {prev.label_, span.label_} == {"parity", "surpass"}
            ):
                out[-1] = Span(doc, prev.start, span.end, label="parity")
                continue
            out.append(span)
        return out

    def _blocked(self, doc: Doc, span: Span, toks: list[str]) -> bool:
        """True when a blocker word of the cue (relations.yaml cue_blockers) follows it within three tokens.

        Before any name: "tied to OpenAI", "ties its future to OpenAI" (not "ties GPT-6 for first").
        """
        blockers = self.cue_blockers.get(span.text.lower())
        if not blockers:
            return False
        for k in range(span.end, min(span.end + 3, len(toks))):
            if doc[k].ent_type_:
                return False
            if toks[k] in blockers:
                return True
        return False

    def _after_aspiration(self, doc: Doc, at: int) -> bool:
        """True for a cue after "to" that completes an aspiration: "aims to match", "is relying on AI to surpass"."""
        toks = lower_tokens(doc)
        if at < 2 or toks[at - 1] != "to":
            return False
        if toks[at - 2] in self.obligations:
            return True  # "it only has to beat X": an obligation, not a claim
        return any(t in self.aspirations for t in toks[max(0, at - 5) : at - 1])

    def _reference(self, doc: Doc, before: int, mentions: list[Mention], context: LazyContext) -> list[Mention]:
        """Resolve "its/their <model>" or "the company" just before token ``before`` to earlier firms."""
        lo = max(0, before - 5)
        window = [t.lower_ for t in doc[lo:before]]
        pron = next((k for k in range(len(window) - 1, -1, -1) if window[k] in POSSESSIVE_PRONOUNS), None)
        is_company = any(w in COMPANY_REFS for w in window) and "the" in window
        if pron is None and not is_company:
            return []
        at = lo + (pron if pron is not None else 0)
        earlier = [m for m in mentions if m.end <= at and m.org]
        if earlier:
            return self._coordinated(doc, earlier, len(earlier) - 1)
        # no referent in the sentence: the subject of the sentence before, i.e. its claim's subject ("Phi-3 can
        # beat X. Its context window is as big as Y") or else its first named side ("360 released a tool. The
        # company said its ..."); then the latest named firm or model
        if self._topic and self._topic_at == context.index - 1:
            return list(self._topic)
        previous = [m for m in context.mentions if m.sentence == context.index - 1]
        if previous:
            return [previous[0]]
        if context.mentions:
            return [context.mentions[-1]]
        return list(self._topic)

    def _coordinated(self, doc: Doc, mentions: list[Mention], k: int) -> list[Mention]:
        """The mention at index ``k`` plus the mentions before it that form a list with it.

        A list needs a conjunction ("and", "or", "&", "as well as") between its last two members;
        earlier members may be joined by commas alone ("Z.ai, 360, and Zhipu").
        """
        group = [mentions[k]]
        j = k
        while j > 0:
            between = list_glue(doc, mentions[j - 1].end, mentions[j].start) or []
            joined = bool(between) and all(w in LIST_GLUE for w in between)
            has_conj = any(w in CONJUNCTIONS for w in between)
            a, b = mentions[j - 1], mentions[j]
            # "OpenAI, Anthropic remain ahead" (headline style, no "and"): two firms or two models of different
            # firms; a firm then a model is an apposition ("Alibaba, Qwen's maker", "Google, Gemini")
            paired = between == [","] and a.org and b.org and a.org != b.org and bool(a.model) == bool(b.model)
            if joined and (has_conj or len(group) > 1 or paired):
                group.insert(0, mentions[j - 1])
                j -= 1
            else:
                break
        return group

    def _forward_list(self, doc: Doc, mentions: list[Mention], k: int) -> list[Mention]:
        """Mention ``k`` and the mentions after it that continue its list.

        Joined by list glue ("X, Y and Z"), or in parallel phrases that repeat a preposition ("beats X on agents
        and Y on coding": the words between start with the preposition that follows the next member).
        """
        group = [mentions[k]]
        j = k
        while j + 1 < len(mentions):
            between = list_glue(doc, mentions[j].end, mentions[j + 1].start) or []
            if (
                between
                and all(w in LIST_GLUE for w in between)
                and ("and" in between or "or" in between or "," in between)
            ) or self._parallel(doc, mentions[j], mentions[j + 1]):
                group.append(mentions[j + 1])
                j += 1
            else:
                break
        return group

    @staticmethod
    def _parallel(doc: Doc, a: Mention, b: Mention, reach: int = 6) -> bool:
        """True for "X on agents and Y on coding": a preposition phrase after each of two members, "and" between."""
        if not 0 < b.start - a.end <= reach:
            return False
        words = lower_tokens(doc)[a.end : b.start]
        prep = words[0]
        if prep not in PARALLEL_PREPOSITIONS or words[-1] not in ("and", ","):
            return False
        if any(w in CLAUSE_BREAKS or w in ("than", "to", "with") for w in words):
            return False
        return b.end < len(doc) and doc[b.end].lower_ == prep

    def _named_examples(self, doc: Doc, right: list[Mention], objects: list[Mention]) -> list[Mention]:
        """For an unnamed group object followed by "such as / like / including" names, those names."""
        if len(objects) != 1 or objects[0].org or not objects[0].group:
            return []
        after = [m for m in right if m.start >= objects[0].end and m.org]
        if not after or after[0].start - objects[0].end > 3 or not self._introduces_examples(doc, after[0]):
            return []
        return self._forward_list(doc, right, right.index(after[0]))

    @staticmethod
    def _foil(doc: Doc, m: Mention) -> bool:
        """A name set against the claim, not a side of it: "Unlike Gemini 3 Pro, Claude beats GPT-6"."""
        return any(t.lower_ in ("unlike", "besides") for t in doc[max(0, m.start - 2) : m.start])

    @staticmethod
    def _backer(doc: Doc, m: Mention) -> bool:
        """A firm named only as another's backer or owner: "Microsoft-backed OpenAI", "Alibaba-owned"."""
        nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
        return bool(nxt) and (nxt[0] in BACKER_WORDS or (nxt[0] == "-" and len(nxt) > 1 and nxt[1] in BACKER_WORDS))

    @staticmethod
    def _cue_opens_clause(doc: Doc, cue: Span, reach: int = 8) -> bool:
        """True when at most ``reach`` tokens stand between the sentence start (or its last colon) and the cue."""
        start = max((t.i + 1 for t in doc[: cue.start] if t.text in (":", "—", "–")), default=0)
        return cue.start - start <= reach

    @staticmethod
    def _modifies_other_noun(doc: Doc, m: Mention) -> bool:
        """True for a name in the possessive before a noun that is not a model word ("DeepSeek-R1's launch")."""
        nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
        return len(nxt) == 2 and nxt[0] in ("'s", "’s") and nxt[1] not in MODEL_REFS

    @staticmethod
    def _introduces_examples(doc: Doc, m: Mention) -> bool:
        """True when the name follows like / such as / including ("models that outweigh it like Claude 3")."""
        before = [t.lower_ for t in doc[max(0, m.start - 2) : m.start]]
        return bool(before) and (
            before[-1] in ("like", "including", "notably", "especially") or before == ["such", "as"]
        )

    @staticmethod
    def _clause_ends(doc: Doc, at: int) -> bool:
        """True when token ``at`` ends the clause: punctuation, "at 72.5%", "in overall performance", or the end."""
        if at >= len(doc):
            return True
        return doc[at].is_punct or doc[at].lower_ in ("at", "in", "on", "by", "with", "for", "overall", "now")

    def _earlier_subjects(self, doc: Doc, sides: list[Mention], subjects: list[Mention], at: int) -> list[Mention]:
        """For "X leads at 72.7% with Y just behind": the first named side of the sentence before the subjects."""
        first = min((m.start for m in subjects), default=at)
        earlier = [m for m in sides if m.end <= first and (m.org or m.model)]
        return [earlier[0]] if earlier else []

    def _relative_subject(self, doc: Doc, sides: list[Mention], cue_start: int) -> list[Mention]:
        """The mention a relative pronoun right before the cue refers to ("Llama 3, which surpasses Gemini")."""
        k = cue_start - 1
        while k >= 0 and (doc[k].lower_ in ADVERBS_BEFORE_CUE or doc[k].lower_ in RELATIVE_FILLERS):
            k -= 1
        if k < 1 or doc[k].lower_ not in ("which", "that", "who"):
            return []
        j = k - 1
        if doc[j].is_punct:
            j -= 1
        before = [m for m in sides if m.end == j + 1]
        return [before[-1]] if before else []

    def _resolve_pronoun(
        self,
        doc: Doc,
        sides: list[Mention],
        pronoun_at: int,
        previous_subjects: list[Mention],
        previous_objects: list[Mention],
        context: LazyContext,
    ) -> list[Mention]:
        """What "it", "they", "the model", "both models", "our flagship model" before a cue refers to.

        The subjects of the sentence's previous claim ("A did not match B, and it trailed B"), else the nearest
        named model earlier in the sentence ("Google released Gemini 2.5 Pro, and it tops ..."), else the
        subjects of the article's latest claim, else the latest named model (or firm) of the two sentences before.
        """
        earlier = [m for m in previous_subjects if m.org or m.model]
        if earlier:
            return earlier
        same = [
            m
            for m in sides
            if m.end <= pronoun_at
            and not self._in_attribution(doc, m)
            and m not in previous_objects
            and not self._modifies_other_noun(doc, m)
        ]
        plural = doc[pronoun_at].lower_ in ("they", "models", "systems") or any(
            t.lower_ == "both" for t in doc[max(0, pronoun_at - 2) : pronoun_at]
        )
        named = [m for m in same if m.model] or [m for m in same if m.org]
        if named:
            return self._coordinated(doc, named, len(named) - 1) if plural else [named[-1]]
        if self._topic:
            return list(self._topic)
        ref = [m for m in context.mentions if m.model] or [m for m in context.mentions if m.org]
        if ref:
            return [ref[-1]]
        return context.lead  # "The 8B model. ... It matches X": the model the article opened with

    def _after_multiplier(self, doc: Doc, at: int) -> bool:
        """True when a multiplier ("twice", "3 times", "2x") stands right before token ``at``."""
        before = [t.lower_ for t in doc[max(0, at - 2) : at]]
        return any(w in self.multipliers or (w.endswith("x") and w[:-1].replace(".", "").isdigit()) for w in before)

    @staticmethod
    def _subject_pronoun(doc: Doc, lo: int, cue_start: int, reach: int = 5) -> int | None:
        """Token index of "it"/"they"/"the model"/"both models"/"our flagship model" as the subject of a cue.

        Looked for in the ``reach`` tokens before the cue (not before ``lo``).
        """
        for k in range(cue_start - 1, max(lo, cue_start - reach) - 1, -1):
            w = doc[k].lower_
            if w in SUBJECT_PRONOUNS:
                return k
            if w in MODEL_REFS and any(t.lower_ in MODEL_DETERMINERS for t in doc[max(lo, k - 3) : k]):
                if any(t.lower_ in ("'s", "’s") for t in doc[max(lo, k - 4) : k]):
                    return None  # "Zhipu AI's new model": possessed by a named side, not a reference
                return k
        return None

    @staticmethod
    def _in_attribution(doc: Doc, m: Mention) -> bool:
        """True for a mention inside "according to ...," or "testing by ... found": a claimant, not a side."""
        toks = lower_tokens(doc)[max(0, m.start - 8) : m.start]
        for k in range(len(toks) - 1, -1, -1):
            if toks[k] in (",", ";", "that"):
                return False
            if toks[k] == "to" and k > 0 and toks[k - 1] == "according":
                return True
            if toks[k] == "by" and k > 0 and toks[k - 1] in THIRD_PARTY_WORDS:
                return True
        return False

    def _sentence_facts(self, doc: Doc) -> SentenceFacts:
        """The sentence's :class:`SentenceFacts`, computed once per doc."""
        facts = doc.user_data.get("facts")
        if facts is None:
            text = doc.text
            disputed = bool(self.disputes.search(text.lower()))
            facts = doc.user_data["facts"] = SentenceFacts(text, self._domain(text), disputed, benchmark_name(text))
        return facts

    def _domain(self, sentence: str) -> str:
        low = sentence.lower()
        for name, pattern in self.domains:
            if pattern.search(low):
                return name
        return self.domain_fallback

    def _claimant(
        self,
        doc: Doc,
        mentions: list[Mention],
        cue: Span,
        subj_orgs: set[str | None],
        context: LazyContext,
        subj_starts: frozenset[int] = frozenset(),
    ) -> tuple[str, str | None]:
        """Who asserts the claim: the subject's own firm (self), a named/unnamed third party, or the outlet.

        What the sentence says first (an attribution, a speaker, a spokesperson); a sentence that says nothing
        or names only what was measured ("across standard benchmarks") in an article its subject's firm wrote
        ("Today we are releasing ...") is the firm's own claim; else a named benchmark ("On SWE-bench, ...")
        makes it a third party's measurement.
        """
        toks = lower_tokens(doc)  # once per sentence, not once per claim
        # the claimant as the sentence itself words it
        who, name = (
            self._claimant_according_to(toks, mentions, subj_orgs)
            or self._claimant_speaking_before(toks, mentions, cue, subj_orgs, context, subj_starts)
            or self._claimant_speaking_after(toks, mentions, cue, subj_orgs)
            or (("third_party", None) if any(w in THIRD_PARTY_WORDS for w in toks[: cue.start]) else ("outlet", None))
        )
        weak = who == "third_party" and name is None and not self._strong_third_party(doc, cue)
        if (who == "outlet" or weak) and self._author is not None and self._author in subj_orgs:
            return "self", self._author
        if who == "outlet":
            bench = self._sentence_facts(doc).benchmark
            if bench is not None:
                return "third_party", bench
        return who, name

    @staticmethod
    def _strong_third_party(doc: Doc, cue: Span) -> bool:
        """True when an outside party words it (researchers, analysts), not only what was measured (benchmarks)."""
        return any(t.lower_ in THIRD_PARTY_WORDS and t.lower_ not in WEAK_THIRD_PARTY_WORDS for t in doc[: cue.start])

    def _author_firm(self, text: str, sentences: list[tuple[int, int]]) -> str | None:
        """The firm that wrote the article when it speaks of its own model ("Today we are releasing OLMo 2")."""
        m = AUTHOR_CUES.search(text, 0, min(len(text), 4000))
        if m is None:
            return None
        at = bisect_left([e for _, e in sentences], m.start())
        for j in (at, at - 1, at + 1):
            if 0 <= j < len(sentences):
                named = self._named_outside_attribution(text[sentences[j][0] : sentences[j][1]])
                owned = [x for x in named if x.model] or named
                if owned:
                    return owned[0].org
        return None

    @staticmethod
    def _claimant_according_to(
        toks: list[str], mentions: list[Mention], subj_orgs: set[str | None]
    ) -> tuple[str, str | None] | None:
        """A claimant after "according to": X, the subject's own firm (self) or another (third party)."""
        for i in range(len(toks) - 1):
            if toks[i] == "according" and toks[i + 1] == "to":
                stop = next((k for k in range(i + 2, len(toks)) if toks[k] in (",", ";", ":")), len(toks))
                after = [m for m in mentions if i + 2 <= m.start < stop]
                if after:
                    org = after[0].org
                    return ("self", org) if org in subj_orgs else ("third_party", org or after[0].text)
                return "third_party", None
        return None

    @staticmethod
    def _claimant_speaking_before(
        toks: list[str],
        mentions: list[Mention],
        cue: Span,
        subj_orgs: set[str | None],
        context: LazyContext,
        subj_starts: frozenset[int],
    ) -> tuple[str, str | None] | None:
        """A speaker before the cue: "X said/claims/found (that) ...", "testing by X found", "the company said"."""
        for i, tok in enumerate(toks):
            if tok not in SPEECH_VERBS or i >= cue.start:
                continue
            speaker = [m for m in mentions if m.end <= i and i - m.end <= 2]
            if (
                speaker
                and tok in ("shows", "show", "showed")
                and speaker[-1].model
                and speaker[-1].start in subj_starts
            ):
                continue  # "MiMo-9B shows higher accuracy": the model shows it, nobody is quoted
            if not speaker:
                # "Robin Li, Baidu's founder and CEO, said", "Alibaba's cloud unit asserted": a firm's person or unit
                near = range(max(0, i - 10), i)
                if any(toks[k] in ROLE_WORDS for k in near):
                    speaker = [m for m in mentions if m.org and m.start in near and not m.model]
            if speaker:
                m = speaker[-1]
                if m.org in subj_orgs or m.org is None and m.group:
                    return ("self", m.org) if m.org else ("outlet", None)
                return "third_party", m.org
            window = toks[max(0, i - 3) : i]
            if any(w in COMPANY_REFS for w in window) and ("the" in window or "company" in window):
                # "the company" is a firm named before (not a model: "superiority over GPT-4o. The company said")
                firms: list[str | None] = [m.org for m in context.mentions if m.org and not m.model]
                if not firms:  # no firm named before: the latest name, whatever it is
                    firms = [m.org for m in context.mentions[-1:]]
                if not firms or firms[-1] is None or any(f in subj_orgs for f in firms):
                    return "self", next((f for f in firms if f in subj_orgs), None)
                return "third_party", firms[-1]
            if any(w in POSSESSIVE_PRONOUNS or w == "they" or w == "it" for w in toks[max(0, i - 6) : i]):
                return "self", next(iter(o for o in subj_orgs if o), None)
            if any(w in THIRD_PARTY_WORDS for w in toks[max(0, i - 4) : i]):
                return "third_party", None
        return None

    @staticmethod
    def _claimant_speaking_after(
        toks: list[str], mentions: list[Mention], cue: Span, subj_orgs: set[str | None]
    ) -> tuple[str, str | None] | None:
        """Self-description after the cue: "..., the company said" / "Moonshot said."."""
        for i in range(cue.end, len(toks)):
            if toks[i] in SPEECH_VERBS:
                speaker = [m for m in mentions if m.end <= i and i - m.end <= 2 and m.start >= cue.end]
                if speaker and speaker[-1].org and speaker[-1].org not in subj_orgs:
                    return "third_party", speaker[-1].org
                if speaker and speaker[-1].org in subj_orgs:
                    return "self", speaker[-1].org
                window = toks[max(0, i - 3) : i]
                if any(w in COMPANY_REFS for w in window):
                    return "self", next(iter(o for o in subj_orgs if o), None)
                if any(w in THIRD_PARTY_WORDS for w in toks[max(0, i - 4) : i]):
                    return "third_party", None
        return None

    def _claims_in_sentence(self, article_id: str, doc: Doc, offset: int, context: LazyContext) -> list[Claim]:
        """Every claim one sentence makes: each comparison cue with the sides it relates."""
        if doc.text.rstrip().endswith("?"):
            return []
        mentions = self._mentions(doc)
        cues = self._cues(doc)
        if not cues:
            return []
        # the mentions that can be a side of a claim: not an evaluator firm, not a backer ("Microsoft-backed")
        sides = [
            m
            for m in mentions
            if not (m.org in self.claimant_only and not m.model) and not self._backer(doc, m) and not self._foil(doc, m)
        ]
        hedged = any(t.lower_ in self.hedges for t in doc)
        scan = _SentenceScan(article_id, doc, offset, context, mentions, sides, cues, hedged)
        for n in range(min(len(cues), MAX_CUES_PER_SENTENCE)):  # past that, no sentence of prose: bounded time
            cue_sides = self._cue_sides(scan, n)
            if cue_sides is None:
                continue
            subjects = self._cue_subjects(scan, cue_sides)
            if not subjects:
                continue
            pair = self._cue_objects(scan, cue_sides, subjects)
            if pair is not None:
                self._emit_at_cue(scan, cue_sides, *pair)
        return scan.out

    def _cue_sides(self, scan: _SentenceScan, n: int) -> _CueSides | None:
        """The names left and right of cue ``n`` within its clause; None when the cue compares no two sides."""
        doc, cue, sides = scan.doc, scan.cues[n], scan.sides
        prev_end = scan.cues[n - 1].end if n else 0
        next_start = scan.cues[n + 1].start if n + 1 < len(scan.cues) else len(doc)
        before_tok = doc[cue.start - 1].lower_ if cue.start else ""
        passive = self._passive(doc, cue, before_tok, sides)
        left = [m for m in sides if m.end <= cue.start and m.start >= prev_end and not self._in_attribution(doc, m)]
        stop = next((k for k in range(cue.end, next_start) if doc[k].lower_ in CLAUSE_BREAKS), next_start)
        right = [m for m in sides if m.start >= cue.end and m.end <= stop]
        if right and right[0].start - cue.end > self.object_max_gap and not self._introduces_examples(doc, right[0]):
            right = []  # the nearest name is too far to be what the cue compares with
        if len(right) >= 2 and n + 1 < len(scan.cues) and self._opens_next_clause(doc, right[-1], next_start):
            right = right[:-1]  # "A beats B and C beats D": C is the next cue's subject, not this one's object
        if right and cue.end < len(doc) and doc[cue.end].text in (",", ";", "—", "–", ":"):
            right = []  # "follows closely behind, proving that ...": the cue ended its clause
        if not right:
            right = self._shared_object(scan, n)  # "comparable to, but not better than, X": both cues take X
        if cue.end < len(doc) and (doc[cue.end].like_num or doc[cue.end].is_currency):
            return None  # "dropping below 0.5%": compared with a number, not with a side
        if cue.label_ in BETWEEN_RELATIONS:
            # "the gap between Spark and GPT-4 Turbo": the first named side trails the second
            pair = [m for m in sides if m.start >= cue.end][:2]
            if len(pair) == 2 and {t.lower_ for t in doc[pair[0].end : pair[1].start]} <= {"and", "&"}:
                self._add_claims(scan, pair[:1], BETWEEN_RELATIONS[cue.label_], pair[1:], False, cue)
            return None
        if cue.label_ in LEFT_OBJECT_RELATIONS:
            # "delivers GPT-4-class performance": the side compared with stands right before the cue
            adjacent = [m for m in left if cue.start - m.end <= 1 and m.model]  # a model: "a Meta-class" is not
            if not adjacent:
                return None
            right, left = adjacent[-1:], [m for m in left if m.end <= adjacent[-1].start]
        if cue.end < len(doc) and doc[cue.end].lower_ in ("it", "them") and scan.previous_objects:
            right = list(scan.previous_objects)  # "close to GPT-4 Turbo, even surpassing it in maths"
        elif self._object_reference(doc, cue.end):
            right = self._earlier_object(scan)  # "OpenAI released GPT-6. Kimi K3 now beats it."
        earlier_sides: list[Mention] = []
        if (
            not right
            and doc[cue.end : cue.end + 1].text.lower() == "both"
            and self._topic_at in (scan.context.index, scan.context.index - 1)
            and self._topic_objects
        ):
            # "Claude 3 proved superior to GPT-4. Gemini Ultra trailed behind both.": the latest claim's sides
            earlier_sides = [*self._topic, *self._topic_objects]
        return _CueSides(n, cue, prev_end, before_tok, passive, left, right, earlier_sides)

    def _passive(self, doc: Doc, cue: Span, before_tok: str, sides: list[Mention]) -> bool:
        """True when the cue is a passive whose agent follows "by".

        "X was outperformed by Y", "X is getting beat handily by Y", "X is beat hands down by Y", and the reduced
        relative "o1 leads, closely trailed by Y" (a participle cue with no auxiliary). The word after "by" must
        open a named side: "outperformed by 5 points" is a margin, not an agent.
        """
        toks = lower_tokens(doc)
        if "by" not in toks[cue.end : cue.end + 3]:
            return False
        k = cue.end
        fillers = self.passive_fillers
        while k < len(toks) and k - cue.end < 2 and (toks[k] in fillers or toks[k].endswith("ly")):
            k += 1
        if k >= len(doc) - 1 or toks[k] != "by" or doc[k + 1].like_num:
            return False
        if not any(k < m.start <= k + 4 for m in sides):
            return False
        if before_tok in self.passive_aux:
            return True
        return cue.text.lower().endswith(self.participle_endings)

    @staticmethod
    def _participle_clause(doc: Doc, cue: Span, prev_end: int) -> bool:
        """True for a cue in -ing after a comma (adverbs aside) that names nobody since the cue before."""
        if not cue[0].lower_.endswith("ing"):
            return False
        k = cue.start - 1
        while k >= prev_end and (doc[k].lower_ in ADVERBS_BEFORE_CUE or doc[k].lower_.endswith("ly")):
            k -= 1
        return k >= prev_end and doc[k].text == ","

    @staticmethod
    def _object_reference(doc: Doc, at: int) -> bool:
        """True for "it" / "the model" / "that system" right after a cue, ending its clause."""
        toks = lower_tokens(doc)
        words = 1 if toks[at : at + 1] == ["it"] else 0
        if toks[at : at + 1] in (["the"], ["that"], ["this"]) and toks[at + 1 : at + 2] in (["model"], ["system"]):
            words = 2
        end = at + words
        return bool(words) and (end >= len(doc) or doc[end].is_punct or toks[end] in PARALLEL_PREPOSITIONS | {"by"})

    @staticmethod
    def _earlier_object(scan: _SentenceScan) -> list[Mention]:
        """The model an object reference names: the latest of the two sentences before, of a firm this one names not."""
        taken = {m.org for m in scan.sides}
        earlier = [m for m in scan.context.mentions if m.model and m.org not in taken]
        return earlier[-1:]

    def _shared_object(self, scan: _SentenceScan, n: int) -> list[Mention]:
        """The sides after the second of two cues set off by commas ("comparable to, but not better than, X").

        Cue ``n`` and its neighbour must be joined by a comma and only glue words (but, and, or, not, yet, even),
        the second closed by a comma or followed by the side; both cues then compare with that side.
        """
        doc, cues = scan.doc, scan.cues
        for a, b in ((n, n + 1), (n - 1, n)):
            if a < 0 or b >= len(cues) or cues[a].end >= len(doc) or doc[cues[a].end].text != ",":
                continue
            between = lower_tokens(doc)[cues[a].end : cues[b].start]
            if not between or between[0] != "," or not set(between) <= SHARED_CUE_GLUE:
                continue
            k = cues[b].end + (1 if cues[b].end < len(doc) and doc[cues[b].end].text == "," else 0)
            after = [m for m in scan.sides if m.start >= k]
            if after and after[0].start - k <= self.object_max_gap:
                return after
        return []

    @staticmethod
    def _opens_next_clause(doc: Doc, m: Mention, next_cue: int) -> bool:
        """True when ``m`` stands right before the next cue (adverbs aside) after "and": that cue's subject."""
        toks = lower_tokens(doc)
        between = toks[m.end : next_cue]
        before = toks[m.start - 1] if m.start else ""
        return before == "and" and all(w in ADVERBS_BEFORE_CUE or w.endswith("ly") for w in between)

    def _cue_subjects(self, scan: _SentenceScan, cs: _CueSides) -> list[Mention]:
        """Who the cue is said of: a name before it, a pronoun or reference, or the clause before's subject."""
        doc, cue, n, prev_end = scan.doc, cs.cue, cs.n, cs.prev_end
        subjects = self._reference(doc, cue.start, scan.mentions, scan.context)
        pronoun_at = self._subject_pronoun(doc, cs.left[-1].end if cs.left else prev_end, cue.start)
        relative = self._relative_subject(doc, scan.sides, cue.start)
        if relative:
            subjects, cs.left = relative, []
        elif pronoun_at is not None and not subjects:
            subjects = self._resolve_pronoun(
                doc, scan.sides, pronoun_at, scan.previous_subjects, scan.previous_objects, scan.context
            )
            cs.left = []
        if (
            n
            and cs.left
            and all(m in scan.previous_objects for m in cs.left)
            and {t.lower_ for t in doc[cs.left[-1].end : cue.start]} & (CONTRAST | {",", ";"})
        ):
            # "A trails B on x but beats C on y", "A: smarter than B, cheaper than C": same subject A
            subjects, cs.left = scan.previous_subjects, []
            cs.same_subject = True
        if subjects and cs.left and cs.left[-1].end > cue.start - 5 and cs.left[-1].org:
            if not {t.lower_ for t in doc[cs.left[-1].end : cue.start]} & POSSESSIVE_PRONOUNS:
                subjects = []
        if (
            n
            and not subjects
            and not cs.left
            and scan.previous_subjects
            and scan.previous_objects
            and not any(prev_end <= m.start < cue.start for m in scan.mentions)
            and {t.lower_ for t in doc[prev_end : cue.start]} & (CONTRAST | {",", ";"})
        ):
            # "matches X on most benchmarks, outperforms on multilingual, slightly behind on creative writing":
            # a clause with no subject of its own continues the one before
            subjects = scan.previous_subjects
            cs.same_subject = True
        if n and cs.passive and not subjects and not cs.left and scan.previous_subjects:
            # "X tops the arena, narrowly trailed by Y": a reduced passive continues the clause before's subject
            subjects = scan.previous_subjects
        if (
            n
            and not subjects
            and not cs.left
            and scan.previous_subjects
            and self._participle_clause(doc, cue, prev_end)
        ):
            # "It outperforms larger models, even surpassing X": the participle continues the clause's subject
            subjects = scan.previous_subjects
        if not subjects and not cs.left:
            subjects = self._subject_further_back(scan, cs)
        if not subjects and cs.left:
            subjects = self._coordinated(doc, cs.left, len(cs.left) - 1)
            # "A beats B and C beats D": B was the cue before's object, C alone is this cue's subject
            subjects = [m for m in subjects if m not in scan.previous_objects] or subjects
        return subjects

    def _subject_further_back(self, scan: _SentenceScan, cs: _CueSides) -> list[Mention]:
        """A clause that names no subject before its cue: a reference further back, or the article's subject."""
        doc, cue = scan.doc, cs.cue
        # "It is an especially capable code model, surpassing X", "The Pro model scores 86%, ranking third
        # behind X": a reference to the article's subject further back in the clause
        far = self._subject_pronoun(doc, cs.prev_end, cue.start, reach=cue.start - cs.prev_end)
        opening = cs.prev_end if cs.n else 0
        if far is None and doc[opening].lower_ in POSSESSIVE_PRONOUNS:
            if not any(opening <= m.start < cue.start for m in scan.mentions):
                far = opening  # "Its performance on reasoning benchmarks meets or exceeds that of X"
        if far is not None:
            return self._resolve_pronoun(
                doc, scan.sides, far, scan.previous_subjects, scan.previous_objects, scan.context
            )
        if not cs.n and not any(m.end <= cue.start for m in scan.mentions) and self._cue_opens_clause(doc, cue):
            # "Competitive position: matches Claude 3.5 Sonnet on most benchmarks": a sentence that names
            # nobody before a cue that opens it continues the article's subject, or the model its section's
            # heading names when that heading is nearer ("Meta Llama 4" ... "• Outperforms GPT-4o")
            heading_at, heading = scan.context.section
            if heading and heading_at > self._topic_at:
                return list(heading)
            return list(self._topic) or list(scan.context.lead)
        return []

    def _cue_objects(
        self, scan: _SentenceScan, cs: _CueSides, subjects: list[Mention]
    ) -> tuple[list[Mention], list[Mention]] | None:
        """(subjects, objects) of the cue; None when it has no other side here (or was emitted as a list)."""
        doc, cue, n, right = scan.doc, cs.cue, cs.n, cs.right
        if not right and cs.same_subject and scan.previous_objects and self._clause_ends(doc, cue.end):
            # "..., outperforms on multilingual, slightly behind on creative writing", "approaches GPT-4, but a
            # gap remains": the same two sides, compared again
            right = list(scan.previous_objects)
        reciprocal = [t.lower_ for t in doc[cue.end : cue.end + 2]] in (["each", "other"], ["one", "another"])
        if (
            not right
            and not cs.earlier_sides
            and cue.label_ == "parity"
            and (self._clause_ends(doc, cue.end) or reciprocal)
        ):
            pair = [m for m in subjects if m.org]
            if len(pair) >= 2 and len({m.org for m in pair}) == len(pair):
                # "Claude Opus 5 and GPT-6 are neck and neck on GPQA": the listed sides, with each other
                scan.previous_subjects, scan.previous_objects = pair[:1], pair[1:]
                self._add_claims(scan, pair[:1], "parity", pair[1:], False, cue)
                return None
        if cs.earlier_sides:
            return subjects, cs.earlier_sides  # mentions of another sentence: no list to follow here
        if right:
            objects = self._forward_list(doc, right, 0)
            # "leading closed models such as GPT-6 and Claude Opus 5": the named ones
            return subjects, self._named_examples(doc, right, objects) or objects
        # "..., but OpenAI and Anthropic remain ahead", "X leads, with Y just behind": the other side is
        # the subject of the clause before
        if n and scan.previous_subjects and cue.end >= len(doc) - 3 or self._clause_ends(doc, cue.end):
            right = [m for m in (scan.previous_subjects if n else []) if m not in subjects]
            if not right and not n:
                right = self._earlier_subjects(doc, scan.sides, subjects, cue.start)
        if not right:
            # "A and B top the rankings, but C remains ahead": remember A and B for the next cue
            scan.previous_subjects, scan.previous_objects = subjects, []
            return None
        if cs.before_tok in self.passive_aux:  # "... marking the first time X was outperformed": X lost
            return right, subjects
        return subjects, right

    def _emit_at_cue(self, scan: _SentenceScan, cs: _CueSides, subjects: list[Mention], objects: list[Mention]) -> None:
        """Emit the cue's claims unless conditional or out of scope, with negation, passive and multipliers read."""
        doc, cue = scan.doc, cs.cue
        if any(t.lower_ in ("if", "whether") for t in doc[max(0, cue.start - 8) : cue.start]):
            return
        reach = cue.end + 6 if cs.earlier_sides else max(o.end for o in objects) + 5
        if any(t.lower_ in self.scope_words for t in doc[max(0, cue.start - 3) : reach]):
            return  # users, downloads, revenue, valuation: not a capability comparison
        if any(t.is_currency for t in doc[cue.end : reach]):
            return  # "ahead of OpenAI's $852 billion": money, not capability
        if cue.text.lower() in self.equative_phrases and cue.start and doc[cue.start - 1].text == "%":
            return  # "48.6% as good as X": a fraction of X, neither parity nor a lead
        window = [t.lower_ for t in doc[max(cs.prev_end, cue.start - self.negation_window) : cue.start + 1]]
        negated = any(
            w in self.negations and (k + 1 >= len(window) or window[k + 1] not in self.negation_exceptions)
            for k, w in enumerate(window[:-1])
        )
        relation = cue.label_.removesuffix("_left")
        if not negated and cue.text.lower() in self.negated_only:
            return  # "competes with": rivalry, not a capability claim
        if cs.passive and relation == "surpass":
            relation = "trail"  # "X was beaten by Y": X trails Y (LABELLING.md words it from X's side)
        elif cs.passive:
            subjects, objects = objects, subjects  # "X, closely trailed by Y": Y trails X
        if cue.text.lower() in self.equative_phrases and self._after_multiplier(doc, cue.start):
            relation = "surpass"  # "twice as fast as", "3x as cheap as"
        scan.previous_subjects, scan.previous_objects = subjects, objects
        if relation == RANK_BETWEEN:
            # "sits between X and Y on the leaderboard": behind X, ahead of Y
            if len(objects) == 2 and not any(m.org in {o.org for o in objects} for m in subjects):
                self._add_claims(scan, subjects, "trail", objects[:1], negated, cue)
                self._add_claims(scan, subjects, "surpass", objects[1:], negated, cue)
            return
        if any(m.org or m.model for m in subjects) and any(m.org or m.model for m in objects):
            self._topic = [m for m in subjects if m.org or m.model]
            self._topic_objects = [m for m in objects if m.org or m.model]
            self._topic_at = scan.context.index
        self._add_claims(scan, subjects, relation, objects, negated, cue)

    def _add_claims(
        self,
        scan: _SentenceScan,
        subjects: list[Mention],
        relation: str,
        objects: list[Mention],
        negated: bool,
        cue: Span,
    ) -> None:
        """Add to the scan the claims between ``subjects`` and ``objects`` that ``cue`` makes."""
        scan.out += self._emit(
            scan.article_id,
            scan.doc,
            scan.offset,
            subjects,
            relation,
            objects,
            negated,
            scan.hedged,
            cue,
            scan.context,
            scan.mentions,
        )

    def _emit(
        self,
        article_id: str,
        doc: Doc,
        offset: int,
        subjects: list[Mention],
        relation: str,
        objects: list[Mention],
        negated: bool,
        hedged: bool,
        cue: Span,
        context: LazyContext,
        mentions: list[Mention],
    ) -> list[Claim]:
        """One claim row per (subject, object) pair that names at least one side and is not a side with itself."""
        facts = self._sentence_facts(doc)  # once per sentence: a sentence of many cues stays linear
        text, domain, disputed = facts.text, facts.domain, facts.disputed
        claimant, claimant_name = self._claimant(
            doc, mentions, cue, {s.org for s in subjects}, context, frozenset(s.start for s in subjects)
        )
        out = []
        for s in subjects:
            for o in objects:
                if (s.org, s.model, s.group) == (o.org, o.model, o.group):
                    continue
                if s.org is None and s.group is None:
                    continue
                if s.group and o.group:
                    continue
                row = claim_row(
                    article_id, s, relation, o, domain, (claimant, claimant_name), negated, hedged, text, offset
                )
                row.disputed = disputed
                out.append(row)
        return out


def claim_row(
    article_id: str,
    s: Mention | ZhMention,
    relation: str,
    o: Mention | ZhMention,
    domain: str,
    claimant: tuple[str, str | None],
    negated: bool,
    hedged: bool,
    sentence: str,
    start: int,
) -> Claim:
    """A :class:`Claim` from its two sides (English or Chinese mentions) and the sentence at offset ``start``."""
    return Claim(
        article_id=article_id,
        subject=s.text,
        subject_org=s.org,
        subject_model=s.model,
        relation=relation,
        object=o.text,
        object_org=o.org,
        object_model=o.model,
        domain=domain,
        claimant=claimant[0],
        claimant_name=claimant[1],
        negated=negated,
        hedged=hedged,
        sentence=sentence,
        start_char=start,
        end_char=start + len(sentence),
        subject_group=getattr(s, "group", None),
        object_group=getattr(o, "group", None),
        subject_model_in_gazetteer=getattr(s, "in_gazetteer", True) if s.model else None,
        object_model_in_gazetteer=getattr(o, "in_gazetteer", True) if o.model else None,
    )


def extract_chinese(article_id: str, text: str) -> list[Claim]:
    """Claims in a Chinese article (:mod:`extractors.claims_zh`), as :class:`Claim` rows with canonical names."""
    rules = chinese_rules()
    claims: list[Claim] = []
    topic: list[ZhMention] = []
    seen: set[tuple[Any, ...]] = set()
    for start, end in bounded_spans(text, split_sentences_zh(text)):
        sentence = text[start:end]
        mentions = rules.mentions(sentence)  # parsed once for the claims and the article's opening subject
        found = rules.claims(sentence, topic, mentions)
        if not topic:
            topic = [m for m in mentions if m.model][:1]
        hedged = rules.hedged(sentence)
        for subj, relation, obj, negated, _cue in found:
            claimant = rules.claimant(sentence, {subj.org})
            stripped = sentence.strip()
            at = start + (len(sentence) - len(sentence.lstrip()))
            claim = claim_row(
                article_id, subj, relation, obj, rules.domain(sentence), claimant, negated, hedged, stripped, at
            )
            claim.disputed = rules.disputed(sentence)
            if (claim.claim_key, claim.start_char) not in seen:
                seen.add((claim.claim_key, claim.start_char))
                claims.append(claim)
            topic = [subj]
    return drop_subsumed(claims)


@lru_cache(maxsize=1)
def _built_extractor() -> ClaimExtractor:
    # built once per process (the spaCy patterns take a moment) and never read with: every reader is a copy
    return ClaimExtractor()


def default_extractor() -> ClaimExtractor:
    """An extractor of its own (the names it discovers stay its own), sharing the process's built patterns."""
    x = copy.copy(_built_extractor())
    x.discovered = {}
    return x
