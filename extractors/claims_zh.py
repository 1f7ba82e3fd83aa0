"""Comparative claims in Chinese text: the same claim rows as the English rules, on a blank Chinese pipeline.

The pipeline is ``spacy.blank("zh")`` with its character segmenter (nothing to download) and the
``claimwatch_gazetteer_zh`` component, which marks firms and models by their Chinese and English names
(``firms.yaml`` ``zh`` lists, ``models.yaml`` ``zh_families`` and the English families and tiers). Chinese
has no spaces and its characters are tokens, so names and cues are found on the text by character offsets
and set as spans on the doc.

Per sentence (。！？!? and line ends): for each cue of ``zh.yaml`` the subject is the nearest side before it
(or the article's subject for 其 / 它 / 该模型, or for a sentence that starts with its cue), the object the side
after it, or the side after 与/和 ("与 X 相当") or 对 ("实现对 X 的超越"); "比 X 更强" compares with X. Lists
joined by 、/和/与 expand; a negator right before the cue negates; comparisons of users, downloads, valuation
(scope words) are dropped. Claims carry canonical English firm and model names, so a Chinese report and an
English report of the same claim share one claim key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.nlp import blank_pipeline
from extractors.vocab import load_data

_SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’\"']?|\n+")
_ASCII_EDGE_L = r"(?<![A-Za-z0-9])"
_ASCII_EDGE_R = r"(?![A-Za-z0-9])"
# a version after a name: "4.0", "V4.0", "2.0 Pro", "T1", "K2", "k1.5", "3.5-Turbo"
_VERSION = r"(?:[\s-]?(?:[Vv]?\d+(?:\.\d+)*[A-Za-z]{0,2}|[A-Za-z]\d+(?:\.\d+)*))"


def _alternation(words: list[str]) -> str:
    """A regex source for any of ``words``, longest first; one that matches nothing when there are none."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"


@dataclass(frozen=True)
class NameInfo:
    """What a matched name stands for: a firm, or a model of a firm."""

    label: str  # FIRM | MODEL
    org: str
    family: str | None = None


class ChineseGazetteer:
    """Firms and models in Chinese text, by character offsets (Chinese and English names)."""

    def __init__(self) -> None:
        firms = load_data("firms.yaml")["firms"]
        models = load_data("models.yaml")
        self.evaluators = {f["name"] for f in firms if f.get("kind") == "evaluator"}
        names: dict[str, NameInfo] = {}
        for f in firms:
            for alias in [f["name"], *f.get("aliases", []), *f.get("zh", [])]:
                names.setdefault(str(alias), NameInfo("FIRM", f["name"]))
        self.names = names
        tiers = "|".join(sorted((re.escape(t) for t in models["tiers"]), key=len, reverse=True))
        tier = rf"(?:[\s-]?(?i:{tiers}){_ASCII_EDGE_R})"
        zh_models = models.get("zh_families", {})
        self.zh_family = {name: (org, fam) for name, (org, fam) in zh_models.items()}
        zh_alt = "|".join(sorted(map(re.escape, zh_models), key=len, reverse=True))
        free = [f for f in models["families"] if not f.get("needs_version") and not f.get("exact")]
        versioned = [f for f in models["families"] if f.get("needs_version")]
        exact = [f for f in models["families"] if f.get("exact")]
        self.family_org = {str(f["family"]): f["firm"] for f in models["families"]}

        def alt(fams: list[dict[str, Any]]) -> str:
            return "|".join(sorted((re.escape(str(f["family"])) for f in fams), key=len, reverse=True))

        model_res = [
            rf"(?P<zh>{zh_alt})(?:大模型|模型)?{_VERSION}?{tier}*",
            rf"{_ASCII_EDGE_L}(?P<free>{alt(free)})(?:{_VERSION}|{tier})*{_ASCII_EDGE_R}",
            rf"{_ASCII_EDGE_L}(?P<versioned>{alt(versioned)})(?:{tier}*{_VERSION}|-(?i:{tiers}))(?:{_VERSION}|{tier})*"
            rf"{_ASCII_EDGE_R}",
            rf"{_ASCII_EDGE_L}(?P<exact>{alt(exact)})(?:-(?i:{tiers}))*{_ASCII_EDGE_R}",
        ]
        self.model_re = re.compile("|".join(f"(?:{r})" for r in model_res))
        firm_alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        self.firm_re = re.compile(rf"(?:{firm_alt})")

    def find(self, text: str) -> list[tuple[int, int, NameInfo]]:
        """(start, end, info) of the longest non-overlapping names in ``text``."""
        found: list[tuple[int, int, NameInfo]] = []
        for m in self.model_re.finditer(text):
            name = m.group(0).strip()
            if m.group("zh"):
                org, fam = self.zh_family[m.group("zh")]
                found.append((m.start(), m.start() + len(name), NameInfo("MODEL", org, fam)))
            else:
                head = m.group("free") or m.group("versioned") or m.group("exact")
                found.append((m.start(), m.start() + len(name), NameInfo("MODEL", self.family_org[head], head)))
        for m in self.firm_re.finditer(text):
            alias = m.group(0)
            if alias.isascii() and (
                (m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalnum())
                or (m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalnum())
            ):
                continue  # an English alias inside a longer ASCII word
            found.append((m.start(), m.end(), self.names[alias]))
        found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        out: list[tuple[int, int, NameInfo]] = []
        end = -1
        for start, stop, info in found:
            if start >= end:
                out.append((start, stop, info))
                end = stop
        return out


@Language.factory("claimwatch_gazetteer_zh")
class ChineseGazetteerComponent:
    """spaCy component: sets ``doc.ents`` (FIRM / MODEL, ``kb_id_`` = owning firm) on a Chinese doc."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.gazetteer: ChineseGazetteer | None = None

    def initialize(self, get_examples: Any = None, nlp: Language | None = None) -> None:
        """Build the name patterns from the data files."""
        self.gazetteer = ChineseGazetteer()

    def __call__(self, doc: Doc) -> Doc:
        """Mark every firm and model name."""
        if self.gazetteer is None:
            self.initialize()
        assert self.gazetteer is not None
        spans = []
        for start, end, info in self.gazetteer.find(doc.text):
            span = doc.char_span(start, end, label=info.label, kb_id=info.org, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        return doc


def build_nlp_zh() -> Language:
    """``spacy.blank("zh")`` (character segmenter) with the Chinese gazetteer component."""
    return blank_pipeline("zh", "claimwatch_gazetteer_zh")


@dataclass
class ZhMention:
    """A side of a Chinese claim, by character offsets in its sentence."""

    text: str
    org: str
    model: str | None
    start: int
    end: int


def split_sentences_zh(text: str) -> list[tuple[int, int]]:
    """Character spans of Chinese sentences: after 。！？!? (and a closing quote) and at line ends."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


class ChineseClaimRules:
    """The claim rules for Chinese sentences; called by :class:`extractors.claims.ClaimExtractor`."""

    def __init__(self) -> None:
        self.nlp = build_nlp_zh()
        gazetteer: Any = self.nlp.get_pipe("claimwatch_gazetteer_zh")  # spaCy types a pipe as a plain callable
        self.evaluators = gazetteer.gazetteer.evaluators
        v = load_data("zh.yaml")
        self.v = v
        self.max_cues = int(load_data("relations.yaml")["limits"]["max_cues_per_sentence"])
        cues = [(p, rel) for rel, phrases in v["relations"].items() for p in phrases]
        self.cue_of = {p: rel for p, rel in cues}
        self.cue_re = re.compile("|".join(sorted((re.escape(p) for p, _ in cues), key=len, reverse=True)))
        self.bi_re = re.compile(
            r"(?<![相对较])比(?!起|较)(?P<gap>.{1,24}?)(?:更|还|要)?(?P<word>"
            + "|".join(map(re.escape, [*v["bi_surpass"], *v["bi_trail"]]))
            + ")"
        )
        self.bi_trail = set(v["bi_trail"])
        self.negators = sorted(v["negators"], key=len, reverse=True)
        self.domains = [(name, re.compile("|".join(map(re.escape, words)))) for name, words in v["domains"].items()]
        self.scope = re.compile("|".join(map(re.escape, v["scope_words"])))
        self.hedge = re.compile("|".join(map(re.escape, v["hedges"])))
        self.dispute = re.compile("|".join(map(re.escape, v.get("disputes", []))) or "(?!)")
        self.claim_verbs = re.compile("|".join(map(re.escape, v["claim_verbs"])))
        self.third_party = re.compile("|".join(map(re.escape, v["third_party_words"])))
        self.refs = re.compile("|".join(sorted(map(re.escape, v["subject_refs"]), key=len, reverse=True)))
        self.glue_re = re.compile("|".join(sorted(map(re.escape, v["list_glue"]), key=len, reverse=True)))
        self.filler = re.compile("|".join(map(re.escape, v["list_filler"])))
        self.punct = re.compile(r"[，,。；;：:！？!?（）()、]")
        self.with_markers = set(v["with_markers"])
        self.max_gap = int(v["object_max_gap"])
        self.passive = re.compile("|".join(map(re.escape, v["passive_markers"])))
        self.chained = re.compile("|".join(map(re.escape, v["chained_cues"])))
        self.partial = re.compile(_alternation(v.get("partial_surpass_markers", [])))
        self.both = re.compile("|".join(map(re.escape, v["both_refs"])))
        self.group = re.compile("|".join(map(re.escape, v["unnamed_subjects"])))
        self.clause_break = re.compile("|".join(map(re.escape, v["clause_breaks"])))
        self.list_continuations = v["list_continuations"]
        frame = "|".join(map(re.escape, v["with_markers"]))
        ends = "|".join(map(re.escape, v["compared_frame_ends"]))
        markers = "|".join(map(re.escape, v["compared_markers"]))
        self.compared_re = re.compile(rf"(?P<marker>{markers})|(?:{frame})(?P<inside>[^，,。；;]{{1,40}}?)(?:{ends})")
        geng = [*v["bi_surpass"], *v["bi_trail"], *v["geng_trail"]]
        self.geng_re = re.compile(
            r"更(?:加)?(?P<word>" + "|".join(sorted(map(re.escape, geng), key=len, reverse=True)) + ")"
        )
        self.geng_trail = set(v["bi_trail"]) | set(v["geng_trail"])
        self.example_re = re.compile("|".join(map(re.escape, v["example_markers"])))
        self._compile_frames(v)

    def _compile_frames(self, v: dict[str, Any]) -> None:
        """Compile the frames read beside the cues.

        Levels (达到 X 水平), edges (略胜 X 一筹), multiples (可达 X 的 300%, 两倍), clefts (超越 X 的，是 Y), 均
        lists, less-is-better measures and improvement words.
        """
        openers, levels = _alternation(v.get("level_openers", [])), _alternation(v.get("level_words", []))
        self.quantifier = re.compile(_alternation(v.get("list_quantifiers", [])))
        edge_openers, edge_words = _alternation(v.get("edge_openers", [])), _alternation(v.get("edge_words", []))
        self.edge_re = re.compile(rf"(?:{edge_openers})(?P<inside>[^，,。；;：:]{{1,30}}?)(?:{edge_words})")
        self.level_re = re.compile(rf"(?:{openers})(?P<inside>[^，,。；;：:]{{1,30}}?)(?:的)?(?:同等)?(?:{levels})")
        mult, numerals = _alternation(v.get("multiple_openers", [])), _alternation(v.get("numeral_multiples", []))
        self.multiple_re = re.compile(
            rf"(?:{mult})(?P<inside>[^，,。；;：:]{{1,30}}?)的\s*(?P<n>\d+(?:\.\d+)?|{numerals})\s*(?P<unit>%|倍)"
        )
        clefts = _alternation(v.get("cleft_markers", []))
        self.cleft_re = re.compile(rf"\s*的[^，,。；;：:]{{0,8}}?[，,]?\s*(?:{clefts})[^，,。；;：:]{{0,8}}?")
        self.less_is_better = re.compile(_alternation(v.get("less_is_better", [])))
        self.improvement = re.compile(_alternation(v.get("improvement_words", [])))

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
        self, sentence: str, topic: list[ZhMention], mentions: list[ZhMention] | None = None
    ) -> list[tuple[ZhMention, str, ZhMention, bool, int]]:
        """(subject, relation, object, negated, cue_start) for every claim the sentence states.

        ``mentions`` are the sentence's sides when the caller has them already (see :meth:`mentions`).
        """
        mentions = self.mentions(sentence) if mentions is None else mentions
        if not mentions:
            return []
        out = []
        previous: tuple[list[ZhMention], list[ZhMention]] = ([], [])  # the latest claim's subjects and objects
        prior: tuple[int, str] | None = None  # the end and relation of the cue before
        for start, end, relation, bi_object in sorted(self.cues(sentence))[: self.max_cues]:  # bounded time
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
        out += self._frame_claims(sentence, mentions, topic, out)
        return out + self._compared_claims(sentence, mentions, out)

    def _frame_claims(
        self,
        sentence: str,
        mentions: list[ZhMention],
        topic: list[ZhMention],
        found: list[tuple[ZhMention, str, ZhMention, bool, int]],
    ) -> list[tuple[ZhMention, str, ZhMention, bool, int]]:
        """Level frames ("达到 X 水平": parity) and multiples ("可达 X 的 300%": surpass) with the side inside."""
        out: list[tuple[ZhMention, str, ZhMention, bool, int]] = []
        # the sides of the sentence's latest cue: its objects are not a frame's subject, its subjects may be
        last = found[-1][4] if found else None
        previous = (
            list({id(c[0]): c[0] for c in found if c[4] == last}.values()),
            list({id(c[2]): c[2] for c in found if c[4] == last}.values()),
        )
        frames: list[tuple[re.Match[str], str]] = [(m, "parity") for m in self.level_re.finditer(sentence)]
        frames += [(m, "surpass") for m in self.edge_re.finditer(sentence)]  # "略胜 X 一筹"
        for m in self.multiple_re.finditer(sentence):
            n = float(m.group("n")) if m.group("n")[0].isdigit() else 2.0  # "两倍", "数倍": more than one
            more = n > 1 if m.group("unit") == "倍" else n > 100
            if m.group("unit") == "%" and n == 100:
                continue
            lead = sentence[max(0, m.start() - 12) : m.start()]
            better = more != bool(self.less_is_better.search(lead + m.group("inside")))
            frames.append((m, "surpass" if better else "trail"))
        for m, relation in frames:
            objects = [x for x in mentions if m.start("inside") <= x.start and x.end <= m.end("inside")]
            if not objects or any(c[4] >= m.start() and c[4] < m.end() for c in found):
                continue
            if self.scope.search(sentence[max(0, m.start() - 12) : m.end()]):
                continue
            subjects = self._cue_subjects(sentence, mentions, topic, objects, m.start(), previous)
            for claim in self._pairs(subjects, relation, objects, self._negated(sentence, m.start()), m.start()):
                if not any(c[:3] == claim[:3] for c in [*found, *out]):
                    out.append(claim)
        return out

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

    def _compared_claims(
        self, sentence: str, mentions: list[ZhMention], found: list[tuple[ZhMention, str, ZhMention, bool, int]]
    ) -> list[tuple[ZhMention, str, ZhMention, bool, int]]:
        """Claims of "相较于 X，Y 更易遭受攻击" / "与 X 相比，Y 更强": Y trails / surpasses X, by the word after 更."""
        out: list[tuple[ZhMention, str, ZhMention, bool, int]] = []
        for m in self.compared_re.finditer(sentence):
            if m.group("marker"):
                first = [x for x in mentions if m.end() <= x.start <= m.end() + 3]
                objects = self._list_from(sentence, mentions, mentions.index(first[0]), +1) if first else []
                stop = self.punct.search(sentence, first[0].end) if first else None
                objects = [o for o in objects if stop is None or o.end <= stop.start()]
            else:
                objects = [x for x in mentions if m.start("inside") <= x.start and x.end <= m.end("inside")]
            if not objects:
                continue
            comma = self.punct.search(sentence, max(o.end for o in objects))
            gain = self.improvement.search(sentence, max(o.end for o in objects), max(o.end for o in objects) + 12)
            before = [x for x in mentions if x.end <= m.start() and not self.punct.search(sentence, x.end, m.start())]
            if gain is not None and before and (comma is None or gain.start() < comma.start()):
                # "Step-3 相较于 DeepSeek-R1 的吞吐量提升超 70%": the side before the comparison improves on it
                out += self._pairs(before[-1:], "surpass", objects, self._negated(sentence, gain.start()), gain.start())
                continue
            if comma is None:
                continue
            subjects = [x for x in mentions if comma.end() <= x.start <= comma.end() + 3]
            if not subjects:
                continue
            geng = self.geng_re.search(sentence, comma.end())
            said: list[tuple[str, int]] = []
            if geng is not None and geng.start() - subjects[0].end <= 8:
                if not self.punct.search(sentence, subjects[0].end, geng.start()):
                    said.append(("trail" if geng.group("word") in self.geng_trail else "surpass", geng.start()))
            if not said:
                # "在与 X 的对比测试中，Y 已经可以在大多数任务上做到逼近，甚至在某些任务上实现了超越": the cues after Y
                # that name no other side compare Y with X
                for cue in self.cue_re.finditer(sentence, subjects[0].end):
                    if not any(cue.start() <= x.start for x in mentions if x is not subjects[0]):
                        said.append((self.cue_of[cue.group(0)], cue.start()))
            for relation, at in said:
                for claim in self._pairs(subjects[:1], relation, objects, self._negated(sentence, at), at):
                    if not any(c[:3] == claim[:3] for c in [*found, *out]):
                        out.append(claim)
        return out

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
