"""References to sides named elsewhere.

References to sides named elsewhere: "its model", "the company", "it", "they", "both models", "which", an
object "it", and a sentence that names nobody but continues the article's subject or its section's heading.

What a reference resolves to comes from the sentence itself, else the article's latest claim
(:class:`ArticleState` ``topic``), else the two sentences before, else what the article opened with.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from spacy.tokens import Doc

from extractors.claims.coordination import coordinated
from extractors.claims.lexicon import LEXICON
from extractors.claims.names import in_attribution
from extractors.claims.records import Mention
from extractors.claims.state import ArticleState, LazyContext, SentenceScan
from extractors.claims.text import lower_tokens


def possessive_reference(
    article: ArticleState, doc: Doc, before: int, mentions: list[Mention], context: LazyContext
) -> list[Mention]:
    """Resolve "its/their <model>" or "the company" just before token ``before`` to earlier firms."""
    lo = max(0, before - 5)
    window = [t.lower_ for t in doc[lo:before]]
    pron = next((k for k in range(len(window) - 1, -1, -1) if window[k] in LEXICON.possessive_pronouns), None)
    is_company = any(w in LEXICON.company_refs for w in window) and "the" in window
    if pron is None and not is_company:
        return []
    at = lo + (pron if pron is not None else 0)
    earlier = [m for m in mentions if m.end <= at and m.org]
    if earlier:
        return coordinated(doc, earlier, len(earlier) - 1)
    # no referent in the sentence: the subject of the sentence before, i.e. its claim's subject ("Phi-3 can
    # beat X. Its context window is as big as Y") or else its first named side ("360 released a tool. The
    # company said its ..."); then the latest named firm or model
    if article.topic and article.topic_at == context.index - 1:
        return list(article.topic)
    previous = [m for m in context.mentions if m.sentence == context.index - 1]
    if previous:
        return [previous[0]]
    if context.mentions:
        return [context.mentions[-1]]
    return list(article.topic)


def modifies_other_noun(doc: Doc, m: Mention) -> bool:
    """True for a name in the possessive before a noun that is not a model word ("DeepSeek-R1's launch")."""
    nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
    return len(nxt) == 2 and nxt[0] in LEXICON.possessive_markers and nxt[1] not in LEXICON.model_refs


def resolve_pronoun(scan: SentenceScan, pronoun_at: int) -> list[Mention]:
    """What "it", "they", "the model", "both models", "our flagship model" before a cue refers to.

    The subjects of the sentence's previous claim ("A did not match B, and it trailed B"), else the nearest
    named model earlier in the sentence ("Google released Gemini 2.5 Pro, and it tops ..."), else the
    subjects of the article's latest claim, else the latest named model (or firm) of the two sentences before.
    """
    doc = scan.doc
    earlier = [m for m in scan.previous_subjects if m.org or m.model]
    if earlier:
        return earlier
    same = [
        m
        for m in scan.sides
        if m.end <= pronoun_at
        and not in_attribution(doc, m)
        and m not in scan.previous_objects
        and not modifies_other_noun(doc, m)
    ]
    plural = doc[pronoun_at].lower_ in LEXICON.plural_refs or any(
        t.lower_ in LEXICON.pair_words for t in doc[max(0, pronoun_at - 2) : pronoun_at]
    )
    named = [m for m in same if m.model] or [m for m in same if m.org]
    if named:
        return coordinated(doc, named, len(named) - 1) if plural else [named[-1]]
    if scan.article.topic:
        return list(scan.article.topic)
    context = scan.context
    ref = [m for m in context.mentions if m.model] or [m for m in context.mentions if m.org]
    if ref:
        return [ref[-1]]
    return context.lead  # "The 8B model. ... It matches X": the model the article opened with


def subject_pronoun(doc: Doc, lo: int, cue_start: int, reach: int = 5) -> int | None:
    """Token index of "it"/"they"/"the model"/"both models"/"our flagship model" as the subject of a cue.

    Looked for in the ``reach`` tokens before the cue (not before ``lo``).
    """
    for k in range(cue_start - 1, max(lo, cue_start - reach) - 1, -1):
        w = doc[k].lower_
        if w in LEXICON.subject_pronouns:
            return k
        if w in LEXICON.model_refs and any(t.lower_ in LEXICON.model_determiners for t in doc[max(lo, k - 3) : k]):
            if any(t.lower_ in LEXICON.possessive_markers for t in doc[max(lo, k - 4) : k]):
                return None  # "Zhipu AI's new model": possessed by a named side, not a reference
            return k
    return None


def relative_subject(doc: Doc, sides: list[Mention], cue_start: int) -> list[Mention]:
    """The mention a relative pronoun right before the cue refers to ("Llama 3, which surpasses Gemini")."""
    k = cue_start - 1
    while k >= 0 and (doc[k].lower_ in LEXICON.adverbs_before_cue or doc[k].lower_ in LEXICON.relative_fillers):
        k -= 1
    if k < 1 or doc[k].lower_ not in LEXICON.relative_pronouns:
        return []
    j = k - 1
    if doc[j].is_punct:
        j -= 1
    before = [m for m in sides if m.end == j + 1]
    return [before[-1]] if before else []


def object_reference(doc: Doc, at: int) -> bool:
    """True for "it" / "the model" / "that system" right after a cue, ending its clause."""
    toks = lower_tokens(doc)
    words = 1 if toks[at : at + 1] == ["it"] else 0
    if at + 1 < len(toks) and toks[at] in LEXICON.object_determiners and toks[at + 1] in LEXICON.object_nouns:
        words = 2
    end = at + words
    return bool(words) and (
        end >= len(doc) or doc[end].is_punct or toks[end] in LEXICON.parallel_prepositions or toks[end] == "by"
    )


def earlier_object(scan: SentenceScan) -> list[Mention]:
    """The model an object reference names: the latest of the two sentences before, of a firm this one names not."""
    taken = {m.org for m in scan.sides}
    earlier = [m for m in scan.context.mentions if m.model and m.org not in taken]
    return earlier[-1:]


def named_outside_attribution(article: ArticleState, sentence: str) -> list[Mention]:
    """Mentions with a firm in ``sentence`` that are not the source of an attribution ("according to X")."""
    doc = article.parse(sentence)
    return [m for m in article.mentions_of(sentence) if m.org and not in_attribution(doc, m)]


def lead_subject(article: ArticleState) -> list[Mention]:
    """The first named model of the article's first three sentences, else its first named firm."""
    text = article.text
    found = [m for s, e in article.sentences[:3] for m in named_outside_attribution(article, text[s:e])]
    named = [m for m in found if m.model] or found
    return [named[0]] if named else []


def section_subject(article: ArticleState, i: int) -> tuple[int, list[Mention]]:
    """The model a heading line before sentence ``i`` names, with the heading's index; (-1, []) if none.

    A heading is a short line (at most ``heading_words`` words) with no closing punctuation. The nearest
    heading counts: one that names no single model ends the search (a new section about something else).
    """
    text, sentences = article.text, article.sentences
    # only a heading after the latest claim's sentence can take over from that claim's subject
    for j in range(i - 1, max(-1, i - LEXICON.heading_reach, article.topic_at), -1):
        line = text[sentences[j][0] : sentences[j][1]].strip()
        if (
            not line
            or len(line.split()) > LEXICON.heading_words
            or line[-1] in LEXICON.heading_ends
            or line[0] in LEXICON.bullets
        ):
            continue  # a sentence, a label ("Key Features:") or a bullet of the list itself
        models = [m for m in named_outside_attribution(article, line) if m.model]
        return (j, models) if len(models) == 1 else (-1, [])
    return -1, []


def context_mentions(article: ArticleState, i: int) -> list[Mention]:
    """Named mentions in the two sentences before sentence ``i`` (for "the company", "its model")."""
    out: list[Mention] = []
    for j in range(max(0, i - 2), i):
        s, e = article.sentences[j]
        named = named_outside_attribution(article, article.text[s:e])
        out.extend(replace(m, sentence=j) for m in named if m.org not in LEXICON.evaluators)
    return out


def earlier_context(article: ArticleState, i: int) -> LazyContext:
    """What sentence ``i`` may refer back to, each part computed only if a rule asks for it."""
    return LazyContext(
        functools.partial(context_mentions, article, i),
        i,
        functools.partial(lead_subject, article),
        functools.partial(section_subject, article, i),
    )
