"""The Chinese rules' patterns, compiled once from zh.yaml (cues, 比 comparisons, markers, frames, negators)."""

from __future__ import annotations

import re
from typing import Any

from extractors.claims.zh_names import build_nlp_zh
from extractors.vocab import load_data


def _alternation(words: list[str]) -> str:
    """A regex source for any of ``words``, longest first; one that matches nothing when there are none."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"


class ChinesePatterns:
    """Every compiled pattern and word set of the Chinese rules (zh.yaml), with the Chinese pipeline."""

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
