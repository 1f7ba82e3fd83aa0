"""The article stage: clean, sign and deduplicate landed pages."""

import dagster as dg

from extractors.cleaning import load_language_model
from extractors.rules import ClaimRules
from pipelines.articles import load_articles
from pipelines.assets.archives import raw_pages_from_archives
from pipelines.assets.common import column_schema, stage_asset
from pipelines.assets.crawl import raw_pages
from pipelines.parallel import cleaned_batches
from pipelines.resources import SettingsResource, WarehouseResource
from warehouse.claims import discovered_entities, stage_extractions
from warehouse.db import duckdb_threads
from warehouse.pages import pages_at_rowids, unjudged_page_rowids
from warehouse.rows import count

CLEAN_BATCH = 500


@stage_asset(kinds={"trafilatura", "duckdb"}, deps=[raw_pages, raw_pages_from_archives], table="articles")
def articles(warehouse: WarehouseResource, settings: SettingsResource) -> dg.MaterializeResult:
    """Cleaned news articles (trafilatura), one row per page URL, from every landed page not judged yet.

    Copies (AMP, syndicated, same text) point to the kept one with duplicate_of. The cleaning workers also run
    the claim rules on each article and stage the results for claim_mentions.
    """
    totals = {"pages_judged": 0, "not_articles": 0, "articles_new": 0, "duplicates_new": 0, "extractions_staged": 0}
    workers = settings.get().workers
    with warehouse.get_connection() as con:
        rules = ClaimRules(discovered_entities(con))  # the pool's workers get these rules as they start
        load_language_model()  # before the pool forks: the workers inherit the language model
        todo = unjudged_page_rowids(con)
        batches = cleaned_batches(lambda ids: pages_at_rowids(con, ids), todo, CLEAN_BATCH, workers, rules)
        with duckdb_threads(con, 1 if workers > 1 else None):  # the pool has the cores
            for verdicts, rows, extractions in batches:
                counts = load_articles(con, verdicts, rows)
                totals["extractions_staged"] += stage_extractions(con, extractions, rules.version, rules.seed_key)
                totals["pages_judged"] += len(verdicts)
                totals["not_articles"] += sum(1 for v in verdicts if not v.is_article)
                totals["articles_new"] += counts["articles_new"]
                totals["duplicates_new"] += counts["duplicates_new"]
        totals["articles_total"] = count(con, "articles")
        schema = column_schema(con, "articles")
    return dg.MaterializeResult(metadata={**totals, "dagster/column_schema": schema})
