"""Lists of sides.

Lists of sides: "Z.ai, 360 and Baidu each claimed ...", "beats X on agents and Y on coding", "models such as
X and Y". A claim made of a list is one claim per member.
"""

from __future__ import annotations

from spacy.tokens import Doc

from extractors.claims.lexicon import LEXICON
from extractors.claims.records import Mention
from extractors.claims.text import lower_tokens


def _score_in_parentheses(doc: Doc, k: int, end: int) -> int | None:
    """The index after a parenthesised score at token ``k`` ("(67%)", "(~79%)"), or None."""
    close = next((j for j in range(k + 1, min(end, k + 8)) if doc[j].text == ")"), None)
    if close is None:
        return None
    inner = doc[k + 1 : close]
    marks = LEXICON.score_marks
    if any(x.like_num for x in inner) and all(x.like_num or x.lower_ in marks or x.is_space for x in inner):
        return close + 1
    return None


def list_glue(doc: Doc, start: int, end: int) -> list[str] | None:
    """The words joining two list members (tokens ``start:end``), leaving out the scores quoted with them.

    "DeepSeek's 61.5 and Kimi K2's 66.1", "Code Llama 70B (67%) and DeepSeek Coder 33B (~79%)", "Claude at
    74.6 and DeepSeek at 71.3": a score after a member does not break the list. None when the tokens hold
    anything else than glue words and scores (the caller checks the words against its own glue set).
    """
    words: list[str] = []
    k = start
    while k < end:
        t = doc[k]
        if t.is_space:
            k += 1
            continue
        if t.text == "(":
            after = _score_in_parentheses(doc, k, end)
            if after is None:
                return None
            k = after
            continue
        if t.lower_ in LEXICON.score_prepositions and k + 1 < end and doc[k + 1].like_num:
            k += 2
            while k < end and doc[k].lower_ in LEXICON.score_marks and doc[k].lower_ not in (",", "-", "–"):
                k += 1
            continue
        words.append(t.lower_)
        k += 1
    return words


def coordinated(doc: Doc, mentions: list[Mention], k: int) -> list[Mention]:
    """The mention at index ``k`` plus the mentions before it that form a list with it.

    A list needs a conjunction ("and", "or", "&", "as well as") between its last two members;
    earlier members may be joined by commas alone ("Z.ai, 360, and Zhipu").
    """
    group = [mentions[k]]
    j = k
    while j > 0:
        between = list_glue(doc, mentions[j - 1].end, mentions[j].start) or []
        joined = bool(between) and all(w in LEXICON.list_glue for w in between)
        has_conj = any(w in LEXICON.conjunctions for w in between)
        a, b = mentions[j - 1], mentions[j]
        # "OpenAI, Anthropic remain ahead" (headline style, no "and"): two firms or two models of different
        # firms; a firm then a model is an apposition ("Alibaba, Qwen's maker", "Google, Gemini")
        paired = between == [","] and a.org and b.org and a.org != b.org and bool(a.model) == bool(b.model)
        if joined and (has_conj or len(group) > 1 or paired):
            group.insert(0, mentions[j - 1])
            j -= 1
        else:
            break
    return group


def forward_list(doc: Doc, mentions: list[Mention], k: int) -> list[Mention]:
    """Mention ``k`` and the mentions after it that continue its list.

    Joined by list glue ("X, Y and Z"), or in parallel phrases that repeat a preposition ("beats X on agents
    and Y on coding": the words between start with the preposition that follows the next member).
    """
    group = [mentions[k]]
    j = k
    while j + 1 < len(mentions):
        between = list_glue(doc, mentions[j].end, mentions[j + 1].start) or []
        if (
            between
            and all(w in LEXICON.list_glue for w in between)
            and ("and" in between or "or" in between or "," in between)
        ) or parallel(doc, mentions[j], mentions[j + 1]):
            group.append(mentions[j + 1])
            j += 1
        else:
            break
    return group


def parallel(doc: Doc, a: Mention, b: Mention, reach: int = 6) -> bool:
    """True for "X on agents and Y on coding": a preposition phrase after each of two members, "and" between."""
    if not 0 < b.start - a.end <= reach:
        return False
    words = lower_tokens(doc)[a.end : b.start]
    prep = words[0]
    if prep not in LEXICON.parallel_prepositions or words[-1] not in ("and", ","):
        return False
    if any(w in LEXICON.clause_breaks or w in LEXICON.parallel_breaks for w in words):
        return False
    return b.end < len(doc) and doc[b.end].lower_ == prep


def introduces_examples(doc: Doc, m: Mention) -> bool:
    """True when the name follows like / such as / including ("models that outweigh it like Claude 3")."""
    before = [t.lower_ for t in doc[max(0, m.start - 2) : m.start]]
    return bool(before) and (before[-1] in LEXICON.example_markers or tuple(before) == LEXICON.such_as)


def named_examples(doc: Doc, right: list[Mention], objects: list[Mention]) -> list[Mention]:
    """For an unnamed group object followed by "such as / like / including" names, those names."""
    if len(objects) != 1 or objects[0].org or not objects[0].group:
        return []
    after = [m for m in right if m.start >= objects[0].end and m.org]
    if not after or after[0].start - objects[0].end > 3 or not introduces_examples(doc, after[0]):
        return []
    return forward_list(doc, right, right.index(after[0]))
