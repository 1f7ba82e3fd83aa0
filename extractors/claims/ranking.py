"""Ranking and level frames.

Ranking and level frames: "the gap between X and Y" (X trails Y), "sits between X and Y on the leaderboard"
(behind X, ahead of Y), "GPT-4-class performance" (the compared side stands before the cue). Ordinal cues
("second after X") are cue phrases built in :mod:`cue_matchers` from relations.yaml ``ordinals``.

These decide which sides a frame relates; :mod:`emit` makes the rows.
"""

from __future__ import annotations

from spacy.tokens import Span

from extractors.claims.records import Mention
from extractors.claims.state import SentenceScan

BETWEEN_RELATIONS = {"trail_between": "trail", "parity_between": "parity"}  # "the gap between X and Y": X trails Y
RANK_BETWEEN = "rank_between"  # "sits between X and Y": trails X, ahead of Y
LEFT_OBJECT_RELATIONS = {"parity_left"}  # cues whose compared side stands before them ("GPT-4-class performance")

Stated = tuple[list[Mention], str, list[Mention]]  # subjects, relation, objects


def between_pair(scan: SentenceScan, cue: Span) -> Stated | None:
    """For "the gap between Spark and GPT-4 Turbo": the first side after the cue trails (or matches) the second."""
    doc = scan.doc
    pair = [m for m in scan.sides if m.start >= cue.end][:2]
    if len(pair) == 2 and {t.lower_ for t in doc[pair[0].end : pair[1].start]} <= {"and", "&"}:
        return pair[:1], BETWEEN_RELATIONS[cue.label_], pair[1:]
    return None


def left_object(cue: Span, left: list[Mention]) -> tuple[list[Mention], list[Mention]] | None:
    """For "Delivers GPT-4-class performance": (the model right before the cue, the names before that), or None.

    A model only: "a Meta-class model" compares with no model.
    """
    adjacent = [m for m in left if cue.start - m.end <= 1 and m.model]
    if not adjacent:
        return None
    return adjacent[-1:], [m for m in left if m.end <= adjacent[-1].start]


def rank_between(subjects: list[Mention], objects: list[Mention]) -> list[Stated]:
    """For "Sits between X and Y on the leaderboard": behind X, ahead of Y (two objects of other firms only)."""
    if len(objects) == 2 and not any(m.org in {o.org for o in objects} for m in subjects):
        return [(subjects, "trail", objects[:1]), (subjects, "surpass", objects[1:])]
    return []
