"""Who asserts a claim: the subject's own firm (``self``), a named or unnamed ``third_party``, or the ``outlet``.

Read in this order: what the sentence says ("according to X", "X said", "the company said", "..., Moonshot
said"); then who wrote the article ("Today we are releasing ..."); then a benchmark the sentence names ("On
SWE-bench, ...": a third party's measurement).
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span

from extractors.claims.facts import sentence_facts
from extractors.claims.lexicon import LEXICON
from extractors.claims.records import Mention
from extractors.claims.reference import named_outside_attribution
from extractors.claims.state import ArticleState, LazyContext
from extractors.claims.text import lower_tokens


def claimant(
    article: ArticleState,
    doc: Doc,
    mentions: list[Mention],
    cue: Span,
    subjects: list[Mention],
    context: LazyContext,
) -> tuple[str, str | None]:
    """Who asserts the claim of ``cue`` about ``subjects``, and their name when the text gives one.

    What the sentence says first (an attribution, a speaker, a spokesperson); a sentence that says nothing
    or names only what was measured ("across standard benchmarks") in an article its subject's firm wrote
    ("Today we are releasing ...") is the firm's own claim; else a named benchmark ("On SWE-bench, ...")
    makes it a third party's measurement.
    """
    subj_orgs = {s.org for s in subjects}
    subj_starts = frozenset(s.start for s in subjects)
    toks = lower_tokens(doc)  # once per sentence, not once per claim
    third_party_before = any(w in LEXICON.third_party_words for w in toks[: cue.start])
    who, name = (
        according_to(toks, mentions, subj_orgs)
        or speaking_before(toks, mentions, cue, subj_orgs, context, subj_starts)
        or speaking_after(toks, mentions, cue, subj_orgs)
        or (("third_party", None) if third_party_before else ("outlet", None))
    )
    weak = who == "third_party" and name is None and not strong_third_party(doc, cue)
    if (who == "outlet" or weak) and article.author is not None and article.author in subj_orgs:
        return "self", article.author
    if who == "outlet":
        bench = sentence_facts(doc).benchmark
        if bench is not None:
            return "third_party", bench
    return who, name


def strong_third_party(doc: Doc, cue: Span) -> bool:
    """True when an outside party words it (researchers, analysts), not only what was measured (benchmarks)."""
    return any(
        t.lower_ in LEXICON.third_party_words and t.lower_ not in LEXICON.weak_third_party_words
        for t in doc[: cue.start]
    )


def author_firm(article: ArticleState) -> str | None:
    """The firm that wrote the article when it speaks of its own model ("Today we are releasing OLMo 2")."""
    text, sentences = article.text, article.sentences
    m = LEXICON.author_cues.search(text, 0, min(len(text), 4000))
    if m is None:
        return None
    at = bisect_left([e for _, e in sentences], m.start())
    for j in (at, at - 1, at + 1):
        if 0 <= j < len(sentences):
            named = named_outside_attribution(article, text[sentences[j][0] : sentences[j][1]])
            owned = [x for x in named if x.model] or named
            if owned:
                return owned[0].org
    return None


def according_to(toks: list[str], mentions: list[Mention], subj_orgs: set[str | None]) -> tuple[str, str | None] | None:
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


def _speaker_before(toks: list[str], mentions: list[Mention], i: int) -> list[Mention]:
    """The side that speaks with the verb at ``i``: named right before it, or a firm whose person or unit it is.

    "Robin Li, Baidu's founder and CEO, said", "Alibaba's cloud unit asserted": a role word near the verb.
    """
    speaker = [m for m in mentions if m.end <= i and i - m.end <= 2]
    if not speaker:
        near = range(max(0, i - 10), i)
        if any(toks[k] in LEXICON.role_words for k in near):
            speaker = [m for m in mentions if m.org and m.start in near and not m.model]
    return speaker


def _the_company(context: LazyContext, subj_orgs: set[str | None]) -> tuple[str, str | None]:
    """For "The company said": a firm named before (not a model: "superiority over GPT-4o. The company said")."""
    firms: list[str | None] = [m.org for m in context.mentions if m.org and not m.model]
    if not firms:  # no firm named before: the latest name, whatever it is
        firms = [m.org for m in context.mentions[-1:]]
    if not firms or firms[-1] is None or any(f in subj_orgs for f in firms):
        return "self", next((f for f in firms if f in subj_orgs), None)
    return "third_party", firms[-1]


def speaking_before(
    toks: list[str],
    mentions: list[Mention],
    cue: Span,
    subj_orgs: set[str | None],
    context: LazyContext,
    subj_starts: frozenset[int],
) -> tuple[str, str | None] | None:
    """A speaker before the cue: "X said/claims/found (that) ...", "testing by X found", "the company said"."""
    for i, tok in enumerate(toks):
        if tok not in LEXICON.speech_verbs or i >= cue.start:
            continue
        speaker = [m for m in mentions if m.end <= i and i - m.end <= 2]
        if speaker and tok in LEXICON.model_speech_verbs and speaker[-1].model and speaker[-1].start in subj_starts:
            continue  # "MiMo-9B shows higher accuracy": the model shows it, nobody is quoted
        speaker = speaker or _speaker_before(toks, mentions, i)
        if speaker:
            m = speaker[-1]
            if m.org in subj_orgs or m.org is None and m.group:
                return ("self", m.org) if m.org else ("outlet", None)
            return "third_party", m.org
        window = toks[max(0, i - 3) : i]
        if any(w in LEXICON.company_refs for w in window) and ("the" in window or "company" in window):
            return _the_company(context, subj_orgs)
        if any(w in LEXICON.possessive_pronouns or w in LEXICON.subject_pronouns for w in toks[max(0, i - 6) : i]):
            return "self", next(iter(o for o in subj_orgs if o), None)
        if any(w in LEXICON.third_party_words for w in toks[max(0, i - 4) : i]):
            return "third_party", None
    return None


def speaking_after(
    toks: list[str], mentions: list[Mention], cue: Span, subj_orgs: set[str | None]
) -> tuple[str, str | None] | None:
    """Self-description after the cue: "..., the company said" / "Moonshot said."."""
    for i in range(cue.end, len(toks)):
        if toks[i] in LEXICON.speech_verbs:
            speaker = [m for m in mentions if m.end <= i and i - m.end <= 2 and m.start >= cue.end]
            if speaker and speaker[-1].org and speaker[-1].org not in subj_orgs:
                return "third_party", speaker[-1].org
            if speaker and speaker[-1].org in subj_orgs:
                return "self", speaker[-1].org
            window = toks[max(0, i - 3) : i]
            if any(w in LEXICON.company_refs for w in window):
                return "self", next(iter(o for o in subj_orgs if o), None)
            if any(w in LEXICON.third_party_words for w in toks[max(0, i - 4) : i]):
                return "third_party", None
    return None
