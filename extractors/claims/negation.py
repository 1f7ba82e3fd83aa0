"""Denied, conditional and out-of-scope cues.

Whether a cue is denied ("does not match"), conditional ("if X beats Y"), or about something other than
capability (users, revenue, money): relations.yaml ``negations``, ``scope_words``; english.yaml ``conditionals``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from extractors.claims.lexicon import LEXICON


def negated(doc: Doc, cue: Span, clause_start: int) -> bool:
    """True when a negation stands within ``negation_window`` tokens before the cue, in its clause.

    "does not match", "failed to rival"; not "not only matches" (a negation exception follows the negator).
    """
    window = [t.lower_ for t in doc[max(clause_start, cue.start - LEXICON.negation_window) : cue.start + 1]]
    return any(
        w in LEXICON.negations and (k + 1 >= len(window) or window[k + 1] not in LEXICON.negation_exceptions)
        for k, w in enumerate(window[:-1])
    )


def denied_before(doc: Doc, cue: Span, clause_start: int) -> bool:
    """True for any negation word in the window before the cue (the head-to-head rules' plainer test)."""
    window = [t.lower_ for t in doc[max(clause_start, cue.start - LEXICON.negation_window) : cue.start]]
    return any(w in LEXICON.negations for w in window)


def conditional(doc: Doc, cue: Span) -> bool:
    """True for a cue after "if" / "whether" within eight tokens: a condition, not a claim."""
    return any(t.lower_ in LEXICON.conditionals for t in doc[max(0, cue.start - 8) : cue.start])


def out_of_scope(doc: Doc, cue: Span, reach: int) -> bool:
    """True when the comparison is of users, downloads, revenue or money, not of capability."""
    if any(t.lower_ in LEXICON.scope_words for t in doc[max(0, cue.start - 3) : reach]):
        return True  # users, downloads, revenue, valuation: not a capability comparison
    return any(t.is_currency for t in doc[cue.end : reach])  # "ahead of OpenAI's $852 billion": money


def rivalry_only(cue: Span) -> bool:
    """True for a cue that is a claim only when denied ("competes with": rivalry; "does not compete with")."""
    return cue.text.lower() in LEXICON.negated_only
