"""Pipeline throughput: stage by stage, end to end, parallel, memory, and the crawl. Writes a markdown table.

Usage: python benchmarks/pipeline_throughput.py [--generated 10000] [--crawl-pages 5000] [--out results.md]

Corpora: the 181 real pages of ../shared/extraction-benchmark (when present) and N pages generated from the
repo's own sample articles. The floor is bare ``trafilatura.extract(html, with_metadata=True)`` on the same
pages; "ours" is the end-to-end ingest (clean, extract, dedup, load, alerts, checks: one Dagster run).
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = REPO.parent / "shared" / "extraction-benchmark" / "html"
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generated_pages  # noqa: E402
from extractors.claims import ClaimExtractor  # noqa: E402
from extractors.cleaning import clean_html  # noqa: E402
from extractors.dedup import signature  # noqa: E402
from pipelines.run import ingest_paths  # noqa: E402
from pipelines.stages import clean_pages  # noqa: E402
from warehouse import load  # noqa: E402
from warehouse.db import connect  # noqa: E402


def rate(n: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(items per second, seconds) of one call."""
    t0 = time.perf_counter()
    fn()
    secs = time.perf_counter() - t0
    return n / secs, secs


def ingest_subprocess(folder: Path, db: Path, workers: int) -> tuple[float, float]:
    """Run `claimwatch ingest` in a child; return (seconds, the child's peak RSS in MB)."""
    env = {**os.environ, "CLAIMWATCH_WORKERS": str(workers)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "ingest",
            str(folder),
            "--db",
            str(db),
            "--alerts-file",
            str(db.with_suffix(".alerts.jsonl")),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"ingest exited with {status}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def corpus_rows(
    name: str, pages: list[bytes], work: Path, one_worker_rate: float | None = None
) -> list[tuple[str, str, str]]:
    """Stage figures for one corpus."""
    n = len(pages)
    rows: list[tuple[str, str, str]] = []
    floor, _ = rate(n, lambda: [trafilatura.extract(p, with_metadata=True) for p in pages])
    rows.append((name, "floor: trafilatura.extract(with_metadata=True)", f"{floor:,.1f} pages/s"))
    cleaned: list = []
    r, _ = rate(n, lambda: cleaned.extend(clean_html(p) for p in pages))
    rows.append((name, "clean (clean_html)", f"{r:,.1f} pages/s"))
    texts = [c.text for c in cleaned if c.text]
    x = ClaimExtractor()
    r, _ = rate(len(texts), lambda: [x.extract(str(i), t) for i, t in enumerate(texts)])
    rows.append((name, "extract (claim rules)", f"{r:,.1f} articles/s"))
    r, _ = rate(len(texts), lambda: [signature(t) for t in texts])
    rows.append((name, "dedup (MinHash signatures)", f"{r:,.1f} articles/s"))
    db = work / f"{name}-load.duckdb"
    landed = [
        {
            "url": f"https://b.example/{i}",
            "final_url": f"https://b.example/{i}",
            "source": "bench",
            "status": 200,
            "headers": {},
            "content_type": "text/html",
            "fetched_at": "2026-11-01T00:00:00+00:00",
            "body": p,
        }
        for i, p in enumerate(pages)
    ]
    con = connect(db)
    load.load_crawl(con, "bench", landed, [])
    todo = load.unjudged_pages(con)
    verdicts, arts = clean_pages(todo)
    r, _ = rate(n, lambda: load.load_articles(con, verdicts, arts))
    con.close()
    rows.append((name, "load (DuckDB: verdicts + articles + dedup groups)", f"{r:,.1f} pages/s"))
    folder = work / f"{name}-pages"
    folder.mkdir(exist_ok=True)
    for i, p in enumerate(pages):
        (folder / f"{i:05d}.html").write_bytes(p)
    ends = {}
    if one_worker_rate is not None:  # measured by the memory run (child process, start-up included)
        ends[1] = one_worker_rate
        rows.append((name, "end to end: claimwatch ingest, 1 worker, child process", f"{ends[1]:,.1f} pages/s"))
    for workers in (1, 2) if one_worker_rate is None else (2,):
        os.environ["CLAIMWATCH_WORKERS"] = str(workers)
        e2e_db = work / f"{name}-e2e-{workers}.duckdb"
        ends[workers], _ = rate(n, lambda db=e2e_db: ingest_paths([str(folder)], db, "bench", work / "alerts.jsonl"))
        rows.append(
            (name, f"end to end: claimwatch ingest, {workers} worker(s), in process", f"{ends[workers]:,.1f} pages/s")
        )
    os.environ.pop("CLAIMWATCH_WORKERS", None)
    rows.append((name, "ours / floor (1 worker)", f"{ends[1] / floor:.2f}"))
    rows.append((name, "speed-up, 2 workers vs 1", f"{ends[2] / ends[1]:.2f}x"))
    return rows


def memory_rows(pages: list[bytes], work: Path) -> tuple[list[tuple[str, str, str]], float]:
    """Peak RSS of a `claimwatch ingest` child at 1,000 and all generated pages; also the full run's pages/s."""
    rows = []
    full_rate = 0.0
    sizes = sorted({min(1000, len(pages)), len(pages)})
    peaks = {}
    for size in sizes:
        folder = work / f"mem-{size}"
        folder.mkdir(exist_ok=True)
        for i, p in enumerate(pages[:size]):
            (folder / f"{i:05d}.html").write_bytes(p)
        secs, peaks[size] = ingest_subprocess(folder, work / f"mem-{size}.duckdb", 1)
        full_rate = size / secs
        rows.append(
            (
                "generated",
                f"peak RSS, ingest of {size:,} pages (child process)",
                f"{peaks[size]:,.0f} MB ({size / secs:,.1f} pages/s incl. start-up)",
            )
        )
    if len(sizes) == 2:
        rows.append(
            (
                "generated",
                f"peak RSS growth {sizes[0]:,} -> {sizes[1]:,} pages",
                f"{(peaks[sizes[1]] / peaks[sizes[0]] - 1) * 100:+.1f}%",
            )
        )
    return rows, full_rate


def crawl_rows(pages: list[bytes], work: Path) -> list[tuple[str, str, str]]:
    """Crawl N pages from a loopback server through a sitemap; Scrapy's share of crawl + processing."""
    from spiders.crawl import run_crawl
    from spiders.loopback_server import LoopbackSite
    from spiders.sources import parse_sources

    site = work / "crawl-site"
    (site / "p").mkdir(parents=True, exist_ok=True)
    urls = []
    for i, p in enumerate(pages):
        (site / "p" / f"{i}.html").write_bytes(p)
        urls.append(f"<url><loc>BASE_URL/p/{i}.html</loc></url>")
    (site / "sitemap.xml").write_text(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
        "sitemap/0.9'>" + "".join(urls) + "</urlset>"
    )
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    with LoopbackSite(site) as server:
        cfg = parse_sources(
            {
                "allow_private_networks": True,
                "crawl": {
                    "autothrottle_start_delay": 0.0,
                    "download_delay": 0.0,
                    "concurrent_requests_per_domain": 16,
                    "max_pages_per_source": len(pages) + 10,
                    "sitemap_max_age_days": 0,
                },
                "sources": [{"name": "bench", "sitemap": f"{server.base_url}/sitemap.xml"}],
            }
        )
        crawl_rate, crawl_secs = rate(len(pages), lambda: run_crawl(cfg, work / "crawl-work"))
    folder = work / "crawl-site" / "p"
    os.environ["CLAIMWATCH_WORKERS"] = "1"
    proc_rate, proc_secs = rate(
        len(pages), lambda: ingest_paths([str(folder)], work / "crawl-e2e.duckdb", "bench", work / "alerts.jsonl")
    )
    os.environ.pop("CLAIMWATCH_WORKERS", None)
    share = crawl_secs / (crawl_secs + proc_secs)
    return [
        ("crawl", f"Scrapy crawl of {len(pages):,} loopback pages (child process)", f"{crawl_rate:,.1f} pages/s"),
        ("crawl", "processing the same pages (1 worker)", f"{proc_rate:,.1f} pages/s"),
        ("crawl", "Scrapy's share of crawl + processing time", f"{share:.0%}"),
    ]


def machine() -> str:
    """One line describing this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    """Run every benchmark and write the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=int, default=10_000)
    ap.add_argument("--crawl-pages", type=int, default=5_000)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        work = Path(tmp)
        if SHARED_PAGES.is_dir():
            real = [gzip.decompress(f.read_bytes()) for f in sorted(SHARED_PAGES.glob("*.html.gz"))]
            rows += corpus_rows("real (181 pages)", real, work)
        else:
            print(f"{SHARED_PAGES} not found: real-page figures skipped")
        gen = generated_pages(args.generated)
        mem, full_rate = memory_rows(gen, work)
        rows += corpus_rows(f"generated ({len(gen):,} pages)", gen, work, one_worker_rate=full_rate)
        rows += mem
        rows += crawl_rows(gen[: args.crawl_pages], work)
    table = ["| corpus | measure | figure |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    text = (
        f"# Benchmark results\n\nMachine: {machine()}.\nCommand: `make bench` "
        f"(`python benchmarks/pipeline_throughput.py --generated {args.generated} --crawl-pages "
        f"{args.crawl_pages}`), {time.perf_counter() - t0:.0f} s in all.\n\n" + "\n".join(table) + "\n"
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
