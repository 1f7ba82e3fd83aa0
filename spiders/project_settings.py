"""Scrapy project settings, so data engineers can use Scrapy's own tools on the project's spider.

``scrapy.cfg`` points here: from the repository root, ``scrapy list`` shows the spider and
``scrapy crawl news -a sources=sources.yaml -s CLAIMWATCH_LANDING_FILE=landing.jsonl`` crawls once and writes
the landing file that ``claimwatch`` loads. The values are the polite defaults ``claimwatch run`` uses
(``spiders/settings.py``); a sources file's ``crawl:`` overrides apply through ``claimwatch run`` (here, pass
them with ``-s``, e.g. ``-s DOWNLOAD_DELAY=1``; a loopback test site needs
``-s CLAIMWATCH_ALLOW_PRIVATE_NETWORKS=true``).
"""

from __future__ import annotations

from spiders.settings import crawler_settings
from spiders.sources import SourcesConfig

BOT_NAME = "claimwatch"
SPIDER_MODULES = ["spiders.news_spider"]
NEWSPIDER_MODULE = "spiders"

globals().update(
    {k: v for k, v in crawler_settings(SourcesConfig(sources=[]), "landing.jsonl").items() if v is not None}
)
