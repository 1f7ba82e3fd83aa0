"""The claim stage: mentions by the rules, claims and their outbox alerts, and the backfill by day."""

from typing import Any

import dagster as dg

from extractors.rules import ClaimRules
from pipelines.assets.articles import articles
from pipelines.assets.common import column_schema, stage_asset
from pipelines.parallel import extract_alone_parallel
from pipelines.resources import SettingsResource, WarehouseResource
from pipelines.stages import gazetteer_firm_names
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import (
    articles_published_on,
    articles_to_extract,
    discovered_entities,
    drop_staged,
    load_mentions,
    refresh_entities,
    staged_extractions,
)
from warehouse.records import Article
from warehouse.reports import (
    new_claims_preview,
)
from warehouse.rows import count, insert_rows, utcnow


def _extract_and_load(
    context: dg.AssetExecutionContext, con: Any, todo: list[Article], rules: ClaimRules, workers: int
) -> tuple[dict[str, int], dict[str, str]]:
    """Claim rules on ``todo``, in its order; replace the articles' mentions and record failures.

    Results the cleaning workers staged are used where their rules version and seed match; the rest are
    computed in a pool of ``workers`` processes; ``ClaimRules.confirm_in_order`` makes them what one extractor
    reading ``todo`` in order would find. Used and stale staged rows are dropped.
    """
    version = rules.version
    ids = [a.article_id for a in todo]
    results = staged_extractions(con, ids, version, rules.seed_key)
    staged = len(results)
    results.update(extract_alone_parallel([a for a in todo if a.article_id not in results], rules, workers))
    mentions, errors, redone, limits = rules.confirm_in_order(todo, results)
    for article_id, err in errors.items():
        context.log.warning(f"claim rules failed on article {article_id}: {err}")
    ok_ids = [a for a in ids if a not in errors]
    for article_id, hit in limits.items():
        context.log.warning(f"article {article_id} hit a reading bound: {'; '.join(hit)}")
    counts = load_mentions(con, ok_ids, mentions, version, limits)
    if errors:
        insert_rows(
            con,
            "article_extractions",
            [
                {
                    "article_id": a,
                    "extractor_version": version,
                    "mention_count": 0,
                    "error": e,
                    "extracted_at": utcnow(),
                }
                for a, e in errors.items()
            ],
            ["article_id", "extractor_version", "mention_count", "error", "extracted_at"],
            or_ignore=True,
        )
    drop_staged(con, ids, version)
    counts.update(
        {"results_from_cleaning_workers": staged, "extracted_here": len(todo) - staged, "re_extracted_in_order": redone}
    )
    return counts, errors


@stage_asset(kinds={"spacy", "duckdb"}, deps=[articles], table="claim_mentions")
def claim_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: SettingsResource
) -> dg.MaterializeResult:
    """Claim evidence: one row per claim found in a kept article, with sentence, offsets, claimant and hedging.

    Reads the kept articles not yet extracted with the current rules version. Uses the claim rules' results the
    cleaning workers staged, in article order; extracts whatever has none (a rules or seed change, an interrupted
    run).
    """
    with warehouse.get_connection() as con:
        rules = ClaimRules(discovered_entities(con))
        version = rules.version
        todo = articles_to_extract(con, version)
        counts, errors = _extract_and_load(context, con, todo, rules, settings.get().workers)
        total = count(con, "claim_mentions")
        schema = column_schema(con, "claim_mentions")
    return dg.MaterializeResult(
        metadata={
            **counts,
            "extraction_errors": len(errors),
            "mentions_total": total,
            "extractor_version": version,
            "dagster/column_schema": schema,
        }
    )


def _refresh_claims_and_outbox(
    context: dg.AssetExecutionContext, con: Any, settings: SettingsResource
) -> dict[str, int]:
    """Claims rebuilt from mentions and their outbox alerts, by the alert policy of the run's settings."""
    return refresh_claims_and_outbox(con, context.run.run_id, settings.get().alerts.alert_rules())


@stage_asset(kinds={"duckdb"}, deps=[claim_mentions], table="claims")
def claims(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: SettingsResource
) -> dg.MaterializeResult:
    """Deduplicated claims: one row per claim key, rebuilt from the mentions in kept articles.

    Each row has its first/last seen, first source, mention and source counts (duplicates never counted twice)
    and the strongest evidence. New parity/surpass claims get their outbox alert rows in the same transaction.
    """
    from pipelines.freshness import FRESH_TAG
    from warehouse.reports import chart_data

    with warehouse.get_connection() as con:
        counts = _refresh_claims_and_outbox(context, con, settings)
        counts.update(refresh_entities(con, gazetteer_firm_names()))
        preview = new_claims_preview(con, context.run.run_id)
        # a fresh run (feed_poll_sensor, every few seconds under load) skips the charts: matplotlib's import and five
        # SVGs were ~1 CPU-s of each such run; scheduled and CLI runs draw them, `claimwatch report` always does
        plots = "(not drawn in a fresh run: see the last scheduled run)"
        if context.run.tags.get(FRESH_TAG) != "fresh":
            from pipelines.report import plots_markdown  # matplotlib is imported only when plots are drawn

            plots = plots_markdown(chart_data(con, "1970-01-01"))
        schema = column_schema(con, "claims")
    table = "| subject | model | relation | object | model | domain | mentions |\n|---|---|---|---|---|---|---|\n"
    table += "\n".join("| " + " | ".join(str(v) for v in row) + " |" for row in preview) or "(no new claims)"
    return dg.MaterializeResult(
        metadata={
            **counts,
            "dagster/row_count": counts["claims"],
            "new_claims": dg.MetadataValue.md(table),
            # the same plots as `claimwatch report`
            "plots": dg.MetadataValue.md(plots),
            "dagster/column_schema": schema,
        }
    )


DAILY = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC")


@stage_asset(
    kinds={"spacy", "duckdb"}, group_name="backfill", partitions_def=DAILY, deps=[articles], table="claim_mentions"
)
def claims_by_day(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: SettingsResource
) -> dg.MaterializeResult:
    """Backfill by publication day: re-run the current claim rules on the kept articles published on that day.

    For after a rules or gazetteer change; then claims and the alert outbox are refreshed. The hourly graph stays
    incremental; launch a backfill of this asset over a date range from the UI.
    """
    day = context.partition_key
    with warehouse.get_connection() as con:
        rules = ClaimRules(discovered_entities(con))
        version = rules.version
        todo = articles_published_on(con, day)
        counts, errors = _extract_and_load(context, con, todo, rules, settings.get().workers)
        counts.update(_refresh_claims_and_outbox(context, con, settings))
    return dg.MaterializeResult(
        metadata={
            **counts,
            "day": day,
            "articles": len(todo),
            "extraction_errors": len(errors),
            "extractor_version": version,
        }
    )
