"""Child-process entry point: run one crawl with Scrapy and exit.

Twisted's reactor cannot be restarted inside a long-lived process (Dagster, tests), so
:func:`spiders.crawl.run_crawl` starts ``python -m spiders.crawl_child`` for every crawl.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys

from scrapy.crawler import CrawlerProcess

from spiders.child_process import die_with_parent
from spiders.news_spider import NewsSpider
from spiders.settings import crawler_settings
from spiders.sources import parse_sources


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the spider to completion, return the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, help="sources config as JSON (file path)")
    ap.add_argument("--landing", required=True, help="landing file to append JSON lines to")
    ap.add_argument("--skip-file", help="file of canonical URLs already stored (one per line)")
    ap.add_argument("--log-file", help="Scrapy log file")
    ap.add_argument("--state-file", help="JSON {url: {etag, last_modified}} for conditional feed requests")
    ap.add_argument("--stats-file", help="where to write the crawl's stats and peak memory (JSON)")
    ap.add_argument("--parent-pid", type=int, help="exit when this process (the run that started the crawl) dies")
    args = ap.parse_args(argv)
    if args.parent_pid:
        die_with_parent(args.parent_pid)
    with open(args.config, encoding="utf-8") as fh:
        config = parse_sources(json.load(fh), args.config)  # parsed once, handed to the spider as an object
    settings = crawler_settings(config, args.landing, args.log_file)
    settings["LOG_INSTALL_ROOT_HANDLER"] = args.log_file is None
    process = CrawlerProcess(settings)
    if args.log_file:
        handler = logging.FileHandler(args.log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, config=config, skip_file=args.skip_file, state_file=args.state_file)
    process.start()
    stats = {k: v for k, v in (crawler.stats.get_stats() or {}).items() if isinstance(v, int | float | str)}
    if args.stats_file:
        stats["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open(args.stats_file, "w", encoding="utf-8") as fh:
            json.dump(stats, fh, default=str)
    reason = str(stats.get("finish_reason", "not_started"))
    if reason != "finished" and not reason.startswith("closespider_"):
        # e.g. start_error: the spider stopped before every source was crawled; the run must not pass as ok
        print(f"crawl ended early: finish_reason={reason}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
