"""Issue item 10: the smaller holes, one test each."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from scrapy.resolver import CachingThreadedResolver, dnscache

from pipelines.cli import SAMPLE_SITE, main
from pipelines.run import run_pipeline, summarize
from spiders.feeds import XmlRejected, parse_feed
from spiders.loopback_server import LoopbackSite
from spiders.netguard import check_url, is_internal_address
from spiders.network_guard_middleware import pin_checked_address
from tests.conftest import write_sources
from tests.test_alerts import CLAIMS, seed
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


ARTICLES = [
    "orbit-tech/2026/09/deepseek-says-new-reasoning-model-matches-openai-o3-on-coding.html",
    "northgate-post/2026/09/benchmark-lab-finds-qwen3-outperforms-llama-4-on-math.html",
    "orbit-tech/2026/09/xai-grok-closes-gap-with-gemini-on-reasoning.html",
    "daily-ledger/2026/09/moonshot-ai-claims-kimi-k2-rivals-gpt-4-1-on-agent-tasks.html",
]


def _sources(path: Path, base: str, pages: list[str], per_domain: int = 4) -> Path:
    return write_sources(
        path,
        {
            "allow_private_networks": True,
            "crawl": {
                "autothrottle_start_delay": 0.0,
                "download_delay": 0.0,
                "concurrent_requests_per_domain": per_domain,
            },
            "sources": [{"name": "list", "urls": [f"{base}/{p}" for p in pages]}],
        },
    )


def test_orphan_check_passes_on_an_incremental_run_that_adds_claims(sample_site: LoopbackSite, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = run_pipeline(_sources(tmp_path / "s1.yaml", sample_site.base_url, ARTICLES[:2]), db, tmp_path / "a.jsonl")
    second = run_pipeline(_sources(tmp_path / "s2.yaml", sample_site.base_url, ARTICLES), db, tmp_path / "a.jsonl")
    assert first.success and second.success
    assert second.claims_total > first.claims_total  # the second run added claims
    assert second.checks["no_orphan_mentions"] is True


def test_a_reader_facing_a_locked_warehouse_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from warehouse.db import connect; c = connect({str(db)!r}); import time; time.sleep(30)",
        ]
    )
    try:
        time.sleep(3)
        r = CliRunner().invoke(main, ["query", "SELECT 1", "--db", str(db), "--lock-wait", "0.5"])
    finally:
        holder.kill()
        holder.wait()
    assert r.exit_code == 1
    assert "locked by another claimwatch process" in r.output and "Traceback" not in r.output


def _children(pid: int, marker: str) -> list[psutil.Process]:
    try:
        return [c for c in psutil.Process(pid).children(recursive=True) if marker in " ".join(c.cmdline())]
    except psutil.NoSuchProcess:
        return []


def _gone_within(procs: list[psutil.Process], seconds: float) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=seconds)
    return not alive


def test_killing_the_run_kills_its_crawler_child(tmp_path: Path) -> None:
    every_page = sorted(str(p.relative_to(SAMPLE_SITE)) for p in SAMPLE_SITE.rglob("*.html"))
    with LoopbackSite(SAMPLE_SITE, page_delay=1.0) as site:
        # one page a second, one at a time: a crawl of ~30 s that must not go on without the run
        sources = _sources(tmp_path / "s.yaml", site.base_url, every_page, per_domain=1)
        cli = Path(sys.executable).with_name("claimwatch")
        run = subprocess.Popen([str(cli), "run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")])
        deadline = time.monotonic() + 60
        crawlers: list[psutil.Process] = []
        while time.monotonic() < deadline and not crawlers:
            crawlers = _children(run.pid, "spiders.crawl_child")
            time.sleep(0.1)
        assert crawlers, "no crawler child started"
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert _gone_within(crawlers, 5.0), "the crawler child outlived the run"


def test_killing_an_ingest_kills_its_pool_workers(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    story = (SAMPLE_SITE / ARTICLES[0]).read_text(encoding="utf-8")
    for i in range(600):
        (pages / f"p{i:04d}.html").write_text(story.replace("</h1>", f" part {i}</h1>", 1), encoding="utf-8")
    cli = Path(sys.executable).with_name("claimwatch")
    env = {**os.environ, "CLAIMWATCH_WORKERS": "2"}
    ingest = subprocess.Popen([str(cli), "ingest", str(pages), "--db", str(tmp_path / "w.duckdb")], env=env)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2 and ingest.poll() is None:
        try:
            workers = psutil.Process(ingest.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "no pool workers seen"
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait()
    assert _gone_within(workers, 5.0), "pool workers outlived the ingest"


def test_overlapping_runs_list_only_their_own_alerts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("INSERT INTO runs (run_id, started_at) VALUES ('run-2', now() - INTERVAL 1 HOUR)")
    con.close()
    seed(db, CLAIMS[:2], day=1)  # alerts written by run-1, while run-2 (started earlier) is still going
    assert [a.alert_id for a in summarize(str(db), "run-2", True).alerts_new] == []
    assert len(summarize(str(db), "run-1", True).alerts_new) == 2


@pytest.mark.parametrize(
    "addr",
    ["2002:7f00:1::1", "2002:a00:1::1", "64:ff9b::7f00:1", "::127.0.0.1", "2001:0:4136:e378:8000:63bf:80ff:fffe"],
)
def test_ipv6_forms_of_internal_ipv4_addresses_are_internal(addr: str) -> None:
    assert is_internal_address(addr)


def test_6to4_loopback_url_is_refused() -> None:
    from spiders.netguard import UrlRefused

    with pytest.raises(UrlRefused, match="private_address"):
        check_url("http://[2002:7f00:1::1]/x", allow_private_networks=False)


def test_the_download_connects_to_the_address_the_guard_checked() -> None:
    """The checked address is pinned where Scrapy's resolver looks first, so DNS is not asked again."""
    host = "pinned.claimwatch.invalid"  # .invalid never resolves: any answer comes from the pin
    dnscache.pop(host, None)
    pin_checked_address(host, ["93.184.215.14"])
    deferred = CachingThreadedResolver.getHostByName(object.__new__(CachingThreadedResolver), host)
    got: list[str] = []
    deferred.addCallback(got.append)
    assert got == ["93.184.215.14"]
    dnscache.pop(host, None)


@pytest.mark.parametrize("encoding", ["utf-8-late", "utf-16", "utf-32"])
def test_a_doctype_anywhere_or_in_utf16_is_rejected(encoding: str) -> None:
    rss = "<rss version='2.0'><channel><title>x</title><item><title>&a;</title><link>http://a.example/1</link></item>"
    dtd = "<!DOCTYPE rss [<!ENTITY a 'expanded'>]>"
    if encoding == "utf-8-late":
        body = ("<?xml version='1.0'?><!--" + "x" * 70_000 + "-->" + dtd + rss + "</channel></rss>").encode()
    else:
        body = (f"<?xml version='1.0' encoding='{encoding.upper()}'?>" + dtd + rss + "</channel></rss>").encode(
            encoding
        )
    with pytest.raises(XmlRejected, match="xml_dtd_rejected"):
        parse_feed(body)
