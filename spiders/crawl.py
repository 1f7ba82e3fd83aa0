"""Run a crawl in a child process and read back what it landed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spiders.items import FetchedPage, FetchRecord
from spiders.sources import SourcesConfig


@dataclass
class CrawlResult:
    """What one crawl landed, read back from its landing file: pages (raw bodies) and fetch records.

    :meth:`iter_pages` streams the pages one at a time (a crawl's bodies are never all held at once);
    :attr:`pages` reads them into a list, for small crawls and tests. The landing file stays until the result
    is dropped when the crawl made its own temporary folder.
    """

    landing_file: Path | None = None
    fetches: list[FetchRecord] = field(default_factory=list)
    exit_code: int = 0
    log_file: str | None = None
    stderr_tail: str = ""
    stats: dict[str, Any] = field(default_factory=dict)  # Scrapy's stats plus peak_rss_mb of the crawler
    workdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)  # kept alive with the result

    def iter_pages(self) -> Iterator[FetchedPage]:
        """The landed pages, one at a time, in landing order."""
        if self.landing_file is not None:
            for row in read_landing(self.landing_file, "page"):
                assert isinstance(row, FetchedPage)
                yield row

    @property
    def pages(self) -> list[FetchedPage]:
        """Every landed page (bodies included) as a list."""
        return list(self.iter_pages())


def read_landing(path: str | Path, kind: str | None = None) -> Iterator[FetchedPage | FetchRecord]:
    """The records of a landing file (only ``kind``'s, "page" or "fetch", if given), one at a time.

    A truncated last line (crawler killed mid-write) is skipped. A page's body is decoded only when pages are
    asked for: reading the fetch records does not decode every body of the crawl.
    """
    p = Path(path)
    if not p.exists():
        return
    with p.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            row_kind = row.pop("kind", None)
            if kind is not None and row_kind != kind:
                continue
            if row_kind == "page":
                row["body"] = base64.b64decode(row["body"])
                yield FetchedPage(**row)
            elif row_kind == "fetch":
                yield FetchRecord(**row)


def _child_command(
    wd: Path, config: SourcesConfig, skip_urls: Iterable[str], feed_state: dict[str, dict[str, str | None]] | None
) -> list[str]:
    """Write the crawl child's input files into ``wd`` (config, URLs to skip, feed validators) and return its command.

    The landing file is created empty, so a child that dies before landing anything leaves a file to read.
    """
    config_path = wd / "crawl-config.json"
    config_path.write_text(json.dumps(config.to_dict()), encoding="utf-8")
    (wd / "landing.jsonl").write_text("", encoding="utf-8")
    skip_path = wd / "skip-urls.txt"
    skip_path.write_text("\n".join(skip_urls), encoding="utf-8")
    state_path = wd / "feed-state.json"
    state_path.write_text(json.dumps(feed_state or {}), encoding="utf-8")
    args = {
        "--config": config_path,
        "--landing": wd / "landing.jsonl",
        "--skip-file": skip_path,
        "--log-file": wd / "scrapy.log",
        "--state-file": state_path,
        "--stats-file": wd / "crawl-stats.json",
        "--parent-pid": os.getpid(),
    }
    return [sys.executable, "-m", "spiders.crawl_child", *(str(x) for kv in args.items() for x in kv)]


def run_crawl(
    config: SourcesConfig,
    workdir: str | Path | None = None,
    skip_urls: Iterable[str] = (),
    timeout: float = 3600.0,
    feed_state: dict[str, dict[str, str | None]] | None = None,
) -> CrawlResult:
    """Crawl every source in ``config`` in a child Python process and return what it landed.

    A crawler crash still returns whatever was landed before it, with the exit code set.
    """
    own_tmp = None
    if workdir is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="claimwatch-crawl-")
        workdir = own_tmp.name
    wd = Path(workdir)
    wd.mkdir(parents=True, exist_ok=True)
    cmd = _child_command(wd, config, skip_urls, feed_state)
    landing, log_file = wd / "landing.jsonl", wd / "scrapy.log"
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        code, err = proc.returncode, proc.stderr[-4000:]
    except subprocess.TimeoutExpired as exc:
        code, err = -1, f"crawl timed out after {timeout}s: {exc}"
    fetches = [r for r in read_landing(landing, "fetch") if isinstance(r, FetchRecord)]
    stats_path = wd / "crawl-stats.json"
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    return CrawlResult(
        landing_file=landing,
        fetches=fetches,
        exit_code=code,
        log_file=None if own_tmp is not None else str(log_file),
        stderr_tail=err,
        stats=stats,
        workdir=own_tmp,
    )
