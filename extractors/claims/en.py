"""The English rules end to end, and :class:`ClaimExtractor`, the one entry point for either language.

Flow per article: normalise the text and blank its links; split it into sentences (a fast regex splitter that
knows common abbreviations); keep only sentences containing a comparison cue (a cheap pre-filter); parse those
on the blank spaCy pipeline with the gazetteer and the names the article introduces; then, per sentence, each
cue's sides (:mod:`sides`), subjects (:mod:`subjects`) and objects (:mod:`objects`) become claim rows
(:mod:`emit`). A head-to-head article's one-sided cues are read by :mod:`head_to_head`.
"""

from __future__ import annotations

import copy
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.claims.claimant import author_firm
from extractors.claims.cue_matchers import CueMatchers
from extractors.claims.cues import find_cues
from extractors.claims.emit import emit_at_cue
from extractors.claims.facts import hedged
from extractors.claims.head_to_head import head_to_head_claims, head_to_head_pair
from extractors.claims.lexicon import LEXICON
from extractors.claims.names import KnownNames, ShortNames, mentions, possible_sides
from extractors.claims.objects import cue_objects
from extractors.claims.records import Claim, Reading, drop_subsumed
from extractors.claims.reference import earlier_context
from extractors.claims.sides import cue_sides
from extractors.claims.state import ArticleState, LazyContext, ReadLimits, SentenceScan
from extractors.claims.subjects import cue_subjects
from extractors.claims.text import blank_links, bounded_spans, over_limit, sentence_spans
from extractors.claims.zh import read_chinese
from extractors.discovery import Discovered, add_discovered, discover
from extractors.entities import build_nlp
from extractors.language import is_chinese
from extractors.text_normalization import normalize_text
from extractors.vocab import load_data


def claims_in_sentence(
    matchers: CueMatchers, article: ArticleState, article_id: str, doc: Doc, offset: int, context: LazyContext
) -> list[Claim]:
    """Every claim one sentence makes: each comparison cue with the sides it relates."""
    if doc.text.rstrip().endswith("?"):
        return []
    found = mentions(doc, article.names)
    cues = find_cues(matchers, doc)
    if not cues:
        return []
    if len(cues) > LEXICON.max_cues_per_sentence:  # past that, no sentence of prose: bounded time, on record
        article.limits.cues_not_read += len(cues) - LEXICON.max_cues_per_sentence
    scan = SentenceScan(article_id, article, doc, offset, context, found, possible_sides(doc, found), cues, hedged(doc))
    for n in range(min(len(cues), LEXICON.max_cues_per_sentence)):
        sides = cue_sides(scan, n)
        if sides is None:
            continue
        subjects = cue_subjects(scan, sides)
        if not subjects:
            continue
        pair = cue_objects(scan, sides, subjects)
        if pair is not None:
            emit_at_cue(scan, sides, *pair)
    return scan.out


class ClaimExtractor:
    """Extract :class:`Claim` rows from article text. Build once; reuse for many articles."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or build_nlp()
        self.matchers = CueMatchers(self.nlp, load_data("relations.yaml"))
        self.short_names = ShortNames()
        # names discovered in earlier articles (this extractor's lifetime, or preloaded from the warehouse)
        self.discovered: dict[str, Discovered] = {}

    def extract(self, article_id: str, text: str, title: str | None = None) -> list[Claim]:
        """All claims in one article's text (Chinese text goes to the Chinese rules); see :meth:`read`."""
        return self.read(article_id, text, title).claims

    def read(self, article_id: str, text: str, title: str | None = None) -> Reading:
        """One article's claims and the bounds its reading hit (Chinese text goes to the Chinese rules).

        ``title``, when given, is read only for what the article compares ("Claude vs GPT-4o"); claims come
        from the text (a title that is not in the text is no evidence sentence).
        """
        normalized = normalize_text(text)  # one normalisation for every path (NBSP, zero-width, hyphens, runs)
        if is_chinese(normalized.text):
            claims, limits = read_chinese(article_id, normalized.text)
        else:
            claims, limits = self._extract_english(article_id, normalized.text, title)
        if normalized.text != text:
            for claim in claims:  # evidence offsets and sentence point into the text as given
                claim.start_char = normalized.original_offset(claim.start_char)
                claim.end_char = normalized.original_offset(claim.end_char)
                claim.sentence = text[claim.start_char : claim.end_char]
        return Reading(claims, limits.reasons(LEXICON.max_sentence_chars, LEXICON.max_cues_per_sentence))

    def extract_alone(self, article_id: str, text: str, title: str | None = None) -> Reading:
        """One article's :meth:`read` seeing only the names already in :attr:`discovered`, which stays unchanged.

        The reading's ``introduced`` holds the names the article introduced. Unlike :meth:`extract`, the result
        does not depend on which articles this extractor read before, so articles can be read in any order (or in
        other processes) and put in order afterwards (see ``extractors.rules.ClaimRules.confirm_in_order``).
        """
        known = self.discovered
        self.discovered = dict(known)
        try:
            reading = self.read(article_id, text, title)
            reading.introduced = {k: v for k, v in self.discovered.items() if k not in known}
        finally:
            self.discovered = known
        return reading

    def _extract_english(self, article_id: str, text: str, title: str | None) -> tuple[list[Claim], ReadLimits]:
        """The claims of an English article's normalised text, and the bounds its reading hit."""
        original = text
        text = blank_links(text)  # URLs go (blanked with spaces: offsets hold)
        whole = sentence_spans(text)
        article = ArticleState(text, bounded_spans(text, whole), self.nlp)
        article.limits.sentences_cut = over_limit(whole)
        head_to_head, candidates = self._candidate_sentences(article, title)
        if not candidates:
            return [], article.limits
        docs = self._parse_candidates(article, candidates)
        claims: list[Claim] = []
        seen: set[tuple[Any, ...]] = set()
        pair = head_to_head_pair(self.matchers, article, title) if head_to_head else None
        for i in candidates:
            start = article.sentences[i][0]
            context = earlier_context(article, i)
            found_here = claims_in_sentence(self.matchers, article, article_id, docs[i], start, context)
            if not found_here and pair is not None:
                found_here = head_to_head_claims(self.matchers, article, article_id, docs[i], start, context, pair)
            for claim in found_here:
                if original is not text:
                    claim.sentence = original[claim.start_char : claim.end_char]
                dedup = (claim.claim_key, claim.start_char)
                if dedup not in seen:
                    seen.add(dedup)
                    claims.append(claim)
        return drop_subsumed(claims), article.limits

    def _candidate_sentences(self, article: ArticleState, title: str | None) -> tuple[bool, list[int]]:
        """Whether the article is a head-to-head comparison, and the sentences with a cue phrase (by index)."""
        text, sentences = article.text, article.sentences
        hits = self.matchers.positions(text)
        marker = self.matchers.h2h_marker
        head_to_head = bool(sentences) and bool(marker.search(title or "") or marker.search(text[: sentences[0][1]]))
        if head_to_head:
            hits += [m.start() for m in self.matchers.h2h_prefilter.finditer(text)]
        if not hits:
            return head_to_head, []
        ends = [e for _, e in sentences]
        return head_to_head, sorted({i for i in (bisect_left(ends, h) for h in hits) if i < len(sentences)})

    def _parse_candidates(self, article: ArticleState, candidates: list[int]) -> dict[int, Doc]:
        """Parse the candidate sentences once each, with the names this article and earlier ones introduced."""
        text, sentences = article.text, article.sentences
        new = discover(article.parse, [text[s:e] for s, e in sentences[: candidates[-1] + 1]], self.discovered)
        self.discovered.update(new)
        short = self.short_names.introduced(text, sentences, candidates, self.discovered)
        article.names = KnownNames({**short, **self.discovered}, frozenset(short))
        article.author = author_firm(article)
        todo = [text[sentences[i][0] : sentences[i][1]] for i in candidates]
        unparsed = list(dict.fromkeys(t for t in todo if t not in article.docs))  # a repeated sentence once
        for sent, doc in zip(unparsed, self.nlp.pipe(unparsed), strict=True):
            article.docs[sent] = doc
        found = article.names.found
        return {i: add_discovered(article.docs[t], found) for i, t in zip(candidates, todo, strict=True)}


@lru_cache(maxsize=1)
def _built_extractor() -> ClaimExtractor:
    # built once per process (the spaCy patterns take a moment) and never read with: every reader is a copy
    return ClaimExtractor()


def default_extractor() -> ClaimExtractor:
    """An extractor of its own (the names it discovers stay its own), sharing the process's built patterns."""
    x = copy.copy(_built_extractor())
    x.discovered = {}
    return x
