"""Chinese frames read beside the cues.

Chinese frames read beside the cues: levels ("达到 X 水平": parity), edges ("略胜 X 一筹"), multiples ("可达 X 的
300%"), and compared frames ("与 X 相比，Y 更强", "相较于 X 的吞吐量提升").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from extractors.claims.zh_names import ZhMention

if TYPE_CHECKING:
    from extractors.claims.zh import ChineseClaimRules

ZhClaim = tuple[ZhMention, str, ZhMention, bool, int]  # subject, relation, object, negated, cue start


def frame_claims(
    rules: ChineseClaimRules,
    sentence: str,
    mentions: list[ZhMention],
    topic: list[ZhMention],
    found: list[ZhClaim],
) -> list[ZhClaim]:
    """Level frames ("达到 X 水平": parity) and multiples ("可达 X 的 300%": surpass) with the side inside."""
    out: list[ZhClaim] = []
    # the sides of the sentence's latest cue: its objects are not a frame's subject, its subjects may be
    last = found[-1][4] if found else None
    previous = (
        list({id(c[0]): c[0] for c in found if c[4] == last}.values()),
        list({id(c[2]): c[2] for c in found if c[4] == last}.values()),
    )
    frames: list[tuple[re.Match[str], str]] = [(m, "parity") for m in rules.level_re.finditer(sentence)]
    frames += [(m, "surpass") for m in rules.edge_re.finditer(sentence)]  # "略胜 X 一筹"
    for m in rules.multiple_re.finditer(sentence):
        n = float(m.group("n")) if m.group("n")[0].isdigit() else 2.0  # "两倍", "数倍": more than one
        more = n > 1 if m.group("unit") == "倍" else n > 100
        if m.group("unit") == "%" and n == 100:
            continue
        lead = sentence[max(0, m.start() - 12) : m.start()]
        better = more != bool(rules.less_is_better.search(lead + m.group("inside")))
        frames.append((m, "surpass" if better else "trail"))
    for m, relation in frames:
        objects = [x for x in mentions if m.start("inside") <= x.start and x.end <= m.end("inside")]
        if not objects or any(c[4] >= m.start() and c[4] < m.end() for c in found):
            continue
        if rules.scope.search(sentence[max(0, m.start() - 12) : m.end()]):
            continue
        subjects = rules._cue_subjects(sentence, mentions, topic, objects, m.start(), previous)
        for claim in rules._pairs(subjects, relation, objects, rules._negated(sentence, m.start()), m.start()):
            if not any(c[:3] == claim[:3] for c in [*found, *out]):
                out.append(claim)
    return out


def compared_claims(
    rules: ChineseClaimRules, sentence: str, mentions: list[ZhMention], found: list[ZhClaim]
) -> list[ZhClaim]:
    """Claims of "相较于 X，Y 更易遭受攻击" / "与 X 相比，Y 更强": Y trails / surpasses X, by the word after 更."""
    out: list[ZhClaim] = []
    for m in rules.compared_re.finditer(sentence):
        if m.group("marker"):
            first = [x for x in mentions if m.end() <= x.start <= m.end() + 3]
            objects = rules._list_from(sentence, mentions, mentions.index(first[0]), +1) if first else []
            stop = rules.punct.search(sentence, first[0].end) if first else None
            objects = [o for o in objects if stop is None or o.end <= stop.start()]
        else:
            objects = [x for x in mentions if m.start("inside") <= x.start and x.end <= m.end("inside")]
        if not objects:
            continue
        comma = rules.punct.search(sentence, max(o.end for o in objects))
        gain = rules.improvement.search(sentence, max(o.end for o in objects), max(o.end for o in objects) + 12)
        before = [x for x in mentions if x.end <= m.start() and not rules.punct.search(sentence, x.end, m.start())]
        if gain is not None and before and (comma is None or gain.start() < comma.start()):
            # "Step-3 相较于 DeepSeek-R1 的吞吐量提升超 70%": the side before the comparison improves on it
            out += rules._pairs(before[-1:], "surpass", objects, rules._negated(sentence, gain.start()), gain.start())
            continue
        if comma is None:
            continue
        subjects = [x for x in mentions if comma.end() <= x.start <= comma.end() + 3]
        if not subjects:
            continue
        geng = rules.geng_re.search(sentence, comma.end())
        said: list[tuple[str, int]] = []
        if geng is not None and geng.start() - subjects[0].end <= 8:
            if not rules.punct.search(sentence, subjects[0].end, geng.start()):
                said.append(("trail" if geng.group("word") in rules.geng_trail else "surpass", geng.start()))
        if not said:
            # "在与 X 的对比测试中，Y 已经可以在大多数任务上做到逼近，甚至在某些任务上实现了超越": the cues after Y
            # that name no other side compare Y with X
            for cue in rules.cue_re.finditer(sentence, subjects[0].end):
                if not any(cue.start() <= x.start for x in mentions if x is not subjects[0]):
                    said.append((rules.cue_of[cue.group(0)], cue.start()))
        for relation, at in said:
            for claim in rules._pairs(subjects[:1], relation, objects, rules._negated(sentence, at), at):
                if not any(c[:3] == claim[:3] for c in [*found, *out]):
                    out.append(claim)
    return out
