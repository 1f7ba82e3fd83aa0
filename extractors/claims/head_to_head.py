"""Head-to-head articles: one-sided cues between the two sides of a "vs." title.

Head-to-head articles ("Minimax vs. GPT-4o: ..."): clauses that name one side of the pair with a one-sided
cue ("Minimax leads in long context, while GPT-4o dominates in reasoning") say that side beats the other;
"neither model is better" denies both directions; "the two are comparable" is parity.

Read only for sentences where the ordinary rules found nothing, in an article whose title or first sentence
sets two firms' names against each other.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.claims.cue_matchers import CueMatchers
from extractors.claims.emit import claim_rows
from extractors.claims.facts import hedged
from extractors.claims.lexicon import LEXICON
from extractors.claims.names import mentions as mentions_in
from extractors.claims.negation import denied_before
from extractors.claims.records import Claim, Mention
from extractors.claims.state import ArticleState, LazyContext, SentenceScan
from extractors.discovery import add_discovered


def head_to_head_pair(
    matchers: CueMatchers, article: ArticleState, title: str | None
) -> tuple[Mention, Mention] | None:
    """The two sides of a head-to-head title ("Minimax vs. GPT-4o: ..."), or None.

    The side is the named mention right before the marker and the one right after it; they must belong to
    different firms.
    """
    text, sentences = article.text, article.sentences
    for line in (title, text[sentences[0][0] : sentences[0][1]] if sentences else None):
        if not line or not (m := matchers.h2h_marker.search(line)):
            continue
        doc = add_discovered(article.parse(line), article.names.found)
        named = [x for x in mentions_in(doc, article.names) if x.org and x.org not in LEXICON.evaluators]
        before = [x for x in named if doc[x.end - 1].idx < m.start()]
        after = [x for x in named if doc[x.start].idx >= m.end()]
        if before and after and before[-1].org != after[0].org:
            return before[-1], after[0]
    return None


def clause_cues(doc: Doc, cues: list[Span], lo: int, hi: int) -> list[Span]:
    """The head-to-head cues of tokens ``lo:hi``.

    "all three leading models" (a cue word describing a noun of models) compares nothing.
    """
    here = [c for c in filter_spans(cues) if lo <= c.start and c.end <= hi]
    return [
        c for c in here if c.label_ == "neither" or c.end >= len(doc) or doc[c.end].lower_ not in LEXICON.model_refs
    ]


def _clauses(doc: Doc) -> list[tuple[int, int]]:
    """Token bounds of the sentence's clauses, split at clause breaks ("but", "while", ";")."""
    breaks = [t.i for t in doc if t.lower_ in LEXICON.clause_breaks]
    return list(zip([0, *[b + 1 for b in breaks]], [*breaks, len(doc)], strict=True))


def _clause_claims(
    scan: SentenceScan, pair: tuple[Mention, Mention], here: list[Span], lo: int, hi: int
) -> list[Claim]:
    """The claims of one clause with head-to-head cues ``here``."""
    doc, mentions, cue = scan.doc, scan.mentions, here[0]
    a, b = pair
    if cue.end < len(doc) and doc[cue.end].lower_ in LEXICON.comparison_followers:
        return []  # "better than last year": a comparison the ordinary rules did not take
    if any(c.label_ == "neither" for c in here):
        if any(c.label_ == "surpass" for c in here):
            return claim_rows(scan, [a], "surpass", [b], True, cue) + claim_rows(scan, [b], "surpass", [a], True, cue)
        return []
    sides = {m.org for m in mentions if lo <= m.start and m.end <= hi and m.org}
    if cue.label_ == "parity":
        # "the two models are comparable", "Both are neck and neck on math", "A and B look similar"
        if len(sides) == 2 or any(t.lower_ in LEXICON.pair_refs for t in doc[lo:hi]):
            return claim_rows(scan, [a], "parity", [b], False, cue)
        return []
    if len(sides) != 1:
        return []
    subject, other = (a, b) if sides == {a.org} else (b, a)
    named = [m for m in mentions if m.org == subject.org and lo <= m.start and m.end <= hi][:1]
    than = next((t.i for t in doc[cue.end : hi] if t.lower_ == "than"), None)
    if than is not None and named[0].start > than:
        # "The model shows a stronger grasp of Chinese than GPT-4's attempts": the named side lost
        named, other = [other], named[0]
    if denied_before(doc, cue, lo):
        return []  # "the benchmarks Opus did not win": what was not won is rarely said against the other side
    if cue.label_ == "surpass" and named:
        return claim_rows(scan, named[:1], "surpass", [other], False, cue)
    return []


def head_to_head_claims(
    matchers: CueMatchers,
    article: ArticleState,
    article_id: str,
    doc: Doc,
    offset: int,
    context: LazyContext,
    pair: tuple[Mention, Mention],
) -> list[Claim]:
    """Claims a head-to-head article makes with one-sided cues, clause by clause."""
    if doc.text.rstrip().endswith("?"):
        return []
    found = mentions_in(doc, article.names)
    if any(m.org and m.org not in {pair[0].org, pair[1].org} for m in found):
        return []  # a third firm: the ordinary rules' business
    cues = [Span(doc, s, e, label=label) for label, s, e in matchers.h2h_matcher(doc)]
    scan = SentenceScan(article_id, article, doc, offset, context, found, found, cues, hedged(doc))
    out: list[Claim] = []
    for lo, hi in _clauses(doc):
        here = clause_cues(doc, cues, lo, hi)
        if here:
            out += _clause_claims(scan, pair, here, lo, hi)
    return out
