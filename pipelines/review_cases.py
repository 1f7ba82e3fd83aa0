"""Judged mentions as labelled regression cases for the claim rules.

Each case is one judged sentence in its context (the sentence and up to two sentences before it, and the
article's title), with the claims the rules must keep (mentions judged right) and must not produce (judged
wrong), as org-level rows ``[subject_org, relation, object_org, negated]`` — the level the scorer compares.
``tests/test_reviewed_cases.py`` and ``make eval`` read the file ``claimwatch review export`` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from extractors.claims import split_sentences

CONTEXT_SENTENCES = 2  # "it", "the company", "both" refer back at most this far in the rules


def _row(m: dict[str, Any]) -> list[Any]:
    return [m["subject_org"], m["relation"], m["object_org"], bool(m["negated"])]


def case_context(text: str, start: int, end: int) -> tuple[str, str]:
    """(context, sentence): the sentence at ``start:end`` and the sentences before it that the rules may read."""
    spans = split_sentences(text)
    at = next((i for i, (s, e) in enumerate(spans) if s <= start < e or s >= start), len(spans) - 1)
    first = spans[max(0, at - CONTEXT_SENTENCES)][0] if spans else start
    return text[first:end], text[start:end]


def cases_from_judged(judged: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One case per judged sentence (article and offsets), from rows of ``warehouse.reviews.judged_mentions``."""
    by_sentence: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for m in judged:
        by_sentence.setdefault((m["article_id"], m["start_char"], m["end_char"]), []).append(m)
    cases = []
    for (article_id, start, end), mentions in sorted(by_sentence.items()):
        context, sentence = case_context(mentions[0]["text"], start, end)
        keep = sorted({tuple(_row(m)) for m in mentions if m["verdict"] == "right"}, key=str)
        reject = sorted({tuple(_row(m)) for m in mentions if m["verdict"] == "wrong"} - set(keep), key=str)
        notes = sorted({m["note"] for m in mentions if m.get("note")})
        cases.append(
            {
                "id": f"{article_id}:{start}",
                "title": mentions[0].get("title") or "",
                "text": context,
                "sentence": sentence,
                "keep": [list(r) for r in keep],
                "reject": [list(r) for r in reject],
                **({"note": "; ".join(notes)} if notes else {}),
            }
        )
    return cases


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases in a reviewed-cases file (none when it does not exist)."""
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases") or [])


def merge_cases(path: Path, new: Sequence[dict[str, Any]]) -> int:
    """Write ``new`` into the file at ``path``, replacing cases with the same id; return the number of cases."""
    merged = {c["id"]: c for c in load_cases(path)}
    merged.update({c["id"]: c for c in new})
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Sentences analysts judged with `claimwatch review`, exported by `claimwatch review export`.\n"
        "# keep: claims the rules must still produce; reject: claims judged wrong, which they must not.\n"
        "# Rows are [subject_org, relation, object_org, negated]. Read by tests/test_reviewed_cases.py and make eval.\n"
    )
    cases = [merged[k] for k in sorted(merged)]
    # rows in flow style ([Alibaba, parity, OpenAI, false]), one per line, like tests/fixtures/claim_cases/*.yaml
    body = yaml.safe_dump({"cases": cases}, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    path.write_text(header + body, encoding="utf-8")
    return len(merged)


def check_case(case: dict[str, Any], extract: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    """(missing, produced_wrong): kept claims the rules no longer find, rejected ones they still produce."""
    claims = extract(case["text"], case.get("title") or None)
    found = {
        (c.subject_org, c.relation, c.object_org, bool(c.negated)) for c in claims if c.sentence == case["sentence"]
    }
    missing = [r for r in case.get("keep", []) if tuple(r) not in found]
    wrong = [r for r in case.get("reject", []) if tuple(r) in found]
    return missing, wrong
