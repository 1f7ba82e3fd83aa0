"""Archive ingest: raw_pages_from_archives lands saved HTML pages and WARC archives, like a crawl lands responses.

No `from __future__ import annotations` in the asset modules: Dagster reads the config annotations at definition
time.
"""

import dagster as dg

from pipelines.assets.common import column_schema, stage_asset
from pipelines.resources import ArchiveRoots, WarehouseResource
from spiders.archives import read_archives
from spiders.items import FetchedPage, FetchRecord
from warehouse.pages import load_crawl
from warehouse.runs import start_run

INGEST_BATCH = 500  # pages landed per transaction: archives are streamed, never held whole


class ArchivePaths(dg.Config):
    """What one run of raw_pages_from_archives reads."""

    paths: list[str]  # files or folders of .html / .htm (.gz) pages and .warc / .arc archives, under the archive roots
    source: str = "archive"  # the source name the pages are stored under


@stage_asset(kinds={"warc", "duckdb"}, table="raw_pages")
def raw_pages_from_archives(
    context: dg.AssetExecutionContext,
    config: ArchivePaths,
    warehouse: WarehouseResource,
    archive_roots: dg.ResourceParam[ArchiveRoots],
) -> dg.MaterializeResult:
    """Pages landed from saved HTML files and WARC archives (claimwatch ingest), every file's outcome in fetch_log.

    The files under ``config.paths`` are streamed into raw_pages, ``INGEST_BATCH`` records a transaction, for the
    same clean -> extract -> load path as a crawl. A file outside ``archive_roots`` is not read: it gets one
    ``outside_archive_roots`` row in fetch_log (the launchpad takes any path).
    """
    run_id = context.run.run_id
    totals = {"pages_landed": 0, "fetches_logged": 0, "fetch_failures": 0}
    with warehouse.get_connection() as con:
        start_run(con, run_id, f"ingest: {', '.join(config.paths)}"[:500])
        pages: list[FetchedPage] = []
        fetches: list[FetchRecord] = []
        context.log.info(f"archive roots: {', '.join(map(str, archive_roots.folders))}")
        for page, fetch in read_archives(list(config.paths), config.source, list(archive_roots.folders)):
            fetches.append(fetch)
            if page is not None:
                pages.append(page)
            if len(fetches) >= INGEST_BATCH:
                for k, v in load_crawl(con, run_id, pages, fetches).items():
                    totals[k] += v
                pages, fetches = [], []
        for k, v in load_crawl(con, run_id, pages, fetches).items():
            totals[k] += v
        schema = column_schema(con, "raw_pages")
    return dg.MaterializeResult(metadata={**totals, "dagster/column_schema": schema})
