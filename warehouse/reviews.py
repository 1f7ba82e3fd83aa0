"""Analysts' judgements of claims and mentions (the ``reviews`` table): store, list and read them back.

A judgement never deletes evidence: the claims refresh (``rebuild_claims`` in warehouse/sql/claims.sql) leaves mentions
judged wrong out of a claim's counts and marks a claim ``suppressed`` when it, or every mention of it, is judged
wrong; suppressed claims leave listings, alerts and exports. The latest judgement of a target counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse.claims import rebuild_claims
from warehouse.db import transaction
from warehouse.rows import dict_rows, sha1
from warehouse.statements import execute, value

VERDICTS = ("right", "wrong")


@dataclass(frozen=True)
class Review:
    """One judgement: a claim or a mention marked right or wrong."""

    target_kind: str  # claim | mention
    target_id: str
    verdict: str  # right | wrong
    note: str | None = None
    reviewer: str | None = None


def target_kind(con: duckdb.DuckDBPyConnection, target_id: str) -> str | None:
    """'claim' or 'mention' for an id in the warehouse, else None."""
    if value(con, "is_claim", [target_id]):
        return "claim"
    if value(con, "is_mention", [target_id]):
        return "mention"
    return None


def add_review(con: duckdb.DuckDBPyConnection, review: Review) -> dict[str, Any]:
    """Store a judgement and bring claims and their pending alerts in line with it, in one transaction.

    Returns the review id and the target claim's ``suppressed`` flag afterwards.
    """
    if review.verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {review.verdict!r}")
    now = datetime.now(UTC)
    review_id = sha1(review.target_kind, review.target_id, review.verdict, now.isoformat())[:20]
    with transaction(con):
        execute(
            con,
            "insert_review",
            [review_id, review.target_kind, review.target_id, review.verdict, review.note, review.reviewer, now],
        )
        rebuild_claims(con, None)
        # an alert not yet sent for a claim now suppressed waits as 'suppressed'; judged right again, it is due
        execute(con, "hold_alerts_of_suppressed_claims")
        execute(con, "release_alerts_of_unsuppressed_claims")
        claim_id = (
            review.target_id if review.target_kind == "claim" else value(con, "claim_of_mention", [review.target_id])
        )
        suppressed = value(con, "claim_suppressed", [claim_id])
    return {"review_id": review_id, "claim_id": claim_id, "suppressed": bool(suppressed)}


def list_reviews(con: duckdb.DuckDBPyConnection, verdict: str | None = None) -> list[dict[str, Any]]:
    """Current judgements (latest per target), newest first, with the claim triple and the evidence sentence."""
    return dict_rows(execute(con, "current_reviews", {"verdict": verdict}))


def judged_mentions(con: duckdb.DuckDBPyConnection, verdicts: Sequence[str] = VERDICTS) -> list[dict[str, Any]]:
    """Every mention with a current judgement of its own or of its claim (the mention's own wins).

    With the article's text and title, so the rules can be run again on the sentence in its context.
    """
    return dict_rows(execute(con, "judged_mentions", [list(verdicts)]))
