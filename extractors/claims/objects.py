"""What a cue compares its subjects with.

What a cue compares its subjects with: the names after it (with their list, or the examples of a group),
the same sides again ("..., outperforms on multilingual"), each other ("A and B are neck and neck"), or the
subject of the clause before ("X leads, with Y just behind").
"""

from __future__ import annotations

from spacy.tokens import Doc

from extractors.claims.coordination import forward_list, named_examples
from extractors.claims.emit import add_claims
from extractors.claims.lexicon import LEXICON
from extractors.claims.records import Mention
from extractors.claims.state import CueSides, SentenceScan


def clause_ends(doc: Doc, at: int) -> bool:
    """True when token ``at`` ends the clause: punctuation, "at 72.5%", "in overall performance", or the end."""
    if at >= len(doc):
        return True
    return doc[at].is_punct or doc[at].lower_ in LEXICON.clause_end_words


def earlier_subjects(sides: list[Mention], subjects: list[Mention], at: int) -> list[Mention]:
    """For "X leads at 72.7% with Y just behind": the first named side of the sentence before the subjects."""
    first = min((m.start for m in subjects), default=at)
    earlier = [m for m in sides if m.end <= first and (m.org or m.model)]
    return [earlier[0]] if earlier else []


def _with_each_other(scan: SentenceScan, cs: CueSides, subjects: list[Mention]) -> bool:
    """For "Claude Opus 5 and GPT-6 are neck and neck on GPQA": a parity cue between the listed sides (emitted here)."""
    doc, cue = scan.doc, cs.cue
    reciprocal = tuple(t.lower_ for t in doc[cue.end : cue.end + 2]) in LEXICON.reciprocals
    if cs.earlier_sides or cue.label_ != "parity" or not (clause_ends(doc, cue.end) or reciprocal):
        return False
    pair = [m for m in subjects if m.org]
    if len(pair) >= 2 and len({m.org for m in pair}) == len(pair):
        scan.previous_subjects, scan.previous_objects = pair[:1], pair[1:]
        add_claims(scan, pair[:1], "parity", pair[1:], False, cue)
        return True
    return False


def cue_objects(
    scan: SentenceScan, cs: CueSides, subjects: list[Mention]
) -> tuple[list[Mention], list[Mention]] | None:
    """(subjects, objects) of the cue; None when it has no other side here (or was emitted as a list)."""
    doc, cue, n, right = scan.doc, cs.cue, cs.n, cs.right
    if not right and cs.same_subject and scan.previous_objects and clause_ends(doc, cue.end):
        # "..., outperforms on multilingual, slightly behind on creative writing", "approaches GPT-4, but a
        # gap remains": the same two sides, compared again
        right = list(scan.previous_objects)
    if not right and _with_each_other(scan, cs, subjects):
        return None
    if cs.earlier_sides:
        return subjects, cs.earlier_sides  # mentions of another sentence: no list to follow here
    if right:
        objects = forward_list(doc, right, 0)
        # "leading closed models such as GPT-6 and Claude Opus 5": the named ones
        return subjects, named_examples(doc, right, objects) or objects
    # "..., but OpenAI and Anthropic remain ahead", "X leads, with Y just behind": the other side is
    # the subject of the clause before
    if n and scan.previous_subjects and cue.end >= len(doc) - 3 or clause_ends(doc, cue.end):
        right = [m for m in (scan.previous_subjects if n else []) if m not in subjects]
        if not right and not n:
            right = earlier_subjects(scan.sides, subjects, cue.start)
    if not right:
        # "A and B top the rankings, but C remains ahead": remember A and B for the next cue
        scan.previous_subjects, scan.previous_objects = subjects, []
        return None
    if cs.before_tok in LEXICON.passive_aux:  # "... marking the first time X was outperformed": X lost
        return right, subjects
    return subjects, right
