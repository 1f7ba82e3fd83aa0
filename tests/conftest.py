"""Shared fixtures: the bundled sample site on loopback and one pipeline run over it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.cli import SAMPLE_SITE, demo_sources
from spiders.loopback_server import LoopbackSite
from warehouse.records import Article, ClaimMention

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def sample_site() -> LoopbackSite:
    """The repo's sample news site served on 127.0.0.1 for the whole session."""
    with LoopbackSite(SAMPLE_SITE) as site:
        yield site


def stored_article(article_id: str, url: str, source: str, when: datetime, **fields: Any) -> Article:
    """An English article published and fetched at ``when``, with filler text and its id as content hash."""
    values: dict[str, Any] = {"title": f"t{article_id}", "text": f"text {article_id} " * 50, "language": "en"}
    values.update(fields)
    values.setdefault("content_hash", article_id)
    return Article(article_id=article_id, url=url, canonical_url=url, source=source, fetched_at=when,
                   published_at=when, page_id=f"p{article_id}", **values)  # fmt: skip


def stated_mention(
    article_id: str, claim_id: str, subject_side: tuple[str | None, str | None], relation: str,
    object_side: tuple[str | None, str | None], **fields: Any,
) -> ClaimMention:  # fmt: skip
    """A mention of ``claim_id``: (firm, model) sides; an outlet's unhedged word on coding unless ``fields`` say."""
    (so, sm), (oo, om) = subject_side, object_side
    values: dict[str, Any] = {
        "subject": sm or so or fields.get("subject_group") or "",
        "object": om or oo or "",
        "domain": "coding",
        "claimant": "outlet",
        "claimant_name": None,
        "negated": False,
        "hedged": False,
        "sentence": f"{sm or so} vs {om or oo}.",
        "start_char": 0,
    }
    values.update(fields)
    values.setdefault("end_char", values["start_char"] + len(values["sentence"]))
    values.setdefault("mention_id", f"m-{article_id}-{claim_id}-{values['start_char']}")
    return ClaimMention(article_id=article_id, claim_id=claim_id, subject_org=so, subject_model=sm, relation=relation,
                        object_org=oo, object_model=om, **values)  # fmt: skip


def write_sources(path: Path, data: dict[str, Any]) -> Path:
    """Write a sources YAML file and return its path."""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_run(sample_site: LoopbackSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the whole pipeline twice over the sample site; return paths, summaries and request counts."""
    from pipelines.run import run_pipeline
    from warehouse.db import connect

    work = tmp_path_factory.mktemp("sample-run")
    sources = write_sources(work / "sources.yaml", demo_sources(sample_site.base_url))
    db = work / "claimwatch.duckdb"
    alerts_file = work / "alerts.jsonl"
    sample_site.hits.clear()
    first = run_pipeline(sources, db, alerts_file)
    hits_first = dict(sample_site.hits)

    def counts() -> dict[str, int]:
        con = connect(db, read_only=True)
        try:
            return {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "claims", "claim_mentions", "alerts")
            }
        finally:
            con.close()

    counts_first = counts()
    alert_lines_first = alerts_file.read_text(encoding="utf-8").splitlines()
    sample_site.hits.clear()
    sample_site.statuses.clear()
    second = run_pipeline(sources, db, alerts_file)
    return {
        "db": db,
        "alerts_file": alerts_file,
        "first": first,
        "second": second,
        "hits_first": hits_first,
        "hits_second": dict(sample_site.hits),
        "statuses_second": dict(sample_site.statuses),
        "counts_first": counts_first,
        "counts_second": counts(),
        "alert_lines_first": alert_lines_first,
        "base_url": sample_site.base_url,
        "sources": sources,
    }


# Tests that use these fixtures serve the sample site or run the whole pipeline: they are integration tests wherever
# they live. Whole modules of them say so with `pytestmark = pytest.mark.integration`.
INTEGRATION_FIXTURES = {"sample_site", "sample_run"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses an integration fixture (``pytest -m "not integration"`` leaves them out)."""
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
