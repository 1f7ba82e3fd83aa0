"""Crash and compare: SIGKILL a long ingest again and again, finish each with a normal run, compare to a clean run.

The corpus (generated stories with claims, ``benchmarks/corpus.py``) is split into slices. The reference
warehouse ingests the slices one after another with nothing killed. The crash warehouse ingests each slice in a
`claimwatch ingest` child that is killed with SIGKILL at a random point of its run (drawn from the reference
run's duration), then ingests the slice again normally. At the end both warehouses must hold the same rows.

Printed: kills survived (the warehouse opened and the next run succeeded), rows lost and rows doubled per
table, duplicate outbox alerts, alerts delivered more than once (delivery is at least once: a kill between
sending and recording repeats a send under the same idempotency key; counted, not a failure), and processes
left running by a killed ingest.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

from warehouse.db import connect
from warehouse.reports import duplicate_outbox_alerts, row_keys

REPO = Path(__file__).resolve().parents[1]
# the tables whose key sets must match between the crashed and the clean warehouse (warehouse.reports.row_keys)
KEYS = ("raw_pages", "page_verdicts", "articles", "claim_mentions", "claims", "alerts")


def _write_slices(root: Path, slices: int, per_slice: int, seed: int) -> list[Path]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import generated_pages  # the benchmark's generator of distinct stories

    pages = generated_pages(slices * per_slice, seed=seed)
    dirs = []
    for s in range(slices):
        d = root / f"slice-{s:02d}"
        d.mkdir(parents=True)
        for i, body in enumerate(pages[s * per_slice : (s + 1) * per_slice]):
            (d / f"p{s:02d}-{i:04d}.html").write_bytes(body)
        dirs.append(d)
    return dirs


def _ingest_cmd(folder: Path, db: Path, alerts_file: Path) -> list[str]:
    cli = Path(sys.executable).with_name("claimwatch")
    return [str(cli), "ingest", str(folder), "--db", str(db), "--source", "crash", "--alerts-file", str(alerts_file)]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMWATCH_ALERT_URLS"}
    env["CLAIMWATCH_WORKERS"] = "2"
    return env


def _run(folder: Path, db: Path, alerts_file: Path) -> tuple[float, float]:
    """Ingest ``folder`` to completion; return (seconds until its worker pool started, seconds in all)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        _ingest_cmd(folder, db, alerts_file), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env()
    )
    pool_at = None
    while proc.poll() is None:
        if pool_at is None:
            try:
                if psutil.Process(proc.pid).children():
                    pool_at = time.monotonic() - started
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.02)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise RuntimeError(f"ingest of {folder.name} failed: {out[-1200:]}")
    total = time.monotonic() - started
    return (pool_at if pool_at is not None else total * 0.5), total


def _kill_midway(folder: Path, db: Path, alerts_file: Path, after: float) -> tuple[bool, int]:
    """Start an ingest, SIGKILL it ``after`` seconds in; return (killed before it finished, processes left)."""
    proc = subprocess.Popen(
        _ingest_cmd(folder, db, alerts_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
    )
    deadline = time.monotonic() + after
    family: dict[int, psutil.Process] = {}
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            for child in psutil.Process(proc.pid).children(recursive=True):
                family[child.pid] = child
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(list(family.values()), timeout=5.0)
    for p in alive:  # do not let a leftover spoil the next round; it is counted
        p.kill()
    return killed, len(alive)


def _table_keys(db: Path) -> dict[str, Counter[str]]:
    con = connect(db, read_only=True)
    try:
        keys = row_keys(con)
        return {t: keys.get(t, Counter()) for t in KEYS}
    finally:
        con.close()


def _duplicate_outbox_alerts(db: Path) -> int:
    con = connect(db, read_only=True)
    try:
        return duplicate_outbox_alerts(con)
    finally:
        con.close()


def _repeat_deliveries(alerts_file: Path) -> int:
    import json

    if not alerts_file.exists():
        return 0
    keys = Counter(json.loads(line)["idempotency_key"] for line in alerts_file.read_text().splitlines() if line)
    return sum(n - 1 for n in keys.values())


def check_crash_recovery(work: Path, kills: int = 20, per_slice: int = 40, seed: int = 7) -> list[str]:
    """Run the loop in ``work``; print the figures and return problems (empty when nothing was lost)."""
    rng = random.Random(seed)
    slices = _write_slices(work / "pages", kills, per_slice, seed)
    ref_db, crash_db = work / "reference.duckdb", work / "crashed.duckdb"
    ref_alerts, crash_alerts = work / "reference-alerts.jsonl", work / "crashed-alerts.jsonl"
    timings = [_run(folder, ref_db, ref_alerts) for folder in slices]
    survived = killed = leftovers = 0
    for folder, (pool_at, duration) in zip(slices, timings, strict=True):
        # a kill point between the start of the work (the pool forks once the pages are landed) and the end
        after = pool_at + rng.uniform(0.0, 0.95) * max(0.2, duration - pool_at)
        was_killed, left = _kill_midway(folder, crash_db, crash_alerts, after)
        killed += was_killed
        leftovers += left
        try:
            _run(folder, crash_db, crash_alerts)
            survived += was_killed
        except RuntimeError as exc:
            print(f"  after a kill: {exc}")
    ref, got = _table_keys(ref_db), _table_keys(crash_db)
    lost = {t: sum((ref[t] - got[t]).values()) for t in KEYS}
    doubled = {t: sum((got[t] - ref[t]).values()) for t in KEYS}
    dup_alerts = _duplicate_outbox_alerts(crash_db)
    repeats = _repeat_deliveries(crash_alerts)
    print(f"kills: {killed} of {kills} rounds killed mid-run (the rest finished first); survived: {survived}")
    print(f"rows in the clean run: {', '.join(f'{t} {sum(ref[t].values())}' for t in KEYS)}")
    print(f"rows lost:    {', '.join(f'{t} {n}' for t, n in lost.items())}")
    print(f"rows doubled: {', '.join(f'{t} {n}' for t, n in doubled.items())}")
    print(f"duplicate outbox alerts: {dup_alerts}; alerts delivered more than once (same idempotency key): {repeats}")
    print(f"processes left running by a killed ingest: {leftovers}")
    problems = []
    if survived != killed:
        problems.append(f"{killed - survived} killed run(s) not recovered by the next run")
    if any(lost.values()) or any(doubled.values()):
        problems.append(f"rows lost {lost} / doubled {doubled}")
    if dup_alerts:
        problems.append(f"{dup_alerts} duplicate outbox alerts")
    if leftovers:
        problems.append(f"{leftovers} processes outlived a killed ingest")
    if killed < kills // 2:
        problems.append(f"only {killed} of {kills} rounds were killed mid-run: the loop did not test much")
    return problems


def main() -> int:
    """Run the loop on its own: python -m evaluation.crash_check [--kills N]."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--per-slice", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimwatch-crash-") as tmp:
        problems = check_crash_recovery(Path(tmp), args.kills, args.per_slice)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
