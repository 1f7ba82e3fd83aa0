"""Compile a list of phrases into one regex shaped like a trie (shared prefixes factored out).

A plain ``a|b|c|...`` alternation of a few hundred phrases makes Python's ``re`` try each phrase at
every position; the trie form rejects most positions after one character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _node_regex(node: dict[str, dict], end_key: str) -> str:
    branches = []
    optional = end_key in node
    for ch in sorted(k for k in node if k != end_key):
        branches.append(re.escape(ch) + _node_regex(node[ch], end_key))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        body = "(?:" + body + ")?"
    return body


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regex source matching exactly the given phrases (one space in a phrase matches any whitespace)."""
    end_key = ""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[end_key] = {}
    return _node_regex(root, end_key).replace(r"\ ", r"\s+")


def compile_phrases(phrases: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Whole-word regex for any of ``phrases``."""
    return re.compile(r"\b(?:" + trie_pattern(sorted(set(phrases))) + r")\b", flags)
