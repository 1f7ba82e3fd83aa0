"""Crawls partitioned by source: the partitions sensor follows the sources file; partitions crawl in parallel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.assets import SOURCES, articles
from pipelines.resources import CrawlerResource, SettingsResource, WarehouseResource
from pipelines.sensors import sources_partitions_sensor
from spiders.loopback_server import LoopbackSite

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def _site(root: Path) -> Path:
    for outlet in ("a", "b"):
        (root / outlet).mkdir(parents=True)
        locs = []
        for i in range(4):
            text = " ".join(
                f"Outlet {outlet} reports item {i}, sentence {k} of a long enough story." for k in range(30)
            )
            (root / outlet / f"{i}.html").write_text(
                f"<html lang='en'><head><title>{outlet} story {i}</title></head><body><article>"
                f"<h1>{outlet} story {i}</h1><p>{text}</p></article></body></html>"
            )
            locs.append(f"<url><loc>BASE_URL/{outlet}/{i}.html</loc></url>")
        (root / outlet / "sitemap.xml").write_text(
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(locs)
            + "</urlset>"
        )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return root


def _sources(path: Path, base_url: str, names: list[str]) -> Path:
    outlets = {"alpha": "a", "beta": "b"}
    data = {
        "allow_private_networks": True,
        "crawl": {"autothrottle_start_delay": 0.0, "download_delay": 0.0, "sitemap_max_age_days": 0},
        "sources": [{"name": n, "sitemap": f"{base_url}/{outlets[n]}/sitemap.xml"} for n in names],
    }
    path.write_text(yaml.safe_dump(data))
    return path


def test_sensor_keeps_partitions_in_step_with_the_sources_file(tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    sources = _sources(tmp_path / "sources.yaml", "http://127.0.0.1:9", ["alpha", "beta"])
    crawler = CrawlerResource(sources_file=str(sources))

    def evaluate():
        with dg.build_sensor_context(instance=instance, resources={"crawler": crawler}) as ctx:
            return sources_partitions_sensor(ctx)

    first = evaluate()
    assert isinstance(first, dg.SensorResult)
    assert [r.partition_keys for r in first.dynamic_partitions_requests] == [["alpha", "beta"]]
    instance.add_dynamic_partitions(SOURCES.name, ["alpha", "beta"])
    assert isinstance(evaluate(), dg.SkipReason)
    _sources(sources, "http://127.0.0.1:9", ["alpha"])  # beta removed from the file
    dropped = evaluate()
    assert isinstance(dropped, dg.SensorResult)
    assert [(type(r).__name__, r.partition_keys) for r in dropped.dynamic_partitions_requests] == [
        ("DeleteDynamicPartitionsRequest", ["beta"])
    ]


PARTITION_RUN = """
import sys, dagster as dg
from pipelines.assets import SOURCES, raw_pages_by_source
from pipelines.resources import CrawlerResource, WarehouseResource
name, db, sources, workdir = sys.argv[1:5]
with dg.DagsterInstance.ephemeral() as instance:
    instance.add_dynamic_partitions(SOURCES.name, ["alpha", "beta"])
    result = dg.materialize(
        [raw_pages_by_source], partition_key=name, instance=instance,
        resources={"warehouse": WarehouseResource(db_path=db),
                   "crawler": CrawlerResource(sources_file=sources, workdir=workdir)},
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
sys.exit(0 if result.success else 1)
"""


def test_two_source_partitions_crawl_in_parallel_and_land_only_their_source(tmp_path):
    """Each partition run in its own process, as Dagster's run launcher (or a k8s pod) would run it."""
    db = tmp_path / "w.duckdb"
    with LoopbackSite(_site(tmp_path / "site"), page_delay=0.05) as site:
        sources = _sources(tmp_path / "sources.yaml", site.base_url, ["alpha", "beta"])
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-c", PARTITION_RUN, name, str(db), str(sources), str(tmp_path / f"crawl-{name}")],
                cwd=Path(__file__).resolve().parents[1],
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("alpha", "beta")
        }
        codes = {name: (p.wait(timeout=180), p.stderr.read()[-2000:]) for name, p in procs.items()}
        hits = dict(site.hits)
    assert all(code == 0 for code, _ in codes.values()), codes
    assert all(hits.get(f"/{o}/{i}.html") == 1 for o in "ab" for i in range(4))
    con = duckdb.connect(str(db), read_only=True)
    landed = dict(con.execute("SELECT source, count(*) FROM raw_pages GROUP BY source").fetchall())
    runs = con.execute("SELECT count(DISTINCT run_id) FROM raw_pages").fetchall()[0][0]
    con.close()
    assert landed == {"alpha": 4, "beta": 4} and runs == 2
    # the unpartitioned graph picks up what every source's crawl landed
    after = dg.materialize(
        [articles],
        resources={
            "warehouse": WarehouseResource(db_path=str(db)),
            "settings": SettingsResource(),
        },
        run_config=QUIET,
    )
    assert after.success
    assert after.asset_materializations_for_node("articles")[0].metadata["articles_new"].value == 8
