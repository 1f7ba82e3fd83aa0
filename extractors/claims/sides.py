"""The names a cue's clause offers on each side, before subjects and objects are settled (:class:`CueSides`).

Left: names since the cue before, not inside an attribution. Right: names up to the clause's end, not too far
away, not the next clause's subject; shared across two cues set off by commas; an object reference ("beats it")
or "both" names the earlier claim's sides. A passive ("was outperformed by Y") is noted here and read in
:mod:`emit`.
"""

from __future__ import annotations

from extractors.claims.coordination import introduces_examples
from extractors.claims.emit import add_claims
from extractors.claims.lexicon import LEXICON
from extractors.claims.names import in_attribution
from extractors.claims.ranking import BETWEEN_RELATIONS, LEFT_OBJECT_RELATIONS, between_pair, left_object
from extractors.claims.records import Mention
from extractors.claims.reference import earlier_object, object_reference
from extractors.claims.state import CueSides, SentenceScan
from extractors.claims.text import lower_tokens


def _right_of(scan: SentenceScan, n: int, next_start: int) -> list[Mention]:
    """The names after cue ``n`` that its clause compares with (possibly none)."""
    doc, cue, sides = scan.doc, scan.cues[n], scan.sides
    stop = next((k for k in range(cue.end, next_start) if doc[k].lower_ in LEXICON.clause_breaks), next_start)
    right = [m for m in sides if m.start >= cue.end and m.end <= stop]
    if right and right[0].start - cue.end > LEXICON.object_max_gap and not introduces_examples(doc, right[0]):
        right = []  # the nearest name is too far to be what the cue compares with
    if len(right) >= 2 and n + 1 < len(scan.cues) and opens_next_clause(scan, right[-1], next_start):
        right = right[:-1]  # "A beats B and C beats D": C is the next cue's subject, not this one's object
    if right and cue.end < len(doc) and doc[cue.end].text in (",", ";", "—", "–", ":"):
        right = []  # "follows closely behind, proving that ...": the cue ended its clause
    if not right:
        right = shared_object(scan, n)  # "comparable to, but not better than, X": both cues take X
    return right


def cue_sides(scan: SentenceScan, n: int) -> CueSides | None:
    """The names left and right of cue ``n`` within its clause; None when the cue compares no two sides."""
    doc, cue, sides = scan.doc, scan.cues[n], scan.sides
    prev_end = scan.cues[n - 1].end if n else 0
    next_start = scan.cues[n + 1].start if n + 1 < len(scan.cues) else len(doc)
    before_tok = doc[cue.start - 1].lower_ if cue.start else ""
    passive = is_passive(scan, n, before_tok)
    left = [m for m in sides if m.end <= cue.start and m.start >= prev_end and not in_attribution(doc, m)]
    right = _right_of(scan, n, next_start)
    if cue.end < len(doc) and (doc[cue.end].like_num or doc[cue.end].is_currency):
        return None  # "dropping below 0.5%": compared with a number, not with a side
    if cue.label_ in BETWEEN_RELATIONS:
        stated = between_pair(scan, cue)
        if stated is not None:
            add_claims(scan, stated[0], stated[1], stated[2], False, cue)
        return None
    if cue.label_ in LEFT_OBJECT_RELATIONS:
        framed = left_object(cue, left)
        if framed is None:
            return None
        right, left = framed
    if cue.end < len(doc) and doc[cue.end].lower_ in LEXICON.object_pronouns and scan.previous_objects:
        right = list(scan.previous_objects)  # "close to GPT-4 Turbo, even surpassing it in maths"
    elif object_reference(doc, cue.end):
        right = earlier_object(scan)  # "OpenAI released GPT-6. Kimi K3 now beats it."
    earlier_sides: list[Mention] = []
    article = scan.article
    if (
        not right
        and doc[cue.end : cue.end + 1].text.lower() in LEXICON.pair_words
        and article.topic_at in (scan.context.index, scan.context.index - 1)
        and article.topic_objects
    ):
        # "Claude 3 proved superior to GPT-4. Gemini Ultra trailed behind both.": the latest claim's sides
        earlier_sides = [*article.topic, *article.topic_objects]
    return CueSides(n, cue, prev_end, before_tok, passive, left, right, earlier_sides)


def is_passive(scan: SentenceScan, n: int, before_tok: str) -> bool:
    """True when cue ``n`` is a passive whose agent follows "by".

    "X was outperformed by Y", "X is getting beat handily by Y", "X is beat hands down by Y", and the reduced
    relative "o1 leads, closely trailed by Y" (a participle cue with no auxiliary). The word after "by" must
    open a named side: "outperformed by 5 points" is a margin, not an agent.
    """
    doc, cue = scan.doc, scan.cues[n]
    toks = lower_tokens(doc)
    by = LEXICON.agent_word
    if by not in toks[cue.end : cue.end + 3]:
        return False
    k = cue.end
    while k < len(toks) and k - cue.end < 2 and (toks[k] in LEXICON.passive_fillers or toks[k].endswith("ly")):
        k += 1
    if k >= len(doc) - 1 or toks[k] != by or doc[k + 1].like_num:
        return False
    if not any(k < m.start <= k + 4 for m in scan.sides):
        return False
    if before_tok in LEXICON.passive_aux:
        return True
    return cue.text.lower().endswith(LEXICON.participle_endings)


def shared_object(scan: SentenceScan, n: int) -> list[Mention]:
    """The sides after the second of two cues set off by commas ("comparable to, but not better than, X").

    Cue ``n`` and its neighbour must be joined by a comma and only glue words (but, and, or, not, yet, even),
    the second closed by a comma or followed by the side; both cues then compare with that side.
    """
    doc, cues = scan.doc, scan.cues
    for a, b in ((n, n + 1), (n - 1, n)):
        if a < 0 or b >= len(cues) or cues[a].end >= len(doc) or doc[cues[a].end].text != ",":
            continue
        between = lower_tokens(doc)[cues[a].end : cues[b].start]
        if not between or between[0] != "," or not set(between) <= LEXICON.shared_cue_glue:
            continue
        k = cues[b].end + (1 if cues[b].end < len(doc) and doc[cues[b].end].text == "," else 0)
        after = [m for m in scan.sides if m.start >= k]
        if after and after[0].start - k <= LEXICON.object_max_gap:
            return after
    return []


def opens_next_clause(scan: SentenceScan, m: Mention, next_cue: int) -> bool:
    """True when ``m`` stands right before the next cue (adverbs aside) after "and": that cue's subject."""
    toks = lower_tokens(scan.doc)
    between = toks[m.end : next_cue]
    before = toks[m.start - 1] if m.start else ""
    return before == "and" and all(w in LEXICON.adverbs_before_cue or w.endswith("ly") for w in between)
