"""Asset checks on the articles and claims the pipeline stores."""

from collections.abc import Callable
from typing import Any

import dagster as dg

from pipelines.assets.articles import articles
from pipelines.assets.claims import claims
from pipelines.resources import SettingsResource, WarehouseResource
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


def _none_found(
    name: str, asset: dg.AssetsDefinition, description: str, count: Callable[[Any], int], figure: str
) -> dg.AssetChecksDefinition:
    """An asset check that passes when ``count`` (a warehouse.reports function) finds none; ``figure`` names it."""

    @dg.asset_check(name=name, asset=asset, description=description)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection(read_only=True) as con:
            found = count(con)
        return dg.AssetCheckResult(passed=found == 0, metadata={figure: found})

    return _check


# Checked on `claims`, after the refresh: on `claim_mentions` it ran before the new mentions had claim rows and
# failed on every incremental run that added a claim (while the finished warehouse had no orphan).
no_orphan_mentions = _none_found(
    "no_orphan_mentions",
    claims,
    "Every mention belongs to a kept article and to a claim.",
    orphan_mention_count,
    "orphan_mentions",
)
unique_claim_keys = _none_found(
    "unique_claim_keys",
    claims,
    "One row per claim key: the same key (subject, models, relation, object, negation) never appears twice.",
    duplicated_claim_key_count,
    "duplicated_keys",
)
articles_have_text = _none_found(
    "articles_have_text",
    articles,
    "No article is stored without text.",
    articles_without_text_count,
    "articles_without_text",
)


@dg.asset_check(asset=articles, description="The share of articles marked as copies stays within bounds.")
def duplicate_rate_within_bounds(warehouse: WarehouseResource, settings: SettingsResource) -> dg.AssetCheckResult:
    """Duplicate share of all articles against the run's ``duplicate_rate_max`` (pipelines/settings.yaml)."""
    with warehouse.get_connection(read_only=True) as con:
        total, dups = article_duplicate_counts(con)
    rate = dups / total if total else 0.0
    limit = settings.get().orchestration.duplicate_rate_max
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
