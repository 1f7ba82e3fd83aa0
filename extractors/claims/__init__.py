"""The claim rules: comparative capability claims in English and Chinese article text.

One module per mechanism (see docs/architecture.md, "The claims package"): :mod:`text` (sentences), :mod:`names`
(sides), :mod:`cue_matchers` and :mod:`cues` (comparison cues), :mod:`sides`, :mod:`subjects`, :mod:`objects`,
:mod:`coordination` (lists), :mod:`reference` (pronouns and earlier sentences), :mod:`ranking`,
:mod:`negation`, :mod:`claimant`, :mod:`head_to_head`, :mod:`emit` (rows); :mod:`en` runs them, :mod:`zh` and
its helpers are the Chinese rules. Their words are in ``extractors/data/*.yaml``, loaded into :mod:`lexicon`;
reading state lives in :mod:`state`.
"""

from extractors.claims.en import ClaimExtractor, default_extractor
from extractors.claims.records import Claim, Mention, Reading, claim_row, drop_subsumed
from extractors.claims.text import MAX_SENTENCE_CHARS, bounded_spans, split_sentences
from extractors.claims.zh import read_chinese

__all__ = [
    "MAX_SENTENCE_CHARS",
    "Claim",
    "ClaimExtractor",
    "Mention",
    "Reading",
    "bounded_spans",
    "claim_row",
    "default_extractor",
    "drop_subsumed",
    "read_chinese",
    "split_sentences",
]
