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
from warehouse.db import scalar, transaction
from warehouse.rows import dict_rows, sha1

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
    if scalar(con, "SELECT count(*) FROM claims WHERE claim_id = ?", [target_id]):
        return "claim"
    if scalar(con, "SELECT count(*) FROM claim_mentions WHERE mention_id = ?", [target_id]):
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
        con.execute(
            "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
            [review_id, review.target_kind, review.target_id, review.verdict, review.note, review.reviewer, now],
        )
        rebuild_claims(con, None)
        # an alert not yet sent for a claim now suppressed waits as 'suppressed'; judged right again, it is due
        con.execute(
            "UPDATE alerts SET status = 'suppressed' WHERE status IN ('pending', 'failed', 'sending') "
            "AND claim_id IN (SELECT claim_id FROM claims WHERE suppressed)"
        )
        con.execute(
            "UPDATE alerts SET status = 'pending', next_attempt_at = NULL WHERE status = 'suppressed' "
            "AND claim_id IN (SELECT claim_id FROM claims WHERE NOT suppressed)"
        )
        claim_id = (
            review.target_id
            if review.target_kind == "claim"
            else scalar(con, "SELECT claim_id FROM claim_mentions WHERE mention_id = ?", [review.target_id])
        )
        suppressed = scalar(con, "SELECT suppressed FROM claims WHERE claim_id = ?", [claim_id])
    return {"review_id": review_id, "claim_id": claim_id, "suppressed": bool(suppressed)}


def list_reviews(con: duckdb.DuckDBPyConnection, verdict: str | None = None) -> list[dict[str, Any]]:
    """Current judgements (latest per target), newest first, with the claim triple and the evidence sentence."""
    sql = """
        SELECT r.target_kind, r.target_id, r.verdict, r.note, r.reviewer, r.reviewed_at, r.reviews,
               coalesce(m.claim_id, r.target_id) AS claim_id, c.subject_org, c.relation, c.object_org, c.negated,
               m.sentence
        FROM v_current_reviews r
        LEFT JOIN claim_mentions m ON r.target_kind = 'mention' AND m.mention_id = r.target_id
        LEFT JOIN claims c ON c.claim_id = coalesce(m.claim_id, r.target_id)
        WHERE ? IS NULL OR r.verdict = ?
        ORDER BY r.reviewed_at DESC
    """
    return dict_rows(con.execute(sql, [verdict, verdict]))


def judged_mentions(con: duckdb.DuckDBPyConnection, verdicts: Sequence[str] = VERDICTS) -> list[dict[str, Any]]:
    """Every mention with a current judgement of its own or of its claim (the mention's own wins).

    With the article's text and title, so the rules can be run again on the sentence in its context.
    """
    sql = """
        WITH judged AS (
            SELECT m.mention_id, coalesce(rm.verdict, rc.verdict) AS verdict, coalesce(rm.note, rc.note) AS note
            FROM claim_mentions m
            LEFT JOIN v_current_reviews rm ON rm.target_kind = 'mention' AND rm.target_id = m.mention_id
            LEFT JOIN v_current_reviews rc ON rc.target_kind = 'claim' AND rc.target_id = m.claim_id
            WHERE rm.verdict IS NOT NULL OR rc.verdict IS NOT NULL)
        SELECT m.mention_id, m.claim_id, m.article_id, m.subject_org, m.relation, m.object_org, m.negated,
               m.sentence, m.start_char, m.end_char, j.verdict, j.note, a.title, a.text
        FROM judged j JOIN claim_mentions m ON m.mention_id = j.mention_id
        JOIN articles a ON a.article_id = m.article_id
        WHERE list_contains(?, j.verdict)
        ORDER BY m.article_id, m.start_char, m.mention_id
    """
    return dict_rows(con.execute(sql, [list(verdicts)]))
