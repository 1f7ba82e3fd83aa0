"""Analyst queries used by the CLI."""

from __future__ import annotations

from typing import Any

CLAIM_COLUMNS = (
    "c.claim_id, c.subject_org, c.subject_model, coalesce(c.subject_group, '') AS subject_group, "
    "c.relation, c.object_org, c.object_model, coalesce(c.object_group, '') AS object_group, c.domain, "
    "c.negated, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count"
)


def claims_query(
    only_new: bool = False, relation: str | None = None, org: str | None = None, since: str | None = None
) -> tuple[str, list[Any]]:
    """SQL and parameters for `claimwatch claims` filters."""
    where: list[str] = []
    params: list[Any] = []
    if only_new:
        where.append("c.created_run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)")
    if relation:
        where.append("c.relation = ?")
        params.append(relation)
    if org:
        where.append("(lower(c.subject_org) = lower(?) OR lower(c.object_org) = lower(?))")
        params += [org, org]
    if since:
        where.append("c.first_seen_at >= CAST(? AS DATE)")
        params.append(since)
    sql = f"SELECT {CLAIM_COLUMNS} FROM claims c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY c.first_seen_at, c.claim_id", params
