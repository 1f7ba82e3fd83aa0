"""The asset graph: raw_pages -> articles -> claim_mentions -> claims (+ outbox alerts) -> alerts (delivery).

Each asset is thin: it reads from the warehouse, calls a pure function, writes in one transaction and
returns row counts as metadata.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from extractors.cleaning import load_language_model
from pipelines.articles import load_articles, signature_index
from pipelines.delivery import deliver_digests, deliver_pending
from pipelines.parallel import cleaned_batches, extract_alone_parallel, worker_count
from pipelines.resources import CrawlerResource, NotifierResource, WarehouseResource
from pipelines.settings import orchestration_settings
from pipelines.stages import (
    clean_sign_extract,
    confirm_in_order,
    extractor_version,
    gazetteer_firm_names,
    seed_key,
    seeded_extractor,
)
from warehouse import load
from warehouse.db import duckdb_threads
from warehouse.queries import (
    article_duplicate_counts,
    articles_without_text_count,
    column_docs,
    duplicated_claim_key_count,
    new_claims_preview,
    orphan_mention_count,
    quiet_sources,
    undelivered_alert_count,
)

GROUP = "claimwatch"
OWNERS = ["team:data-engineering"]
CLEAN_BATCH = 500


class CrawlScope(dg.Config):
    """What one run of raw_pages crawls."""

    new_urls: dict[str, list[str]] = {}  # source -> URLs a feed poll found new (feed_poll_sensor); empty: every source


@dg.asset(
    kinds={"scrapy", "duckdb"},
    group_name=GROUP,
    owners=OWNERS,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    description="Responses landed by the Scrapy crawl of every configured source, "
    "with every fetch outcome (including failures) in fetch_log.",
)
def raw_pages(
    context: dg.AssetExecutionContext, config: CrawlScope, warehouse: WarehouseResource, crawler: CrawlerResource
) -> dg.MaterializeResult:
    """Crawl the sources (or only the new URLs a feed poll found) in a child process and land what it fetched."""
    return _crawl_and_land(context, warehouse, crawler, None, config.new_urls or None)


def column_schema(con: Any, table: str) -> dg.TableSchema:
    """The table's columns with their types and the meanings its migrations gave them (COMMENT ON)."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name, typ, description=comment or "", constraints=dg.TableColumnConstraints(nullable=not req)
            )
            for name, typ, req, comment in column_docs(con, table)
        ]
    )


def _crawl_and_land(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    crawler: CrawlerResource,
    only_sources: list[str] | None,
    only_urls: dict[str, list[str]] | None = None,
) -> dg.MaterializeResult:
    """Crawl (all sources or ``only_sources``) without holding the warehouse, then land in one transaction."""
    with warehouse.get_connection() as con:
        load.start_run(con, context.run.run_id, crawler.sources_file)
        skip = load.known_urls(con)
        state = load.feed_state(con)
    warehouse.release_connection()  # the crawl can take a long time: let readers (and other crawls) in meanwhile
    result = crawler.crawl(skip, state, only_sources, only_urls)
    fetches = list(result.fetches)
    crash = None
    if result.exit_code != 0:
        last_line = (result.stderr_tail.strip().splitlines() or ["no output"])[-1]
        crash = f"crawler crashed (exit {result.exit_code}): {last_line[:300]}"
        fetches.append(
            {
                "url": crawler.sources_file,
                "source": "(crawler)" if only_sources is None else ",".join(only_sources),
                "role": "crawl",
                "status": None,
                "error": "crawler_crashed",
                "detail": result.stderr_tail[-1000:],
                "fetched_at": load.utcnow().isoformat(),
            }
        )
    crawl_stats = {
        "crawler_exit_code": result.exit_code,
        "crawler_peak_rss_mb": round(float(result.stats.get("peak_rss_mb", 0.0)), 1),
        "requests": int(result.stats.get("downloader/request_count", 0)),
        "responses_304": int(result.stats.get("downloader/response_status_count/304", 0)),
    }
    with warehouse.get_connection() as con:
        # what the crawler landed before it died is kept: the next run cleans it
        counts = load.load_crawl(con, context.run.run_id, result.pages, fetches)
        load.finish_crawl(con, context.run.run_id, crawl_stats)
        if crash:
            load.record_run_outcome(con, context.run.run_id, crash)
        schema = column_schema(con, "raw_pages")
    if crash:
        # a crash is not transient: no Dagster retry of a whole crawl; the run fails and says why
        raise dg.Failure(description=crash, metadata={**counts, **crawl_stats}, allow_retries=False)
    return dg.MaterializeResult(
        metadata={**counts, **crawl_stats, "skipped_known_urls": len(skip), "dagster/column_schema": schema}
    )


SOURCES = dg.DynamicPartitionsDefinition(name="sources")


@dg.asset(
    kinds={"scrapy", "duckdb"},
    group_name="by_source",
    owners=OWNERS,
    partitions_def=SOURCES,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    description="One source's crawl, partitioned by source name (partitions kept in step with the sources file "
    "by sources_partitions_sensor). A backfill over many sources runs one crawl per run, in parallel across run "
    "workers or cluster pods; each lands into raw_pages (the landing waits for DuckDB's write lock, the crawl "
    "does not hold it), and the next run of the hourly graph cleans and extracts whatever was landed.",
)
def raw_pages_by_source(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, crawler: CrawlerResource
) -> dg.MaterializeResult:
    """Crawl the partition's source and land what it fetched."""
    return _crawl_and_land(context, warehouse, crawler, [context.partition_key])


@dg.asset(
    kinds={"trafilatura", "duckdb"},
    group_name=GROUP,
    deps=[raw_pages],
    owners=OWNERS,
    description="Cleaned news articles (trafilatura), one row per "
    "page URL; copies (AMP, syndicated, same text) point to the kept one with duplicate_of. The cleaning workers "
    "also run the claim rules on each article and stage the results for claim_mentions.",
)
def articles(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Clean every landed page not judged yet; load articles with duplicate detection; stage claim rules' results."""
    totals = {"pages_judged": 0, "not_articles": 0, "articles_new": 0, "duplicates_new": 0, "extractions_staged": 0}
    version = extractor_version()
    with warehouse.get_connection() as con:
        seed = load.discovered_entities(con)
        seeded_extractor(seed)  # before the pool forks: the workers inherit the seeded rules
        load_language_model()  # and the language model
        key = seed_key(seed)
        index = signature_index(con)  # loaded once per run, extended batch by batch
        todo = load.unjudged_page_rowids(con)
        batches = cleaned_batches(
            lambda ids: load.pages_at_rowids(con, ids), todo, CLEAN_BATCH, work=clean_sign_extract
        )
        with duckdb_threads(con, 1 if worker_count() > 1 else None):  # the pool has the cores
            for verdicts, rows, extractions in batches:
                counts = load_articles(con, verdicts, rows, index)
                totals["extractions_staged"] += load.stage_extractions(con, extractions, version, key)
                totals["pages_judged"] += len(verdicts)
                totals["not_articles"] += sum(1 for v in verdicts if not v["is_article"])
                totals["articles_new"] += counts["articles_new"]
                totals["duplicates_new"] += counts["duplicates_new"]
        totals["articles_total"] = load.count(con, "articles")
        schema = column_schema(con, "articles")
    return dg.MaterializeResult(metadata={**totals, "dagster/column_schema": schema})


def _extract_and_load(
    context: dg.AssetExecutionContext, con: Any, todo: list[dict[str, Any]], version: str
) -> tuple[dict[str, int], dict[str, str]]:
    """Claim rules on ``todo``, in its order; replace the articles' mentions and record failures.

    Results the cleaning workers staged are used where their rules version and seed match; the rest are
    computed in the worker pool; :func:`confirm_in_order` makes them what one extractor reading ``todo`` in
    order would find. Used and stale staged rows are dropped.
    """
    seed = load.discovered_entities(con)
    extractor = seeded_extractor(seed)
    ids = [a["article_id"] for a in todo]
    results = load.staged_extractions(con, ids, version, seed_key(seed))
    staged = len(results)
    results.update(extract_alone_parallel([a for a in todo if a["article_id"] not in results]))
    mentions, errors, redone = confirm_in_order(todo, results, extractor)
    for article_id, err in errors.items():
        context.log.warning(f"claim rules failed on article {article_id}: {err}")
    ok_ids = [a for a in ids if a not in errors]
    counts = load.load_mentions(con, ok_ids, mentions, version)
    if errors:
        load.insert_rows(
            con,
            "article_extractions",
            [
                {
                    "article_id": a,
                    "extractor_version": version,
                    "mention_count": 0,
                    "error": e,
                    "extracted_at": load.utcnow(),
                }
                for a, e in errors.items()
            ],
            ["article_id", "extractor_version", "mention_count", "error", "extracted_at"],
            or_ignore=True,
        )
    load.drop_staged(con, ids, version)
    counts.update(
        {"results_from_cleaning_workers": staged, "extracted_here": len(todo) - staged, "re_extracted_in_order": redone}
    )
    return counts, errors


@dg.asset(
    kinds={"spacy", "duckdb"},
    group_name=GROUP,
    deps=[articles],
    owners=OWNERS,
    description="Claim evidence: one row per claim found in a kept "
    "article, with sentence, offsets, claimant and hedging. Uses the claim rules' results the cleaning workers "
    "staged, in article order; extracts whatever has none (a rules or seed change, an interrupted run).",
)
def claim_mentions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Claim mentions of kept articles not yet extracted with the current rules version."""
    version = extractor_version()
    with warehouse.get_connection() as con:
        todo = load.articles_to_extract(con, version)
        counts, errors = _extract_and_load(context, con, todo, version)
        total = load.count(con, "claim_mentions")
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


@dg.asset(
    kinds={"duckdb"},
    group_name=GROUP,
    deps=[claim_mentions],
    owners=OWNERS,
    description="Deduplicated claims: one row per claim key with first/last seen, first source, mention and "
    "source counts (duplicates never counted twice) and the strongest evidence. New parity/surpass claims get "
    "their outbox alert rows in the same transaction.",
)
def claims(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, notifier: NotifierResource
) -> dg.MaterializeResult:
    """Rebuild claim rows from mentions in kept articles and write outbox alerts for new ones."""
    from pipelines.report import plots_markdown  # matplotlib is imported only when plots are drawn
    from warehouse.queries import report_data

    with warehouse.get_connection() as con:
        counts = load.refresh_claims_and_outbox(con, context.run.run_id, notifier.settings().watchlist)
        counts.update(load.refresh_entities(con, gazetteer_firm_names()))
        preview = new_claims_preview(con, context.run.run_id)
        plots = report_data(con, "1970-01-01", newest=0)
        schema = column_schema(con, "claims")
    table = "| subject | model | relation | object | model | domain | mentions |\n|---|---|---|---|---|---|---|\n"
    table += "\n".join("| " + " | ".join(str(v) for v in row) + " |" for row in preview) or "(no new claims)"
    return dg.MaterializeResult(
        metadata={
            **counts,
            "dagster/row_count": counts["claims"],
            "new_claims": dg.MetadataValue.md(table),
            # the same plots as `claimwatch report`
            "plots": dg.MetadataValue.md(plots_markdown(plots["weekly"], plots["matrix"])),
            "dagster/column_schema": schema,
        }
    )


@dg.asset(
    kinds={"apprise", "duckdb"},
    group_name=GROUP,
    deps=[claims],
    owners=OWNERS,
    description="Alert delivery from the outbox: each pending parity/surpass alert is sent once (Apprise, or "
    "stdout + alerts.jsonl), retried with backoff, and marked delivered; storms become one digest.",
)
def alerts(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, notifier: NotifierResource
) -> dg.MaterializeResult:
    """Deliver every due alert, holding the warehouse only to claim alerts and to record each outcome."""

    @contextmanager
    def briefly() -> Iterator[Any]:
        with warehouse.get_connection() as con:
            yield con
        warehouse.release_connection()  # no lock held while a channel is on the network

    subscribers = notifier.subscribers()
    counts = deliver_pending(briefly, subscribers, notifier.settings())
    counts.update(deliver_digests(briefly, subscribers, notifier.settings()))
    with warehouse.get_connection() as con:
        waiting = undelivered_alert_count(con)
        total = load.count(con, "alerts")
        schema = column_schema(con, "alerts")
    if counts["failed"]:
        context.log.warning(f"{counts['failed']} alert(s) not delivered; they will be retried")
    return dg.MaterializeResult(
        metadata={**counts, "not_delivered": waiting, "dagster/row_count": total, "dagster/column_schema": schema}
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


DAILY = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone="UTC")


@dg.asset(
    kinds={"spacy", "duckdb"},
    group_name="backfill",
    owners=OWNERS,
    partitions_def=DAILY,
    deps=[articles],
    description="Backfill by publication day: re-run the current claim rules on the kept articles published on "
    "the partition's day (after a rules or gazetteer change), then refresh claims and the alert outbox. The "
    "hourly graph stays incremental; launch a backfill of this asset over a date range from the UI.",
)
def claims_by_day(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, notifier: NotifierResource
) -> dg.MaterializeResult:
    """Re-extract one day's articles."""
    day = context.partition_key
    version = extractor_version()
    with warehouse.get_connection() as con:
        todo = load.articles_published_on(con, day)
        counts, errors = _extract_and_load(context, con, todo, version)
        counts.update(load.refresh_claims_and_outbox(con, context.run.run_id, notifier.settings().watchlist))
    return dg.MaterializeResult(
        metadata={
            **counts,
            "day": day,
            "articles": len(todo),
            "extraction_errors": len(errors),
            "extractor_version": version,
        }
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


ALL_ASSETS = [raw_pages, articles, claim_mentions, claims, alerts]
BACKFILL_ASSETS = [claims_by_day]
BY_SOURCE_ASSETS = [raw_pages_by_source]
ALL_CHECKS = [
    sources_still_yield_articles,
    no_orphan_mentions,
    unique_claim_keys,
    articles_have_text,
    duplicate_rate_within_bounds,
]
