"""The crawl stage: raw_pages (all sources, or a feed poll's new URLs) and its by-source partitions.

No `from __future__ import annotations` in the asset modules: Dagster reads the config annotations (CrawlScope)
at definition time.
"""

import dagster as dg

from pipelines.assets.common import column_schema, stage_asset
from pipelines.resources import CrawlerResource, WarehouseResource
from spiders.items import FetchRecord
from warehouse.pages import feed_state, known_urls, load_crawl
from warehouse.rows import utcnow
from warehouse.runs import finish_crawl, record_run_outcome, start_run


class CrawlScope(dg.Config):
    """What one run of raw_pages crawls."""

    new_urls: dict[str, list[str]] = {}  # source -> URLs a feed poll found new (feed_poll_sensor); empty: every source


CRAWL_RETRIES = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)  # transient failures


@stage_asset(kinds={"scrapy", "duckdb"}, retry_policy=CRAWL_RETRIES, table="raw_pages")
def raw_pages(
    context: dg.AssetExecutionContext, config: CrawlScope, warehouse: WarehouseResource, crawler: CrawlerResource
) -> dg.MaterializeResult:
    """Responses landed by the Scrapy crawl of every configured source, every fetch outcome in fetch_log.

    The crawl (of every source, or only of the new URLs a feed poll found) runs in a child process.
    """
    return _crawl_and_land(context, warehouse, crawler, None, config.new_urls or None)


def _crawl_and_land(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    crawler: CrawlerResource,
    only_sources: list[str] | None,
    only_urls: dict[str, list[str]] | None = None,
) -> dg.MaterializeResult:
    """Crawl (all sources or ``only_sources``) without holding the warehouse, then land in one transaction."""
    with warehouse.get_connection() as con:
        start_run(con, context.run.run_id, crawler.sources_file)
        skip = known_urls(con)
        state = feed_state(con)
    warehouse.release_connection()  # the crawl can take a long time: let readers (and other crawls) in meanwhile
    result = crawler.crawl(skip, state, only_sources, only_urls)
    fetches = list(result.fetches)
    crash = None
    if result.exit_code != 0:
        last_line = (result.stderr_tail.strip().splitlines() or ["no output"])[-1]
        crash = f"crawler crashed (exit {result.exit_code}): {last_line[:300]}"
        fetches.append(
            FetchRecord(
                url=crawler.sources_file,
                source="(crawler)" if only_sources is None else ",".join(only_sources),
                role="crawl",
                status=None,
                error="crawler_crashed",
                detail=result.stderr_tail[-1000:],
                fetched_at=utcnow().isoformat(),
            )
        )
    crawl_stats = {
        "crawler_exit_code": result.exit_code,
        "crawler_peak_rss_mb": round(float(result.stats.get("peak_rss_mb", 0.0)), 1),
        # requests that reached the downloader (one refused before it, by robots.txt or the network guard, or a
        # name that does not resolve, is a fetch failure but no request) and the responses that came back
        "requests": int(result.stats.get("downloader/request_count", 0)),
        "responses": int(result.stats.get("downloader/response_count", 0)),
        "responses_304": int(result.stats.get("downloader/response_status_count/304", 0)),
    }
    with warehouse.get_connection() as con:
        # what the crawler landed before it died is kept: the next run cleans it
        counts = load_crawl(con, context.run.run_id, result.iter_pages(), fetches)
        finish_crawl(con, context.run.run_id, crawl_stats)
        if crash:
            record_run_outcome(con, context.run.run_id, crash)
        schema = column_schema(con, "raw_pages")
    if crash:
        # a crash is not transient: no Dagster retry of a whole crawl; the run fails and says why
        raise dg.Failure(description=crash, metadata={**counts, **crawl_stats}, allow_retries=False)
    return dg.MaterializeResult(
        metadata={**counts, **crawl_stats, "skipped_known_urls": len(skip), "dagster/column_schema": schema}
    )


SOURCES = dg.DynamicPartitionsDefinition(name="sources")


@stage_asset(
    kinds={"scrapy", "duckdb"},
    group_name="by_source",
    partitions_def=SOURCES,
    retry_policy=CRAWL_RETRIES,
    table="raw_pages",
)
def raw_pages_by_source(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, crawler: CrawlerResource
) -> dg.MaterializeResult:
    """One source's crawl, partitioned by source name (kept in step with the sources file by a sensor).

    A backfill over many sources runs one crawl per run, in parallel across run workers or cluster pods; each
    lands into raw_pages (the landing waits for DuckDB's write lock, the crawl does not hold it), and the next run
    of the hourly graph cleans and extracts whatever was landed.
    """
    return _crawl_and_land(context, warehouse, crawler, [context.partition_key])
