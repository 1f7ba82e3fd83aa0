"""Every fault route through one real pipeline run: recorded, never fatal, only real articles loaded."""

from __future__ import annotations

import pytest

from pipelines.run import run_pipeline
from tests.conftest import write_sources
from tests.fault_server import FaultServer
from warehouse.db import connect

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)


PAGES = ["429", "500", "flaky", "slow", "huge", "gzip-bomb", "redirect-loop", "binary", "latin1", "consent", "empty"]
FEEDS = ["bad-feed.xml", "xxe-feed.xml", "billion-laughs.xml"]
CRAWL = {
    "autothrottle_start_delay": 0.0,
    "download_delay": 0.0,
    "download_timeout": 2,
    "retry_times": 2,
    "retry_backoff_base": 0.1,
    "download_maxsize": 1024 * 1024,
}


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    with FaultServer(slow_seconds=4) as server:
        b = server.base_url
        sources = write_sources(
            work / "s.yaml",
            {
                "allow_private_networks": True,
                "crawl": CRAWL,
                "sources": [
                    {"name": "fault-pages", "urls": [f"{b}/faults/{p}" for p in PAGES]},
                    *[{"name": f, "feed": f"{b}/faults/{f}"} for f in FEEDS],
                ],
            },
        )
        summary = run_pipeline(sources, work / "w.duckdb", work / "a.jsonl")
        hits = {k: list(v) for k, v in server.hits.items()}
    con = connect(work / "w.duckdb", read_only=True)
    fetch = {}
    for url, role, status, error in con.execute("SELECT url, role, status, error FROM fetch_log").fetchall():
        fetch.setdefault(url.removeprefix(b), []).append((role, status, error))
    articles = {u.removeprefix(b): t for u, t in con.execute("SELECT url, text FROM articles").fetchall()}
    verdicts = {u.removeprefix(b): r for u, r in con.execute("SELECT url, reason FROM page_verdicts").fetchall()}
    con.close()
    return {"summary": summary, "fetch": fetch, "articles": articles, "verdicts": verdicts, "hits": hits}


def test_run_succeeds_and_every_fault_url_is_recorded(fault_run):
    assert fault_run["summary"].success
    for name in PAGES + FEEDS:
        assert f"/faults/{name}" in fault_run["fetch"], name


@pytest.mark.parametrize(
    "name, reason",
    [
        ("500", "http_500"),
        ("slow", "timeout"),
        ("huge", "too_large"),
        ("gzip-bomb", "too_large"),
        ("redirect-loop", "redirect_loop"),
        ("binary", "not_html"),
        ("xxe-feed.xml", "xml_dtd_rejected"),
        ("billion-laughs.xml", "xml_dtd_rejected"),
    ],
)
def test_failure_reasons(fault_run, name, reason):
    assert {e for _, _, e in fault_run["fetch"][f"/faults/{name}"]} == {reason}


def test_only_the_recovered_pages_become_articles(fault_run):
    assert set(fault_run["articles"]) == {"/faults/429", "/faults/flaky", "/faults/latin1"}
    assert fault_run["verdicts"]["/faults/consent"] == "consent_wall"
    assert fault_run["verdicts"]["/faults/empty"] == "empty_body"
    text = fault_run["articles"]["/faults/latin1"]
    assert "caf\u00e9" in text and "\u20ac5" in text and "Zhipu AI\u2019s" in text and "\u00fcber" in text


def test_retry_after_is_honoured_and_5xx_retried_with_backoff(fault_run):
    t = fault_run["hits"]["/faults/429"]
    assert len(t) == 3 and t[1] - t[0] >= 0.95 and t[2] - t[1] >= 0.95
    assert len(fault_run["hits"]["/faults/500"]) == 3  # first try + RETRY_TIMES
    assert len(fault_run["hits"]["/faults/flaky"]) == 2


def test_malformed_feed_links_are_still_followed(fault_run):
    assert [r for r in fault_run["fetch"]["/faults/bad-feed.xml"] if r[0] == "feed"] == [("feed", 200, None)]
    assert "/faults/flaky" in fault_run["articles"]


def test_robots_5xx_disallows_the_host(tmp_path):
    from spiders.crawl import run_crawl
    from spiders.sources import parse_sources

    with FaultServer(robots_status=503) as server:
        cfg = parse_sources(
            {
                "allow_private_networks": True,
                "crawl": CRAWL,
                "sources": [{"name": "x", "urls": [f"{server.base_url}/faults/flaky"]}],
            }
        )
        result = run_crawl(cfg, tmp_path)
        assert [f.error for f in result.fetches] == ["robots_unavailable"]
        assert "/faults/flaky" not in server.hits


def test_redirect_to_private_address_is_refused_at_the_hop(tmp_path):
    from spiders.crawl import run_crawl
    from spiders.sources import parse_sources

    with FaultServer() as server:
        # loopback is allowed explicitly, other private ranges are not: the first hop is fetched and the
        # 302 to 10.0.0.1 is refused by the guard before any connection is made
        cfg = parse_sources(
            {
                "crawl": {**CRAWL, "allow_networks": ["127.0.0.0/8"]},
                "sources": [{"name": "x", "urls": [f"{server.base_url}/faults/to-private"]}],
            }
        )
        result = run_crawl(cfg, tmp_path)
        assert [(f.url, f.error) for f in result.fetches] == [("http://10.0.0.1/secret", "private_address")]
        assert server.hits["/faults/to-private"] and result.pages == []
