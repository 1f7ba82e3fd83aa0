"""The claim stage: mentions by the rules, claims and their outbox alerts, and the backfill by day."""

from typing import Any

import dagster as dg

from extractors.rules import ClaimRules
from pipelines.assets.articles import articles
from pipelines.assets.common import column_schema, stage_asset
from pipelines.claim_extraction import extract_claims, land_extraction, reextract_day
from pipelines.resources import SettingsResource, WarehouseResource
from pipelines.stages import gazetteer_firm_names
from warehouse.alerts import refresh_claims_and_outbox
from warehouse.claims import (
    articles_to_extract,
    discovered_entities,
    refresh_entities,
    staged_extractions,
)
from warehouse.records import Article
from warehouse.reports import (
    new_claims_preview,
)
from warehouse.rows import count


def _extract_and_load(
    context: dg.AssetExecutionContext, con: Any, todo: list[Article], rules: ClaimRules, workers: int
) -> tuple[dict[str, int], dict[str, str]]:
    """Claim rules on ``todo``, in its order (staged results used where they match); land them on ``con``."""
    staged = staged_extractions(con, [a.article_id for a in todo], rules.version, rules.seed_key)
    extraction = extract_claims(todo, staged, rules, workers, context.log.warning)
    return land_extraction(con, extraction), extraction.errors


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
    incremental; launch a backfill of this asset over a date range from the UI, or run the ``claims_backfill`` job
    (``claimwatch backfill``: one step per day, on several processes or celery workers, claims rebuilt once).
    The warehouse is held only to read the day's articles and to land its mentions (``reextract_day``).
    """
    counts = reextract_day(warehouse, context.partition_key, settings.get().workers, context.log.warning)
    with warehouse.get_connection() as con:
        counts.update(_refresh_claims_and_outbox(context, con, settings))
    return dg.MaterializeResult(metadata=counts)
