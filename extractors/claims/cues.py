"""Which comparison cues a sentence holds: matched phrases, less those that compare nothing here.

Not cues: a cue word inside an entity ("top models"); a verb cue used as a noun after a determiner ("the
approach taken", "the top spot"); "behind" after a maker ("the company behind Kimi"); a cue after an aspiration
("aims to match") or bound by a blocker ("tied to OpenAI"). A parity cue and a surpass cue joined by "or" are
one parity cue ("as good as or better than").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.claims.cue_matchers import CueMatchers
from extractors.claims.lexicon import LEXICON
from extractors.claims.ranking import LEFT_OBJECT_RELATIONS
from extractors.claims.text import lower_tokens


def _matched(matchers: CueMatchers, doc: Doc) -> list[Span]:
    """Every cue span the matchers find outside entities (the token matchers only where their regex says so)."""
    inside = {i for e in doc.ents for i in range(e.start, e.end)}
    found = list(matchers.cue_matcher(doc))
    lowered = doc.text.lower()
    if matchers.gapped_prefilter is not None and matchers.gapped_prefilter.search(lowered):
        found += matchers.gapped_matcher(doc)
    if any(w in lowered for w in LEXICON.compared_words):
        found += matchers.compared_matcher(doc)
    if matchers.may_have_multiple_of(lowered):
        found += matchers.multiple_of_matcher(doc)  # a sentence's text: the substring tests cost little here
    return [Span(doc, s, e, label=m) for m, s, e in found if not inside & set(range(s, e))]


def find_cues(matchers: CueMatchers, doc: Doc) -> list[Span]:
    """Comparison cues of the sentence in order, without those that compare nothing here."""
    kept: list[Span] = []
    toks = lower_tokens(doc)
    model_ends = {e.end for e in doc.ents if e.label_ == "MODEL"}
    for span in coordinated_cues(doc, filter_spans(_matched(matchers, doc))):
        if span.label_ in LEFT_OBJECT_RELATIONS and span.start not in model_ends:
            continue  # "high-level", "world-class": no model right before the level word
        before = toks[span.start - 1] if span.start else ""
        words = span.text.lower().split()
        if len(words) == 1 and before in LEXICON.determiners:
            continue
        if before in LEXICON.possessive_markers and possessed_noun(doc, span.start - 1):
            continue  # "China's equivalent to Google", "OpenAI's rival": a noun, not a verb
        after = toks[span.end] if span.end < len(toks) else ""
        if blocked(doc, span, toks):
            continue  # "tied to OpenAI", "ties its future to OpenAI": bound to it, not level with it
        if len(words) == 1 and after in LEXICON.noun_followers and (after != "such" or span.end + 1 < len(doc)):
            continue  # "older rivals like GPT-4o", "top rivals such as ...": a noun, not a verb
        if words[0] == "behind" and before in LEXICON.maker_nouns:
            continue
        if after_aspiration(doc, span.start):
            continue
        if len(words) == 1 and kept and kept[-1].end == span.start:
            continue  # "beats rivals from OpenAI", "outperforms leaders": a cue word right after a cue is its noun
        kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def possessed_noun(doc: Doc, s_at: int) -> bool:
    """True when the "'s" at ``s_at`` is a possessive (not "it's" / "that's") of a word that names no side."""
    if s_at < 1:
        return False
    owner = doc[s_at - 1]
    return owner.lower_ not in LEXICON.not_possessors and not owner.ent_type_


def coordinated_cues(doc: Doc, spans: list[Span]) -> list[Span]:
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
            and set(glue) <= LEXICON.cue_or_glue
            and {prev.label_, span.label_} == {"parity", "surpass"}
        ):
            out[-1] = Span(doc, prev.start, span.end, label="parity")
            continue
        out.append(span)
    return out


def blocked(doc: Doc, span: Span, toks: list[str]) -> bool:
    """True when a blocker word of the cue (relations.yaml cue_blockers) follows it within three tokens.

    Before any name: "tied to OpenAI", "ties its future to OpenAI" (not "ties GPT-6 for first").
    """
    blockers = LEXICON.cue_blockers.get(span.text.lower())
    if not blockers:
        return False
    for k in range(span.end, min(span.end + 3, len(toks))):
        if doc[k].ent_type_:
            return False
        if toks[k] in blockers:
            return True
    return False


def after_aspiration(doc: Doc, at: int) -> bool:
    """True for a cue after "to" that completes an aspiration: "aims to match", "is relying on AI to surpass"."""
    toks = lower_tokens(doc)
    if at < 2 or toks[at - 1] != "to":
        return False
    if toks[at - 2] in LEXICON.obligations:
        return True  # "it only has to beat X": an obligation, not a claim
    return any(t in LEXICON.aspirations for t in toks[max(0, at - 5) : at - 1])
