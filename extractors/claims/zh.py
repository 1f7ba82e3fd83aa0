"""Comparative claims in Chinese text: the same claim rows as the English rules, on a blank Chinese pipeline.

The pipeline is ``spacy.blank("zh")`` with its character segmenter (nothing to download) and the
``claimwatch_gazetteer_zh`` component (:mod:`zh_names`). Chinese has no spaces and its characters are tokens,
so names and cues are found on the text by character offsets.

Per sentence (。！？!? and line ends): for each cue of ``zh.yaml`` the subject is the nearest side before it
(or the article's subject for 其 / 它 / 该模型, or for a sentence that starts with its cue), the object the side
after it, or the side after 与/和 ("与 X 相当") or 对 ("实现对 X 的超越"); "比 X 更强" compares with X. Lists
joined by 、/和/与 expand; a negator right before the cue negates; comparisons of users, downloads, valuation
(scope words) are dropped. Frames beside the cues are in :mod:`zh_frames`. Claims carry canonical English firm
and model names, so a Chinese report and an English report of the same claim share one claim key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from extractors.claims.records import Claim, claim_row, drop_subsumed
from extractors.claims.state import ReadLimits
from extractors.claims.text import bounded_spans, over_limit
from extractors.claims.zh_frames import compared_claims, frame_claims
from extractors.claims.zh_names import ZhMention, split_sentences_zh
from extractors.claims.zh_patterns import ChinesePatterns


class ChineseClaimRules(ChinesePatterns):
    """The claim rules for Chinese sentences; called by :class:`extractors.claims.ClaimExtractor`."""

    # -- sides -------------------------------------------------------------------------------------
    def mentions(self, sentence: str) -> list[ZhMention]:
        """Firms and models named in a sentence (evaluators excluded: they are never a side)."""
        doc = self.nlp(sentence)
        out: list[ZhMention] = []
        for ent in doc.ents:
            if ent.kb_id_ in self.evaluators:
                continue
            model = ent.text if ent.label_ == "MODEL" else None
            here = ZhMention(ent.text, ent.kb_id_, model, ent.start_char, ent.end_char)
            if model and out and out[-1].model is None and out[-1].org != here.org:
                if sentence[out[-1].end : here.start].strip() == "的":
                    out.pop()  # "谷歌的Claude-3": the model names the side (its firm is misattributed)
            if model and out and out[-1].model is None and out[-1].org == here.org:
                gap = sentence[out[-1].end : here.start]
                if len(gap) <= 10 and not self.punct.search(gap) and not self.claim_verbs.search(gap):
                    # "OpenAI的GPT-4o", "阿里巴巴Qwen", "OpenAI的闭源推理模型o1-mini": one side, the model
                    here = ZhMention(sentence[out[-1].start : here.end], here.org, model, out[-1].start, here.end)
                    out.pop()
            out.append(here)
        return out

    def _list_from(self, sentence: str, mentions: list[ZhMention], k: int, step: int) -> list[ZhMention]:
        """Mention ``k`` and its neighbours joined by list glue (step +1: forwards, -1: backwards)."""
        group = [mentions[k]]
        j = k
        while 0 <= j + step < len(mentions):
            a, b = (mentions[j], mentions[j + step]) if step > 0 else (mentions[j + step], mentions[j])
            between = self.filler.sub("", sentence[a.end : b.start])
            if between.strip()[:1] in ("，", ",") and between.strip()[-1:] in self.with_markers:
                break  # "仅次于 X，与 Y 并列第二": a new clause with its own cue, not a list
            if not self.glue_re.sub("", between).strip() and between.strip():
                group.append(mentions[j + step])
                j += step
            else:
                break
        return group if step > 0 else list(reversed(group))

    def _negated(self, sentence: str, cue_start: int) -> bool:
        before = sentence[max(0, cue_start - 4) : cue_start]
        return any(before.endswith(n) or n in before[-3:] for n in self.negators)

    def domain(self, sentence: str) -> str:
        """The capability domain the sentence names (zh.yaml domains), or the fallback."""
        for name, pattern in self.domains:
            if pattern.search(sentence):
                return name
        return str(self.v["fallback"])

    def claimant(self, sentence: str, subject_orgs: set[str]) -> tuple[str, str | None]:
        """Who asserts the sentence's claim: the subject's firm (self), a third party, or the outlet."""
        verb = self.claim_verbs.search(sentence)
        if verb:
            before = [m for m in self.mentions(sentence[: verb.start()])]
            if before and before[-1].org in subject_orgs:
                return "self", before[-1].org
            if before:
                return "third_party", before[-1].org
        if self.third_party.search(sentence):
            return "third_party", None
        if sentence.startswith("据") or "据" in sentence[:12]:
            return "third_party", None
        return "outlet", None

    # -- cues --------------------------------------------------------------------------------------
    def cues(self, sentence: str) -> Iterator[tuple[int, int, str, int | None]]:
        """(start, end, relation, object_start) of each cue; object_start is set for "比 X 更强"."""
        taken: list[tuple[int, int]] = []
        for m in self.bi_re.finditer(sentence):
            relation = "trail" if m.group("word") in self.bi_trail else "surpass"
            if self.less_is_better.search(sentence[max(0, m.start() - 6) : m.start()]):
                relation = "surpass" if relation == "trail" else "trail"  # "错误率比 X 低": fewer errors lead
            taken.append((m.start(), m.end()))
            yield m.start("word"), m.end("word"), relation, m.start("gap")
        for m in self.cue_re.finditer(sentence):
            if any(s <= m.start() < e for s, e in taken):
                continue
            yield m.start(), m.end(), self.cue_of[m.group(0)], None

    def claims(
        self,
        sentence: str,
        topic: list[ZhMention],
        mentions: list[ZhMention] | None = None,
        cues: list[tuple[int, int, str, int | None]] | None = None,
    ) -> list[tuple[ZhMention, str, ZhMention, bool, int]]:
        """(subject, relation, object, negated, cue_start) for every claim the sentence states.

        ``mentions`` and ``cues`` are the sentence's sides and sorted cues when the caller has them already (see
        :meth:`mentions`, :meth:`cues`); only the first ``max_cues_per_sentence`` cues are read.
        """
        mentions = self.mentions(sentence) if mentions is None else mentions
        if not mentions:
            return []
        cues = sorted(self.cues(sentence)) if cues is None else cues
        out = []
        previous: tuple[list[ZhMention], list[ZhMention]] = ([], [])  # the latest claim's subjects and objects
        prior: tuple[int, str] | None = None  # the end and relation of the cue before
        for start, end, relation, bi_object in cues[: self.max_cues]:  # bounded time
            if self._partial_surpass(sentence, mentions, prior, start, relation):
                continue
            prior = end, relation
            passive = self._passive(sentence, mentions, start)
            if passive is not None:
                # "X 被 Y 击败": Y beat X; with no name between 被 and the cue the winner is unnamed
                agents, beaten = passive
                if agents and beaten:
                    out += self._pairs(agents, relation, beaten, self._negated(sentence, start), start)
                    previous = agents, beaten
                continue
            objects, left_limit = self._cue_objects(sentence, mentions, start, end, bi_object)
            if not objects and relation == "parity" and self.both.search(sentence[max(0, start - 8) : start]):
                # "千问……，ChatGPT……，两者稳定性相当": parity between the two latest named sides
                named = [m for m in mentions if m.end <= start]
                pair = [named[-2], named[-1]] if len(named) >= 2 and named[-2].org != named[-1].org else []
                if pair:
                    out.append((pair[0], relation, pair[1], self._negated(sentence, start), start))
                continue
            if not objects:
                continue
            clause_start = max(left_limit if left_limit >= 0 else start, 0)
            subjects = self._cue_subjects(sentence, mentions, topic, objects, clause_start, previous)
            if not subjects:
                continue
            span_end = max(o.end for o in objects)
            if self.scope.search(sentence[max(0, min(s.start for s in subjects)) : span_end + 12]):
                continue
            previous = subjects, objects
            out += self._pairs(subjects, relation, objects, self._negated(sentence, start), start)
        out += frame_claims(self, sentence, mentions, topic, out)
        return out + compared_claims(self, sentence, mentions, out)

    @staticmethod
    def _pairs(
        subjects: list[ZhMention], relation: str, objects: list[ZhMention], negated: bool, at: int
    ) -> list[tuple[ZhMention, str, ZhMention, bool, int]]:
        """(subject, relation, object, negated, at) for every subject and object that are not the same side."""
        same = [(s, relation, o, negated, at) for s in subjects for o in objects]
        return [c for c in same if (c[0].org, c[0].model) != (c[2].org, c[2].model)]

    def _partial_surpass(
        self, sentence: str, mentions: list[ZhMention], prior: tuple[int, str] | None, start: int, relation: str
    ) -> bool:
        """True for the surpass cue of "对标并部分超越 X" / "持平甚至超过 X": the cue before it stands alone."""
        if prior is None or relation != "surpass" or prior[1] not in ("parity", "approach"):
            return False
        gap = sentence[prior[0] : start]
        return (
            len(gap) <= 16 and bool(self.partial.search(gap)) and not any(prior[0] <= m.start < start for m in mentions)
        )

    def _cue_objects(
        self, sentence: str, mentions: list[ZhMention], start: int, end: int, bi_object: int | None
    ) -> tuple[list[ZhMention], int]:
        """The cue's objects (比 X, a marked object, or the names right after it) and where its subject may end."""
        objects: list[ZhMention] = []
        left_limit = -1
        if bi_object is not None:
            after = [m for m in mentions if m.start >= bi_object and m.end <= start]
            if after:
                k = mentions.index(after[0])
                objects = self._list_from(sentence, mentions, k, +1)
                left_limit = bi_object
            else:
                return [], -1  # "比 bing AI 都难用": the side after 比 is not a known name; nothing else is
        if not objects:
            objects, left_limit = self._marked_objects(sentence, mentions, start)
        if not objects:
            # "持平甚至超过 X": a cue joined to the next cue by 甚至/或 shares its object
            chained = self.chained.match(sentence, end)
            look_from = end
            if chained is not None:
                nxt = self.cue_re.match(sentence, chained.end())
                look_from = nxt.end() if nxt is not None else end
            stop = self._clause_end(sentence, look_from)
            right = [m for m in mentions if look_from <= m.start < stop and m.start - look_from <= self.max_gap]
            if right:
                objects = self._list_from(sentence, mentions, mentions.index(right[0]), +1)
                objects = [o for o in objects if o.start < stop]
        return objects, left_limit

    def _cue_subjects(
        self,
        sentence: str,
        mentions: list[ZhMention],
        topic: list[ZhMention],
        objects: list[ZhMention],
        clause_start: int,
        previous: tuple[list[ZhMention], list[ZhMention]],
    ) -> list[ZhMention]:
        """The cue's subjects: names before it, the clause before's subject, the article's topic or a 如 list."""
        left = [m for m in mentions if m.end <= clause_start and m not in objects]
        # a name that was the object of the cue before is not this cue's subject ("逼近 X，超越 Y")
        left = [m for m in left if m not in previous[1]]
        ref = self.refs.search(sentence[max(0, clause_start - 12) : clause_start])
        unnamed = self.group.search(sentence[max(0, clause_start - 16) : clause_start])
        if left:
            subjects = self._list_from(sentence, mentions, mentions.index(left[-1]), -1)
            subjects = [s for s in subjects if s not in objects]
        elif previous[0]:
            subjects = previous[0]
        elif ref or (topic and not unnamed):
            subjects = list(topic)
        else:
            subjects = []
        if not subjects:
            subjects = self._relative_subjects(sentence, mentions, objects) or self._cleft_subjects(
                sentence, mentions, objects
            )
        return subjects

    def _cleft_subjects(self, sentence: str, mentions: list[ZhMention], objects: list[ZhMention]) -> list[ZhMention]:
        """For "超越 X 的，是 Y" / "击败 X 的国产大模型来自于 Y": the side named after the comparison."""
        end = max(o.end for o in objects)
        m = self.cleft_re.match(sentence, end)
        if m is None:
            return []
        after = [x for x in mentions if m.end() <= x.start <= m.end() + 10 and x not in objects]
        return self._list_from(sentence, mentions, mentions.index(after[0]), +1) if after else []

    def _relative_subjects(self, sentence: str, mentions: list[ZhMention], objects: list[ZhMention]) -> list[ZhMention]:
        """For "超过 X 的模型有 11 个，如 A、B": the sides listed after 如/例如/包括 are the models that surpass X."""
        end = max(o.end for o in objects)
        if not re.match(r"\s*的[^，,。；;]{0,6}?模型", sentence[end:]):
            return []
        marker = self.example_re.search(sentence, end)
        if marker is None:
            return []
        after = [m for m in mentions if m.start >= marker.end() and m.start - marker.end() <= 4]
        return self._list_from(sentence, mentions, mentions.index(after[0]), +1) if after else []

    def _marked_objects(self, sentence: str, mentions: list[ZhMention], cue_start: int) -> tuple[list[ZhMention], int]:
        """The side between a marker and the cue ("与 X 相当", "和 X 持平", "对 X 的超越"), and where it starts.

        The marker may stand a few characters before the name ("与马斯克xAI旗下Grok-2打平"), never across
        punctuation, and the side may be a list ("与Grok 4.1、Claude Opus 4.1属于同档").
        """
        window_start = max(0, cue_start - 2 * self.max_gap - 8)
        inside = [m for m in mentions if window_start <= m.start and m.end <= cue_start]
        if inside and self.punct.search(sentence[inside[-1].end : cue_start]):
            return [], -1  # the nearest name before the cue is in an earlier clause
        if inside and self.quantifier.search(sentence, inside[-1].end, cue_start):
            return [], -1  # "豆包2.0和Kimi K3均落后于 X": 和 joins the subjects, the cue's object comes after it
        for m in reversed(inside):
            at = self._marker_before(sentence, m.start)
            if at is not None:
                # the names from the marked one up to the cue ("与Grok 4.1、Claude Opus 4.1属于同档")
                return [x for x in inside if x.start >= m.start], at
        return [], -1

    def _marker_before(self, sentence: str, start: int) -> int | None:
        """Offset of 与/和/跟/同/对 within the 5 characters before ``start`` (no punctuation between), or None."""
        lead = sentence[max(0, start - 5) : start]
        cuts = [m.end() for m in self.punct.finditer(lead)]
        if cuts:
            lead = lead[cuts[-1] :]  # nothing before the last punctuation mark
        for k in range(len(lead) - 1, -1, -1):
            if lead[k] in self.with_markers or lead[k] == self.v["object_marker"]:
                return start - (len(lead) - k)
        return None

    def _passive(
        self, sentence: str, mentions: list[ZhMention], cue_start: int
    ) -> tuple[list[ZhMention], list[ZhMention]] | None:
        """For "X 被 Y 击败": (the agents Y, the beaten X); None when no 被 stands shortly before the cue."""
        lo = max(0, cue_start - 16)
        marker = None
        for m in self.passive.finditer(sentence, lo, cue_start):
            marker = m
        if marker is None:
            return None
        agents = [m for m in mentions if marker.end() <= m.start and m.end <= cue_start]
        before = [m for m in mentions if m.end <= marker.start()]
        beaten = self._list_from(sentence, mentions, mentions.index(before[-1]), -1) if before else []
        return agents, beaten

    def _clause_end(self, sentence: str, at: int) -> int:
        """Where the clause that starts at ``at`` ends: 。；but/然而, or a comma not followed by a list word."""
        for m in self.clause_break.finditer(sentence, at):
            if m.group(0) in "，," and sentence[m.end() : m.end() + 2].startswith(tuple(self.list_continuations)):
                continue
            return m.start()
        return len(sentence)

    def hedged(self, sentence: str) -> bool:
        """Someone claims it, or it may be so."""
        return bool(self.hedge.search(sentence))

    def disputed(self, sentence: str) -> bool:
        """The sentence reports doubt or a denial of its claim ("业内质疑……的说法")."""
        return bool(self.dispute.search(sentence))


@lru_cache(maxsize=1)
def chinese_rules() -> ChineseClaimRules:
    """The process-wide Chinese rules (building the name patterns takes a moment)."""
    return ChineseClaimRules()


def read_chinese(article_id: str, text: str) -> tuple[list[Claim], ReadLimits]:
    """Claims in a Chinese article, and the bounds its reading hit."""
    rules = chinese_rules()
    claims: list[Claim] = []
    topic: list[ZhMention] = []
    seen: set[tuple[Any, ...]] = set()
    whole = split_sentences_zh(text)
    limits = ReadLimits(sentences_cut=over_limit(whole))
    for start, end in bounded_spans(text, whole):
        sentence = text[start:end]
        mentions = rules.mentions(sentence)  # parsed once for the claims and the article's opening subject
        cues = sorted(rules.cues(sentence)) if mentions else []  # no side named: no claim, no cue read
        limits.cues_not_read += max(0, len(cues) - rules.max_cues)
        found = rules.claims(sentence, topic, mentions, cues)
        if not topic:
            topic = [m for m in mentions if m.model][:1]
        if not found:
            continue
        # what every claim of the sentence shares, once per sentence (a sentence of many cues stays linear)
        hedged, domain, disputed = rules.hedged(sentence), rules.domain(sentence), rules.disputed(sentence)
        stripped = sentence.strip()
        at = start + (len(sentence) - len(sentence.lstrip()))
        claimants: dict[str, tuple[str, str | None]] = {}
        for subj, relation, obj, negated, _cue in found:
            if subj.org not in claimants:
                claimants[subj.org] = rules.claimant(sentence, {subj.org})
            claim = claim_row(
                article_id, subj, relation, obj, domain, claimants[subj.org], negated, hedged, stripped, at
            )
            claim.disputed = disputed
            if (claim.claim_key, claim.start_char) not in seen:
                seen.add((claim.claim_key, claim.start_char))
                claims.append(claim)
            topic = [subj]
    return drop_subsumed(claims), limits
