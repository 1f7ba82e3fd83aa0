"""Backfill on workers: the claims backfill over generated coverage, one writer vs processes vs celery workers.

    python benchmarks/backfill_scale.py [--pages 10000] [--rounds 2] [--out benchmarks/results.md]

Builds a warehouse with ``claimwatch ingest`` of generated pages (four weeks of publication days), then times the
``claims_backfill`` job over all its days on a fresh stale copy (every mention gone, every extraction stale):

- one writer: the in-process executor, days in order (the reference);
- processes: Dagster's multiprocess executor, 2 steps at a time (a process per step, imports paid per step);
- celery, 1 worker and 2 workers: dagster-celery on a Redis broker (redis-server on loopback), each worker one
  process (``--concurrency=1``), started before and warmed up by one untimed backfill.

Every run must land, row by row, what the one writer landed (the benchmark fails otherwise). The machine's ceiling
is measured as in ``pipeline_throughput.py`` (two CPU-bound loops in two processes vs one). The table replaces the
"Backfill on workers" section of the output file. Needs redis-server and the ``scale`` extra.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generated_pages  # noqa: E402
from benchmarks.freshness import write_section  # noqa: E402
from benchmarks.pipeline_throughput import calibrate, ingest_subprocess, machine, write_pages  # noqa: E402
from pipelines.backfill import run_backfill  # noqa: E402
from tests.cluster import (  # noqa: E402
    celery_environment,
    celery_workers,
    landed_rows,
    prepare_instance,
    redis_server,
    stale_copy,
)

SECTION = "## Backfill on workers"
ALL_DAYS = ("2000-01-01", "2100-12-31")


def timed_backfill(base: Path, work: Path, name: str, executor: str, reference: dict | None) -> dict[str, Any]:
    """One backfill of every day on a stale copy of ``base``; its seconds, and whether it landed ``reference``."""
    db = stale_copy(base, work / f"{name}.duckdb")
    t0 = time.perf_counter()
    summary = run_backfill(str(db), *ALL_DAYS, executor=executor, max_concurrent=2)
    seconds = time.perf_counter() - t0
    if not summary["success"]:
        raise RuntimeError(f"{name}: the backfill failed: {summary}")
    rows = landed_rows(db)
    if reference is not None and rows != reference:
        raise RuntimeError(f"{name}: landed rows differ from the one writer's")
    db.unlink()
    return {"seconds": seconds, "summary": summary, "rows": rows}


def run(pages: int, rounds: int, work: Path) -> dict[str, Any]:
    """Build the warehouse, then time each way of running the backfill ``rounds`` times; return the figures."""
    folder = write_pages(generated_pages(pages), work / "pages")
    base = work / "base.duckdb"
    ingest_seconds, _ = ingest_subprocess(folder, base, 2)
    home = work / "dagster_home"
    prepare_instance(home)
    os.environ["DAGSTER_HOME"] = str(home)
    times: dict[str, list[float]] = {}
    ceilings = []
    one = timed_backfill(base, work, "warm-up", "in_process", None)
    reference = one["rows"]
    with redis_server(work) as broker:
        env = celery_environment(broker, broker.replace("/0", "/1"), home)
        os.environ.update({k: env[k] for k in ("CLAIMWATCH_CELERY_BROKER", "CLAIMWATCH_CELERY_BACKEND")})
        for k in range(rounds):
            ceilings.append(calibrate(k)[1])
            for name, executor in (("one writer (in process)", "in_process"), ("processes, 2 at a time", "processes")):
                times.setdefault(name, []).append(timed_backfill(base, work, f"r{k}", executor, reference)["seconds"])
        for count in (1, 2):
            name = f"celery, {count} worker{'s' if count > 1 else ''}"
            with celery_workers(count, env, work / f"workers{count}"):
                timed_backfill(base, work, "warm-up", "celery", reference)
                for k in range(rounds):
                    ceilings.append(calibrate(k)[1])
                    landed = timed_backfill(base, work, f"c{k}", "celery", reference)
                    times.setdefault(name, []).append(landed["seconds"])
    return {
        "pages": pages,
        "ingest_seconds": ingest_seconds,
        "days": one["summary"]["days"],
        "articles": one["summary"]["articles"],
        "mentions": one["summary"]["mentions"],
        "times": times,
        "ceiling": statistics.median(ceilings),
        "calibrations": len(ceilings),
        "rounds": rounds,
    }


def render(r: dict[str, Any], seconds: float) -> str:
    """The markdown section."""
    base = statistics.median(r["times"]["celery, 1 worker"])
    single = statistics.median(r["times"]["one writer (in process)"])
    lines = [
        SECTION,
        "",
        f"Command: `make bench-scale` (`python benchmarks/backfill_scale.py --pages {r['pages']:,} --rounds "
        f"{r['rounds']}`), {seconds:.0f} s in all. Machine: {machine()}.",
        "",
        f"The `claims_backfill` job over {r['days']} publication days: {r['articles']:,} kept articles from "
        f"{r['pages']:,} generated pages, {r['mentions']:,} mentions. Each run starts from a stale copy (every "
        "mention gone) and must land, row by row, what the one writer landed: every run below did. Median of "
        f"{r['rounds']} rounds; the celery workers were started and warmed up first.",
        "",
        "| how the day steps run | seconds (min-max) | articles/s | vs one writer | vs 1 celery worker |",
        "|---|---|---|---|---|",
    ]
    for name, values in r["times"].items():
        med = statistics.median(values)
        lines.append(
            f"| {name} | {med:.1f} ({min(values):.1f}-{max(values):.1f}) | {r['articles'] / med:,.0f} | "
            f"{single / med:.2f} | {base / med:.2f} |"
        )
    lines += [
        "",
        f"Ceiling on this machine: two CPU-bound loops in two processes ran {r['ceiling']:.2f} times as fast as one "
        f"(median of {r['calibrations']} checks, one before each timed round; 2.00 on a dedicated 2-core machine). "
        "Writers take turns: a step holds the warehouse only to read its "
        "day and to land it, so the rules (most of the time) overlap.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = ap.parse_args()
    begun = time.time()
    with tempfile.TemporaryDirectory(prefix="claimwatch-backfill-") as tmp:
        result = run(args.pages, args.rounds, Path(tmp))
    text = render(result, time.time() - begun)
    print(text)
    write_section(args.out, text, SECTION)


if __name__ == "__main__":
    main()
