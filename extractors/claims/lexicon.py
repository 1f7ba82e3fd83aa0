"""Every word the English claim rules read, loaded once from the data files into one frozen object.

The rules' code names a list by what it is (``LEXICON.possessive_pronouns``); the words are in
``extractors/data/english.yaml`` (function words), ``relations.yaml`` (cues, negation, hedges, scope),
``claimants.yaml`` (who says it), ``domains.yaml`` and ``firms.yaml``. Nothing here is changed after loading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractors.vocab import load_data


def _words(values: Any) -> frozenset[str]:
    """The words of one YAML list; a value that YAML did not read as a string is refused (unquoted on/no: booleans)."""
    bad = [v for v in values if not isinstance(v, str)]
    if bad:
        raise ValueError(f"vocabulary list holds non-words {bad!r} (quote on/off/yes/no in YAML): {list(values)!r}")
    return frozenset(values)


def _sequence(values: Any) -> tuple[str, ...]:
    """The words of one YAML list in order, refused like :func:`_words` when one is not a string."""
    _words(values)
    return tuple(values)


def _alternation(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b")


@dataclass(frozen=True)
class Lexicon:
    """The English rules' vocabulary (see the module docstring for which file holds which list)."""

    # english.yaml: function words
    abbreviations: tuple[str, ...]
    possessive_pronouns: frozenset[str]
    possessive_markers: frozenset[str]
    subject_pronouns: frozenset[str]
    object_pronouns: frozenset[str]
    object_determiners: frozenset[str]
    object_nouns: frozenset[str]
    plural_refs: frozenset[str]
    pair_words: frozenset[str]
    model_determiners: frozenset[str]
    relative_pronouns: frozenset[str]
    relative_fillers: frozenset[str]
    not_possessors: frozenset[str]
    conjunctions: frozenset[str]
    list_glue: frozenset[str]
    score_marks: frozenset[str]
    score_prepositions: frozenset[str]
    parallel_prepositions: frozenset[str]
    parallel_breaks: frozenset[str]
    multiple_gap_stops: tuple[str, ...]
    example_markers: frozenset[str]
    such_as: tuple[str, ...]
    contrast: frozenset[str]
    clause_breaks: frozenset[str]
    adverbs_before_cue: frozenset[str]
    clause_end_words: frozenset[str]
    reciprocals: tuple[tuple[str, ...], ...]
    shared_cue_glue: frozenset[str]
    cue_or_glue: frozenset[str]
    conditionals: frozenset[str]
    agent_word: str
    determiners: frozenset[str]
    noun_followers: frozenset[str]
    backer_words: frozenset[str]
    foil_words: frozenset[str]
    maker_nouns: frozenset[str]
    maker_plurals: frozenset[str]
    maker_prepositions: frozenset[str]
    group_links: tuple[tuple[str, ...], ...]
    model_speech_verbs: frozenset[str]
    attribution_stops: frozenset[str]
    comparison_followers: frozenset[str]
    pair_refs: frozenset[str]
    bullets: str
    heading_words: int
    heading_reach: int
    heading_ends: str
    gap_stops_than: tuple[str, ...]
    gap_stops_over: tuple[str, ...]
    gap_stops_compared: tuple[str, ...]
    compared_words: tuple[str, ...]
    compared_prepositions: tuple[str, ...]
    # relations.yaml: negation, hedges, passives, scope, limits
    negations: frozenset[str]
    negation_window: int
    negation_exceptions: frozenset[str]
    negated_only: frozenset[str]
    hedges: frozenset[str]
    disputes: re.Pattern[str]
    passive_aux: frozenset[str]
    passive_fillers: frozenset[str]
    participle_endings: tuple[str, ...]
    aspirations: frozenset[str]
    obligations: frozenset[str]
    scope_words: frozenset[str]
    cue_blockers: dict[str, frozenset[str]]
    object_max_gap: int
    multipliers: frozenset[str]
    equative_phrases: frozenset[str]
    max_sentence_chars: int
    max_cues_per_sentence: int
    # claimants.yaml
    speech_verbs: frozenset[str]
    role_words: frozenset[str]
    third_party_words: frozenset[str]
    weak_third_party_words: frozenset[str]
    company_refs: frozenset[str]
    model_refs: frozenset[str]
    author_cues: re.Pattern[str]
    benchmark_words: re.Pattern[str]
    # domains.yaml and firms.yaml
    domains: tuple[tuple[str, re.Pattern[str]], ...]
    domain_fallback: str
    evaluators: frozenset[str]  # leaderboards, benchmark makers, testing institutes: never a side


def _function_words(eng: dict[str, Any]) -> dict[str, Any]:
    sets = (
        "possessive_pronouns possessive_markers subject_pronouns object_pronouns object_determiners object_nouns "
        "plural_refs pair_words model_determiners relative_pronouns relative_fillers not_possessors conjunctions "
        "list_glue score_marks score_prepositions parallel_prepositions parallel_breaks example_markers contrast "
        "clause_breaks adverbs_before_cue clause_end_words shared_cue_glue cue_or_glue conditionals determiners "
        "noun_followers "
        "backer_words foil_words maker_nouns maker_plurals maker_prepositions model_speech_verbs attribution_stops "
        "comparison_followers pair_refs"
    ).split()
    out: dict[str, Any] = {name: _words(eng[name]) for name in sets}
    for name in (
        "abbreviations",
        "such_as",
        "multiple_gap_stops",
        "gap_stops_than",
        "gap_stops_over",
        "gap_stops_compared",
    ):
        out[name] = _sequence(eng[name])
    out["compared_words"] = _sequence(eng["compared_words"])
    out["compared_prepositions"] = _sequence(eng["compared_prepositions"])
    out["reciprocals"] = tuple(_sequence(pair) for pair in eng["reciprocals"])
    out["group_links"] = tuple(_sequence(link) for link in eng["group_links"])
    out["agent_word"] = str(eng["agent_word"])
    out["bullets"], out["heading_ends"] = str(eng["bullets"]), str(eng["heading_ends"])
    out["heading_words"], out["heading_reach"] = int(eng["heading_words"]), int(eng["heading_reach"])
    return out


def _relation_words(rel: dict[str, Any]) -> dict[str, Any]:
    return {
        "negations": _words(rel["negations"]),
        "negation_window": int(rel["negation_window"]),
        "negation_exceptions": _words(rel.get("negation_exceptions", [])),
        "negated_only": _words(rel.get("negated_only", [])),
        "hedges": _words(rel["hedges"]),
        "disputes": re.compile(r"\b(?:" + "|".join(map(re.escape, rel.get("disputes", []))) + r")\b"),
        "passive_aux": _words(rel["passive_auxiliaries"]),
        "passive_fillers": _words(rel.get("passive_fillers", [])),
        "participle_endings": tuple(rel.get("participle_endings", [])),
        "aspirations": _words(rel.get("aspirations", [])),
        "obligations": _words(rel.get("obligations", [])),
        "scope_words": _words(rel.get("scope_words", [])),
        "cue_blockers": {w: _words(after) for w, after in rel.get("cue_blockers", {}).items()},
        "object_max_gap": int(rel.get("object_max_gap", 8)),
        "multipliers": _words(rel.get("multipliers", [])),
        "equative_phrases": frozenset(f"as {w} as" for w in rel.get("equatives", [])),
        "max_sentence_chars": int(rel["limits"]["max_sentence_chars"]),
        "max_cues_per_sentence": int(rel["limits"]["max_cues_per_sentence"]),
    }


def _claimant_words(cl: dict[str, Any]) -> dict[str, Any]:
    return {
        "speech_verbs": _words(cl["speech_verbs"]),
        "role_words": _words(cl["role_words"]),
        "third_party_words": _words(cl["third_party_words"]),
        "weak_third_party_words": _words(cl["weak_third_party_words"]),
        "company_refs": _words(cl["company_refs"]),
        "model_refs": _words(cl["model_refs"]),
        "author_cues": re.compile("|".join(cl["author_cues"]), re.IGNORECASE),
        "benchmark_words": re.compile(cl["benchmark_words"]),
    }


@cache
def lexicon() -> Lexicon:
    """The process's :class:`Lexicon` (the data files are read once)."""
    dom = load_data("domains.yaml")
    return Lexicon(
        **_function_words(load_data("english.yaml")),
        **_relation_words(load_data("relations.yaml")),
        **_claimant_words(load_data("claimants.yaml")),
        # one compiled alternation per domain, tried in file order (the first domain that matches wins)
        domains=tuple((name, _alternation([p.lower() for p in phrases])) for name, phrases in dom["domains"].items()),
        domain_fallback=str(dom["fallback"]),
        evaluators=frozenset(f["name"] for f in load_data("firms.yaml")["firms"] if f.get("kind") == "evaluator"),
    )


LEXICON = lexicon()
