"""Asset checks on the articles and claims the pipeline stores."""

from collections.abc import Callable
from typing import Any

import dagster as dg

from pipelines.assets.articles import articles
from pipelines.assets.claims import claims
from pipelines.resources import WarehouseResource
from pipelines.settings import orchestration_settings
from warehouse.reports import (
    article_duplicate_counts,
    articles_without_text_count,
    duplicated_claim_key_count,
    orphan_mention_count,
    quiet_sources,
)


@dg.asset_check(
    asset=articles,
    description="Warns when a source that used to yield articles tried in its latest "
    "run and yielded none (a redesign or a block).",
)
def sources_still_yield_articles(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No source went quiet."""
    with warehouse.get_connection(read_only=True) as con:
        quiet = quiet_sources(con)
    return dg.AssetCheckResult(
        passed=not quiet,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"quiet_sources": ", ".join(f"{s} (fetched {f}, failed {x})" for s, f, x in quiet) or "none"},
    )


def _check(count: Callable[[Any], int], warehouse: WarehouseResource) -> int:
    with warehouse.get_connection(read_only=True) as con:
        return count(con)


# Checked on `claims`, after the refresh: on `claim_mentions` it ran before the new mentions had claim rows and
# failed on every incremental run that added a claim (while the finished warehouse had no orphan).
@dg.asset_check(asset=claims, description="Every mention belongs to a kept article and to a claim.")
def no_orphan_mentions(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Mentions without their kept article or without a claim row."""
    orphans = _check(orphan_mention_count, warehouse)
    return dg.AssetCheckResult(passed=orphans == 0, metadata={"orphan_mentions": orphans})


@dg.asset_check(asset=claims, description="One row per claim key: the same key never appears twice.")
def unique_claim_keys(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Claim rows sharing subject, models, relation, object and negation."""
    dupes = _check(duplicated_claim_key_count, warehouse)
    return dg.AssetCheckResult(passed=dupes == 0, metadata={"duplicated_keys": dupes})


@dg.asset_check(asset=articles, description="No article is stored without text.")
def articles_have_text(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Articles with empty text."""
    empty = _check(articles_without_text_count, warehouse)
    return dg.AssetCheckResult(passed=empty == 0, metadata={"articles_without_text": empty})


@dg.asset_check(asset=articles, description="The share of articles marked as copies stays within bounds.")
def duplicate_rate_within_bounds(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Duplicate share of all articles against ``duplicate_rate_max`` in pipelines/settings.yaml."""
    with warehouse.get_connection(read_only=True) as con:
        total, dups = article_duplicate_counts(con)
    rate = dups / total if total else 0.0
    limit = orchestration_settings().duplicate_rate_max
    return dg.AssetCheckResult(
        passed=rate <= limit,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"duplicate_rate": round(rate, 3), "max": limit, "articles": total},
    )


ALL_CHECKS = [
    sources_still_yield_articles,
    no_orphan_mentions,
    unique_claim_keys,
    articles_have_text,
    duplicate_rate_within_bounds,
]
