"""The spaCy pipelines the rules run on: a blank language with one of claimwatch's components."""

from __future__ import annotations

import spacy
from spacy.language import Language


def blank_pipeline(lang: str, component: str) -> Language:
    """``spacy.blank(lang)`` with the registered ``component`` added and initialised (its data files loaded)."""
    nlp = spacy.blank(lang)
    nlp.add_pipe(component)
    nlp.initialize()
    return nlp
