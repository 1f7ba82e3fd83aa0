"""Who a cue is said of.

Who a cue is said of: a name before it (with its list), a pronoun or reference, a relative clause's head,
the subject of the clause before ("A trails B on x but beats C on y"), or the article's subject for a clause
that names nobody ("Competitive position: matches Claude 3.5 Sonnet").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from extractors.claims.coordination import coordinated
from extractors.claims.lexicon import LEXICON
from extractors.claims.records import Mention
from extractors.claims.reference import possessive_reference, relative_subject, resolve_pronoun, subject_pronoun
from extractors.claims.state import CueSides, SentenceScan


def _words(doc: Doc, start: int, end: int) -> set[str]:
    return {t.lower_ for t in doc[start:end]}


def _continues_clause(scan: SentenceScan, cs: CueSides, subjects: list[Mention]) -> list[Mention]:
    """The clause before's subject, when this cue's clause has none of its own and continues that one."""
    doc, cue, n, prev_end = scan.doc, cs.cue, cs.n, cs.prev_end
    breaks = LEXICON.contrast | {",", ";"}
    if (
        n
        and not subjects
        and not cs.left
        and scan.previous_subjects
        and scan.previous_objects
        and not any(prev_end <= m.start < cue.start for m in scan.mentions)
        and _words(doc, prev_end, cue.start) & breaks
    ):
        # "matches X on most benchmarks, outperforms on multilingual, slightly behind on creative writing":
        # a clause with no subject of its own continues the one before
        cs.same_subject = True
        return scan.previous_subjects
    if n and cs.passive and not subjects and not cs.left and scan.previous_subjects:
        # "X tops the arena, narrowly trailed by Y": a reduced passive continues the clause before's subject
        return scan.previous_subjects
    if n and not subjects and not cs.left and scan.previous_subjects and participle_clause(doc, cue, prev_end):
        # "It outperforms larger models, even surpassing X": the participle continues the clause's subject
        return scan.previous_subjects
    return subjects


def cue_subjects(scan: SentenceScan, cs: CueSides) -> list[Mention]:
    """Who the cue is said of: a name before it, a pronoun or reference, or the clause before's subject."""
    doc, cue, n, prev_end = scan.doc, cs.cue, cs.n, cs.prev_end
    subjects = possessive_reference(scan.article, doc, cue.start, scan.mentions, scan.context)
    pronoun_at = subject_pronoun(doc, cs.left[-1].end if cs.left else prev_end, cue.start)
    relative = relative_subject(doc, scan.sides, cue.start)
    if relative:
        subjects, cs.left = relative, []
    elif pronoun_at is not None and not subjects:
        subjects = resolve_pronoun(scan, pronoun_at)
        cs.left = []
    breaks = LEXICON.contrast | {",", ";"}
    if (
        n
        and cs.left
        and all(m in scan.previous_objects for m in cs.left)
        and _words(doc, cs.left[-1].end, cue.start) & breaks
    ):
        # "A trails B on x but beats C on y", "A: smarter than B, cheaper than C": same subject A
        subjects, cs.left = scan.previous_subjects, []
        cs.same_subject = True
    if subjects and cs.left and cs.left[-1].end > cue.start - 5 and cs.left[-1].org:
        if not _words(doc, cs.left[-1].end, cue.start) & LEXICON.possessive_pronouns:
            subjects = []
    subjects = _continues_clause(scan, cs, subjects)
    if not subjects and not cs.left:
        subjects = subject_further_back(scan, cs)
    if not subjects and cs.left:
        subjects = coordinated(doc, cs.left, len(cs.left) - 1)
        # "A beats B and C beats D": B was the cue before's object, C alone is this cue's subject
        subjects = [m for m in subjects if m not in scan.previous_objects] or subjects
    return subjects


def participle_clause(doc: Doc, cue: Span, prev_end: int) -> bool:
    """True for a cue in -ing after a comma (adverbs aside) that names nobody since the cue before."""
    if not cue[0].lower_.endswith("ing"):
        return False
    k = cue.start - 1
    while k >= prev_end and (doc[k].lower_ in LEXICON.adverbs_before_cue or doc[k].lower_.endswith("ly")):
        k -= 1
    return k >= prev_end and doc[k].text == ","


def cue_opens_clause(doc: Doc, cue: Span, reach: int = 8) -> bool:
    """True when at most ``reach`` tokens stand between the sentence start (or its last colon) and the cue."""
    start = max((t.i + 1 for t in doc[: cue.start] if t.text in (":", "—", "–")), default=0)
    return cue.start - start <= reach


def subject_further_back(scan: SentenceScan, cs: CueSides) -> list[Mention]:
    """A clause that names no subject before its cue: a reference further back, or the article's subject."""
    doc, cue = scan.doc, cs.cue
    # "It is an especially capable code model, surpassing X", "The Pro model scores 86%, ranking third
    # behind X": a reference to the article's subject further back in the clause
    far = subject_pronoun(doc, cs.prev_end, cue.start, reach=cue.start - cs.prev_end)
    opening = cs.prev_end if cs.n else 0
    if far is None and doc[opening].lower_ in LEXICON.possessive_pronouns:
        if not any(opening <= m.start < cue.start for m in scan.mentions):
            far = opening  # "Its performance on reasoning benchmarks meets or exceeds that of X"
    if far is not None:
        return resolve_pronoun(scan, far)
    if not cs.n and not any(m.end <= cue.start for m in scan.mentions) and cue_opens_clause(doc, cue):
        # "Competitive position: matches Claude 3.5 Sonnet on most benchmarks": a sentence that names
        # nobody before a cue that opens it continues the article's subject, or the model its section's
        # heading names when that heading is nearer ("Meta Llama 4" ... "• Outperforms GPT-4o")
        heading_at, heading = scan.context.section
        if heading and heading_at > scan.article.topic_at:
            return list(heading)
        return list(scan.article.topic) or list(scan.context.lead)
    return []
