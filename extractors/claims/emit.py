"""From a cue with its two sides to claim rows.

From a cue with its two sides to claim rows: the cue's filters (condition, scope, negation), the passive and
multiplier readings, the article's memory of its latest claim, and one row per subject and object.
"""

from __future__ import annotations

from spacy.tokens import Span

from extractors.claims.claimant import claimant
from extractors.claims.facts import sentence_facts
from extractors.claims.lexicon import LEXICON
from extractors.claims.negation import conditional, negated, out_of_scope, rivalry_only
from extractors.claims.ranking import RANK_BETWEEN, rank_between
from extractors.claims.records import Claim, Mention, claim_row
from extractors.claims.state import CueSides, SentenceScan


def _after_multiplier(scan: SentenceScan, at: int) -> bool:
    """True when a multiplier ("twice", "3 times", "2x") stands right before token ``at``."""
    before = [t.lower_ for t in scan.doc[max(0, at - 2) : at]]
    return any(w in LEXICON.multipliers or (w.endswith("x") and w[:-1].replace(".", "").isdigit()) for w in before)


def emit_at_cue(scan: SentenceScan, cs: CueSides, subjects: list[Mention], objects: list[Mention]) -> None:
    """Emit the cue's claims unless conditional or out of scope, with negation, passive and multipliers read."""
    doc, cue = scan.doc, cs.cue
    if conditional(doc, cue):
        return
    reach = cue.end + 6 if cs.earlier_sides else max(o.end for o in objects) + 5
    if out_of_scope(doc, cue, reach):
        return
    is_equative = cue.text.lower() in LEXICON.equative_phrases
    if is_equative and cue.start and doc[cue.start - 1].text == "%":
        return  # "48.6% as good as X": a fraction of X, neither parity nor a lead
    denied = negated(doc, cue, cs.prev_end)
    relation = cue.label_.removesuffix("_left")
    if not denied and rivalry_only(cue):
        return  # "competes with": rivalry, not a capability claim
    if cs.passive and relation == "surpass":
        relation = "trail"  # "X was beaten by Y": X trails Y (LABELLING.md words it from X's side)
    elif cs.passive:
        subjects, objects = objects, subjects  # "X, closely trailed by Y": Y trails X
    if is_equative and _after_multiplier(scan, cue.start):
        relation = "surpass"  # "twice as fast as", "3x as cheap as"
    scan.previous_subjects, scan.previous_objects = subjects, objects
    if relation == RANK_BETWEEN:
        for subj, rel, obj in rank_between(subjects, objects):
            add_claims(scan, subj, rel, obj, denied, cue)
        return
    if any(m.org or m.model for m in subjects) and any(m.org or m.model for m in objects):
        scan.article.remember_claim(scan.context.index, subjects, objects)
    add_claims(scan, subjects, relation, objects, denied, cue)


def add_claims(
    scan: SentenceScan, subjects: list[Mention], relation: str, objects: list[Mention], denied: bool, cue: Span
) -> None:
    """Add to the scan the claims between ``subjects`` and ``objects`` that ``cue`` makes."""
    scan.out += claim_rows(scan, subjects, relation, objects, denied, cue)


def claim_rows(
    scan: SentenceScan, subjects: list[Mention], relation: str, objects: list[Mention], denied: bool, cue: Span
) -> list[Claim]:
    """One claim row per (subject, object) pair that names at least one side and is not a side with itself."""
    facts = sentence_facts(scan.doc)  # once per sentence: a sentence of many cues stays linear
    who = claimant(scan.article, scan.doc, scan.mentions, cue, subjects, scan.context)
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
                scan.article_id, s, relation, o, facts.domain, who, denied, scan.hedged, facts.text, scan.offset
            )
            row.disputed = facts.disputed
            out.append(row)
    return out
