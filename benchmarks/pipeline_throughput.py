"""Pipeline throughput: stage by stage, end to end, parallel, memory, and the crawl. Writes a markdown table.

Usage: python benchmarks/pipeline_throughput.py [--generated 10000] [--crawl-pages 5000] [--rounds 5]
       [--generated-rounds 3] [--out results.md]

Corpora: the 181 real pages of ../shared/extraction-benchmark (when present) and N generated pages of distinct
stories (benchmarks/corpus.py). The floor is bare ``trafilatura.extract(html, with_metadata=True)`` on the same
pages; "ours" is the end-to-end ingest (clean, extract, dedup, load, claims, alerts, checks: one Dagster run).

Real pages: after a warm-up ingest of a few pages, ``--rounds`` rounds of floor, 1-worker and 2-worker
ingests (each into a fresh warehouse), medians reported; the machine's noise shows as the min-max spread.
Generated pages: the stages once, `claimwatch ingest` child processes (start-up included) at 1,000 and N pages
with two workers (their peak RSS is the memory figure), and ``--generated-rounds`` interleaved in-process rounds
of 1 and 2 workers on the first 2,000 pages.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from pipelines.articles import load_articles

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = REPO.parent / "shared" / "extraction-benchmark" / "html"
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generated_pages  # noqa: E402
from benchmarks.extraction_throughput import build_corpus, chinese_rate  # noqa: E402
from extractors.claims import ClaimExtractor  # noqa: E402
from extractors.dedup import signature  # noqa: E402
from pipelines.run import ingest_paths  # noqa: E402
from pipelines.stages import clean_pages  # noqa: E402
from spiders.items import FetchedPage  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.pages import load_crawl, unjudged_pages  # noqa: E402

Row = tuple[str, str, str]


def rate(n: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(items per second, seconds) of one call."""
    t0 = time.perf_counter()
    fn()
    secs = time.perf_counter() - t0
    return n / secs, secs


def spread(values: list[float], unit: str = "", digits: int = 1) -> str:
    """Median with the min-max range."""
    f = f",.{digits}f"
    unit = f" {unit}" if unit else ""
    return f"{statistics.median(values):{f}}{unit} (min {min(values):{f}}, max {max(values):{f}})"


calibrations: list[tuple[float, float]] = []  # per round: (seconds of one loop alone, two loops at once vs one)
CALIBRATION_LOOP = 4_000_000  # iterations: ~0.3 s on a quiet core


def _loop(_: object = None) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(CALIBRATION_LOOP):
        x += i
    return time.perf_counter() - t0


def calibrate(k: int) -> tuple[float, float]:
    """The machine itself, just before round ``k``: (seconds of a fixed CPU-bound loop, and the speed-up of running
    two of them at once in two processes vs one).

    The second figure is the ceiling any 2-worker speed-up measured in that round can reach on this machine: the
    loops share nothing, so a dedicated 2-core machine gives 2.0.
    """
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_loop, [0, 1], chunksize=1)  # workers started and warm before timing
        one, both = in_alternating_order(k, _loop, lambda: rate(1, lambda: pool.map(_loop, [0, 1], chunksize=1))[1])
    return one, 2 * one / both


def in_alternating_order(k: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    """(first(), second()), run in that order on even rounds and reversed on odd ones, so drift cancels."""
    if k % 2:
        b = second()
        return first(), b
    a = first()
    return a, second()


def write_pages(pages: list[bytes], folder: Path) -> Path:
    """Save pages as NNNNN.html files (what `claimwatch ingest DIR` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(pages):
        (folder / f"{i:05d}.html").write_bytes(p)
    return folder


# Linux starts a forked child's peak RSS at its parent's (the mm's high-water mark is copied by fork and kept by
# exec), and this process holds ~1 GB of pages by the time it measures, so a plain child would report this
# process's size (the old "1,115 MB, flat from 1,000 to 10,000 pages"). A small launcher, freshly executed, forks
# and execs the ingest and reports the peak of it and its children from wait4.
PEAK_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def ingest_subprocess(folder: Path, db: Path, workers: int) -> tuple[float, float]:
    """Run `claimwatch ingest` in a child; return (seconds, the largest peak RSS of it and its children, MiB)."""
    env = {**os.environ, "CLAIMWATCH_WORKERS": str(workers)}
    peak_file = db.with_suffix(".peak")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_LAUNCHER, str(peak_file), sys.executable, "-m", "pipelines.cli", "ingest"]
        + [str(folder), "--db", str(db), "--alerts-file", str(db.with_suffix(".alerts.jsonl"))],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ingest exited with {proc.returncode}")
    return time.perf_counter() - t0, int(peak_file.read_text()) / 1024


def ingest_in_process(folder: Path, db: Path, workers: int) -> float:
    """Seconds for one in-process ingest of ``folder`` into a fresh warehouse with ``workers`` workers."""
    os.environ["CLAIMWATCH_WORKERS"] = str(workers)
    try:
        return rate(1, lambda: ingest_paths([str(folder)], db, "bench", db.with_suffix(".alerts.jsonl")))[1]
    finally:
        os.environ.pop("CLAIMWATCH_WORKERS", None)


def worker_round(k: int, folder: Path, n: int, prefix: Path) -> tuple[float, float]:
    """Round ``k`` of the 1- vs 2-worker comparison; returns the two rates in pages/s.

    The machine's ceiling first, then in-process ingests of ``folder`` (``n`` pages) with 1 and 2 workers in
    alternating order, each into a fresh warehouse named after ``prefix``.
    """
    calibrations.append(calibrate(k))
    one, two = in_alternating_order(
        k,
        lambda: ingest_in_process(folder, prefix.with_name(f"{prefix.name}-1w-{k}.duckdb"), 1),
        lambda: ingest_in_process(folder, prefix.with_name(f"{prefix.name}-2w-{k}.duckdb"), 2),
    )
    return n / one, n / two


def stage_rows(name: str, pages: list[bytes], work: Path) -> list[Row]:
    """Clean, extract, dedup and load, each timed on its own over ``pages``."""
    n = len(pages)
    landed = [
        FetchedPage.at(f"https://b.example/{i}", "bench", p, "2026-11-01T00:00:00+00:00") for i, p in enumerate(pages)
    ]
    con = connect(work / f"{name}-load.duckdb")
    load_crawl(con, "bench", landed, [])
    todo = unjudged_pages(con)
    cleaned: list = []
    r, _ = rate(n, lambda: cleaned.extend(clean_pages(todo)))
    rows = [(name, "clean (trafilatura bare_extraction + verdicts)", f"{r:,.1f} pages/s")]
    verdicts, arts = cleaned
    texts = [a.text or "" for a in arts]
    x = ClaimExtractor()
    found: list[int] = []
    r, _ = rate(len(texts), lambda: found.extend(len(x.extract(str(i), t)) for i, t in enumerate(texts)))
    rows.append((name, f"extract (claim rules; {sum(found):,} mentions)", f"{r:,.1f} articles/s"))
    r, _ = rate(len(texts), lambda: [signature(t) for t in texts])
    rows.append((name, "dedup (MinHash signatures)", f"{r:,.1f} articles/s"))
    r, _ = rate(n, lambda: load_articles(con, verdicts, arts))
    con.close()
    rows.append((name, "load (DuckDB: verdicts + articles + dedup groups)", f"{r:,.1f} pages/s"))
    return rows


def pool_speedup(pages: list[bytes], rounds: int) -> list[float]:
    """Per round: seconds of :func:`cleaned_batches` (clean, sign, claim rules) with 1 worker / with 2.

    Pages are read from memory and nothing is loaded: the pool's own speed-up, without the writer.
    """
    from datetime import UTC, datetime

    from extractors.rules import ClaimRules
    from pipelines.parallel import cleaned_batches
    from warehouse.records import StoredPage

    rules = ClaimRules()

    now = datetime.now(UTC)
    url = "https://b.example/{}".format
    rows = {i: StoredPage(str(i), url(i), url(i), "bench", "text/html", now, p) for i, p in enumerate(pages)}

    def secs(workers: int) -> float:
        batches = cleaned_batches(lambda ids: [rows[i] for i in ids], list(rows), 500, workers, rules)
        return rate(1, lambda: list(batches))[1]

    return [
        one / two for one, two in (in_alternating_order(k, lambda: secs(1), lambda: secs(2)) for k in range(rounds))
    ]


WARM_UP_PAGES = 40


def real_rows(pages: list[bytes], work: Path, rounds: int) -> list[Row]:
    """The real pages: floor vs end to end (1 and 2 workers), interleaved rounds after a warm-up, then stages."""
    name = f"real ({len(pages)} pages)"
    n = len(pages)
    folder = write_pages(pages, work / "real-pages")
    warm = write_pages(pages[:WARM_UP_PAGES], work / "real-warm-up")
    ingest_in_process(warm, work / "real-warm-up.duckdb", 2)  # imports, rules, Dagster's first run, the pool
    floors, ones, twos = [], [], []
    for k in range(rounds):
        floors.append(rate(n, lambda: [trafilatura.extract(p, with_metadata=True) for p in pages])[0])
        one, two = worker_round(k, folder, n, work / "real")
        ones.append(one)
        twos.append(two)
    ratios = [o / f for o, f in zip(ones, floors, strict=True)]
    speedups = [t / o for o, t in zip(ones, twos, strict=True)]
    pool = pool_speedup(pages, min(rounds, 2))
    rows = [
        (name, f"floor: trafilatura.extract(with_metadata=True), {rounds} rounds", spread(floors, "pages/s")),
        (name, "end to end: claimwatch ingest, 1 worker, in process", spread(ones, "pages/s")),
        (name, "end to end: claimwatch ingest, 2 workers, in process", spread(twos, "pages/s")),
        (name, "ours / floor, 1 worker (median of per-round ratios)", spread(ratios, digits=2)),
        (name, "speed-up, 2 workers vs 1 (median of per-round ratios)", spread(speedups, digits=2)),
        (name, "speed-up of the worker pool alone (clean, sign, claim rules; 2 workers vs 1)", spread(pool, digits=2)),
    ]
    return rows + stage_rows(name, pages, work)


SPEEDUP_PAGES = 2_000  # generated pages per in-process round of the 1- vs 2-worker comparison
CHILD_WORKERS = 2  # the child-process ingests (memory figures) run as deployed here: a worker per core


def generated_rows(pages: list[bytes], work: Path, rounds: int) -> tuple[list[Row], float]:
    """Generated pages: floor and stages, child-process ingests (memory), in-process rounds (speed-up).

    Returns the rows and the median 2-worker end-to-end rate.
    """
    n = len(pages)
    name = f"generated ({n:,} pages)"
    floor, _ = rate(n, lambda: [trafilatura.extract(p, with_metadata=True) for p in pages])
    rows = [(name, "floor: trafilatura.extract(with_metadata=True)", f"{floor:,.1f} pages/s")]
    rows += stage_rows(name, pages, work)
    small = min(1000, n)
    runs: dict[int, tuple[float, float]] = {}
    for size in sorted({small, n}):
        folder = write_pages(pages[:size], work / f"gen-{size}")
        runs[size] = ingest_subprocess(folder, work / f"gen-{size}.duckdb", CHILD_WORKERS)
    rows.append(
        (
            name,
            f"end to end: claimwatch ingest, {CHILD_WORKERS} workers, child process (start-up included)",
            f"{n / runs[n][0]:,.1f} pages/s",
        )
    )
    m = min(SPEEDUP_PAGES, n)
    folder = write_pages(pages[:m], work / f"gen-speedup-{m}")
    ingest_in_process(write_pages(pages[:50], work / "gen-warmup"), work / "gen-warmup.duckdb", 1)
    ones, twos = [], []
    for k in range(rounds):
        one, two = worker_round(k, folder, m, work / "gen")
        ones.append(one)
        twos.append(two)
    speedups = [b / a for a, b in zip(ones, twos, strict=True)]
    rows += [
        (name, f"end to end, first {m:,} pages, 1 worker, in process, {rounds} rounds", spread(ones, "pages/s")),
        (name, f"end to end, first {m:,} pages, 2 workers, in process", spread(twos, "pages/s")),
        (name, "speed-up, 2 workers vs 1 (median of per-round ratios)", spread(speedups, digits=2)),
        (name, f"ours / floor, 1 worker (first {m:,} pages, in process)", f"{statistics.median(ones) / floor:.2f}"),
    ]
    for size in sorted({small, n}):
        secs, peak = runs[size]
        rows.append(
            (
                "generated",
                f"peak RSS, ingest of {size:,} pages, {CHILD_WORKERS} workers (largest process)",
                f"{peak:,.0f} MiB ({size / secs:,.1f} pages/s)",
            )
        )
    if small != n:
        growth = (runs[n][1] / runs[small][1] - 1) * 100
        rows.append(("generated", f"peak RSS growth {small:,} -> {n:,} pages", f"{growth:+.1f}%"))
    return rows, statistics.median(twos)


def crawl_rows(pages: list[bytes], work: Path, processing_rate: float) -> list[Row]:
    """Crawl N pages from a loopback server through a sitemap; Scrapy's share of crawl + processing.

    Processing time is the pages at ``processing_rate`` (the measured 2-worker ingest rate of the same generator).
    """
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
    proc_secs = len(pages) / processing_rate
    share = crawl_secs / (crawl_secs + proc_secs)
    return [
        ("crawl", f"Scrapy crawl of {len(pages):,} loopback pages (child process)", f"{crawl_rate:,.1f} pages/s"),
        ("crawl", "processing (2-worker end-to-end rate above)", f"{processing_rate:,.1f} pages/s"),
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
    ap.add_argument("--rounds", type=int, default=5, help="interleaved floor / end-to-end rounds on the real pages")
    ap.add_argument(
        "--generated-rounds", type=int, default=3, help="interleaved 1- / 2-worker rounds on generated pages"
    )
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        work = Path(tmp)
        if SHARED_PAGES.is_dir():
            real = [gzip.decompress(f.read_bytes()) for f in sorted(SHARED_PAGES.glob("*.html.gz"))]
            rows += real_rows(real, work, args.rounds)
        else:
            print(f"{SHARED_PAGES} not found: real-page figures skipped")
        print(f"real pages done at {time.perf_counter() - t0:.0f} s", flush=True)
        gen = generated_pages(args.generated)
        gen_rows, two_worker_rate = generated_rows(gen, work, args.generated_rounds)
        rows += gen_rows
        print(f"generated pages done at {time.perf_counter() - t0:.0f} s", flush=True)
        rows += crawl_rows(gen[: args.crawl_pages], work, two_worker_rate)
        zh_rate, (zh_min, zh_max), zh_claims = chinese_rate(build_corpus(2000, lang="zh"))
        rows.append(
            (
                "generated Chinese (2,000 articles)",
                f"extract (Chinese claim rules; {zh_claims:,} mentions), 5 passes",
                f"{zh_rate:,.0f} characters/s (min {zh_min:,.0f}, max {zh_max:,.0f})",
            )
        )
        if calibrations:
            singles, ceilings = [c[0] for c in calibrations], [c[1] for c in calibrations]
            rows += [
                (
                    "machine",
                    f"one fixed CPU-bound loop, timed before each of the {len(calibrations)} rounds above",
                    spread(singles, "s", digits=2),
                ),
                (
                    "machine",
                    "ceiling: two such loops in two processes at once vs one (2.00 on a dedicated 2-core machine)",
                    spread(ceilings, digits=2),
                ),
            ]
    table = ["| corpus | measure | figure |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    text = (
        f"# Benchmark results\n\nMachine: {machine()}.\nCommand: `make bench` "
        f"(`python benchmarks/pipeline_throughput.py --generated {args.generated} --crawl-pages "
        f"{args.crawl_pages} --rounds {args.rounds} --generated-rounds {args.generated_rounds}`), "
        f"{time.perf_counter() - t0:.0f} s in all.\n\n" + "\n".join(table) + "\n"
    )
    # the sections other benchmarks write (benchmarks/freshness.py: "## Freshness") are kept
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = old[old.index("\n## ") :] if "\n## " in old else ""
    args.out.write_text(text + kept, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
