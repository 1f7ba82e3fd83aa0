"""Freshness benchmark: publication-to-alert latency, continuous polling vs today's hourly schedule.

    python benchmarks/freshness.py [--feeds 1000 10000] [--minutes 10] [--out benchmarks/results.md]

A loopback simulator (benchmarks/feed_simulator.py) serves N feeds on which articles appear at random times;
some report parity claims, each story one to three times on different feeds. Alerts go to a loopback webhook
that notes when each arrives.

- continuous: the real Dagster daemon (``dagster-daemon run``) with ``feed_poll_sensor`` on, for ``--minutes``
  of publications plus a drain (at most 3 minutes), runs queued one at a time. Latency = alert arrival minus the
  story's first publication.
- hourly: the ``hourly_crawl`` schedule's run (``claimwatch run``) once at the top of the hour, after one hour of
  publications at the same rates (the clock is simulated: the feeds serve the state at the tick). Latency = time
  from publication to the tick plus the run's own time to the alert. One warm-up run at the previous tick gives
  the feeds' ETags, as in steady state.

CPU seconds and peak RSS are sampled (psutil, every 0.5 s) over the whole process tree of each mode: daemon,
code server, runs and crawler children. The table replaces the "Freshness" section of the output file.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.feed_simulator import FeedSimulator, World, build_world  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECTION = "## Freshness"


class AlertReceiver:
    """A webhook on loopback that records (arrival time, alert payload) for every alert, digests unpacked."""

    def __init__(self) -> None:
        self.alerts: list[tuple[float, dict[str, Any]]] = []
        self.messages = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                now = time.time()
                payload = json.loads(body.get("message") or "{}")
                receiver.messages += 1
                for alert in payload.get("alerts") or [payload]:
                    receiver.alerts.append((now, alert))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class TreeSampler:
    """CPU seconds and peak RSS of a process and all its descendants, sampled every ``period`` seconds.

    A process's CPU is taken from its last sample, so up to ``period`` of a short-lived child's time is lost;
    children's CPU is never read from their parent (it would be counted twice once reaped).
    """

    def __init__(self, pid: int, period: float = 0.5) -> None:
        self.root = psutil.Process(pid)
        self.period = period
        self.cpu: dict[int, float] = {}
        self.role: dict[int, str] = {}
        self.peak_rss = 0
        self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    t = p.cpu_times()
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                self.cpu[p.pid] = t.user + t.system
                if p.pid not in self.role:
                    self.role[p.pid] = _role(p)
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak_rss = max(self.peak_rss, total)
            self._stop.wait(self.period)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def cpu_by_role(self) -> dict[str, float]:
        out: Counter[str] = Counter()
        for pid, seconds in self.cpu.items():
            out[self.role.get(pid, "other")] += seconds
        return {k: round(v, 1) for k, v in out.most_common()}


def _role(p: psutil.Process) -> str:
    """What a process of the tree is: the daemon, the code server (sensor evaluations), a run, a crawler."""
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        return "other"
    for needle, role in (
        ("crawl_child", "crawler"),
        ("spawn_main", "runs"),  # the code server starts each run with multiprocessing's spawn
        ("execute_run", "runs"),
        ("grpc", "code server (sensor ticks)"),
        ("dagster-daemon", "daemon"),
        ("claimwatch", "run (claimwatch run)"),
    ):
        if needle in cmd:
            return role
    return "other"


def write_sources(path: Path, sim: FeedSimulator, feeds: int) -> None:
    data = {
        "allow_private_networks": True,  # the simulator is on loopback
        "crawl": {
            "download_delay": 0.0,
            "autothrottle_start_delay": 0.0,
            "autothrottle_target_concurrency": 16.0,
            "concurrent_requests_per_domain": 16,
            "retry_times": 1,
        },
        "sources": [{"name": f"feed{f:04d}", "feed": sim.feed_url(f)} for f in range(feeds)],
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def story_figures(world: World, receiver: AlertReceiver, first_seen_real: dict[int, float] | None, to_real) -> dict:
    """Latency per story (first alert of its story key), alerts per story, missed stories."""
    by_key: dict[str, list[float]] = {}
    kinds: Counter[str] = Counter()
    for arrival, alert in receiver.alerts:
        key = f"{alert.get('subject_org')} | {alert.get('object_org')}"
        by_key.setdefault(key, []).append(arrival)
        kinds[alert.get("kind") or "new"] += 1
    latencies, per_story, missed = [], [], []
    for story in world.stories:
        arrivals = by_key.get(story.key)
        if not arrivals:
            missed.append(story.key)
            continue
        latencies.append(min(arrivals) - to_real(story.first_published))
        per_story.append(len(arrivals))
    known = {s.key for s in world.stories}
    stray = sum(len(v) for k, v in by_key.items() if k not in known)
    return {
        "stories": len(world.stories),
        "latencies": latencies,
        "alerts_per_story": per_story,
        "missed": missed,
        "stray_alerts": stray,
        "kinds": dict(kinds),
    }


def dagster_yaml(home: Path) -> None:
    """The instance config ``make dev`` uses (dagster_home/dagster.yaml), in a fresh DAGSTER_HOME."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text((REPO / "dagster_home" / "dagster.yaml").read_text(), encoding="utf-8")


def switch_sensor(action: str, env: dict[str, str]) -> None:
    """``dagster sensor start|stop feed_poll_sensor`` against the benchmark's instance."""
    subprocess.run(
        [str(BIN / "dagster"), "sensor", action, "feed_poll_sensor", "-m", "pipelines.definitions"],
        env=env,
        cwd=REPO,
        check=action == "start",
        capture_output=True,
    )


def wait_for_every_story(world: World, sim: FeedSimulator, receiver: AlertReceiver, window: float) -> None:
    """Until the publishing window is over and every story has alerted (or 3 minutes after the window)."""
    deadline = sim.t0 + window + 180
    while time.time() < deadline:
        time.sleep(2)
        if sim.now() > window and {s.key for s in world.stories} <= {
            f"{a.get('subject_org')} | {a.get('object_org')}" for _, a in receiver.alerts
        }:
            return


def stop_polling(daemon: subprocess.Popen[bytes], home: Path, env: dict[str, str]) -> None:
    """Stop the sensor, let runs in flight finish (a run killed mid-way is not a result), stop the daemon."""
    switch_sensor("stop", env)
    drain_until = time.time() + 90
    while time.time() < drain_until and runs_in_flight(home):
        time.sleep(2)
    os.killpg(daemon.pid, signal.SIGINT)
    try:
        daemon.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()


def run_continuous(feeds: int, minutes: float, seed: int, work: Path) -> dict[str, Any]:
    """Publish for ``minutes`` while the real dagster-daemon runs the feed-poll sensor; the figures of that mode."""
    window = minutes * 60
    world = build_world(feeds, start=-8 * 3600, end=window, stories_from=0.0, seed=seed)
    home = work / "continuous" / "dagster_home"
    dagster_yaml(home)
    receiver = AlertReceiver()
    with FeedSimulator(world) as sim:
        sources = work / "continuous" / "sources.yaml"
        write_sources(sources, sim, feeds)
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "CLAIMWATCH_DB": str(work / "continuous" / "w.duckdb"),
            "CLAIMWATCH_SOURCES": str(sources),
            "CLAIMWATCH_ALERTS_FILE": str(work / "continuous" / "alerts.jsonl"),
            "CLAIMWATCH_ALERT_URLS": receiver.url,
        }
        sim.frozen = 0.0  # until the first poll has learnt every feed, nothing is published
        switch_sensor("start", env)
        log = (work / "continuous" / "daemon.log").open("w")
        daemon = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.definitions"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = TreeSampler(daemon.pid)
        state_file = sources.with_suffix(".poll-state.json")
        started = time.time()
        while not state_file.exists() and time.time() - started < 300:
            time.sleep(0.5)
        first_tick = time.time() - started
        sim.t0, sim.frozen = time.time(), None  # t=0: publications start
        wait_for_every_story(world, sim, receiver, window)
        elapsed_h = (time.time() - sim.t0) / 3600
        stop_polling(daemon, home, env)
        sampler.stop()
        counts = dict(sim.counts)
    receiver.close()
    figures = story_figures(world, receiver, None, lambda t: sim.t0 + t)
    figures.update(
        mode="continuous (feed_poll_sensor)",
        feed_requests=counts.get("feed", 0),
        feed_304=counts.get("feed_304", 0),
        article_requests=counts.get("article", 0),
        hours=elapsed_h,
        cpu_seconds=sampler.cpu_seconds,
        cpu_by_role=sampler.cpu_by_role(),
        peak_rss=sampler.peak_rss,
        peak_single=sampler.peak_single,
        messages=receiver.messages,
        first_tick_seconds=first_tick,
        runs=dagster_run_figures(home),
        feeds=feeds,
    )
    return figures


def runs_in_flight(home: Path) -> int:
    """Runs queued, starting or started in the instance at ``home``."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    waiting = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    with dg.DagsterInstance.get() as instance:
        return instance.get_runs_count(dg.RunsFilter(statuses=waiting))


def dagster_run_figures(home: Path) -> dict[str, Any]:
    """Runs of the continuous mode: count, queue+launch time and time from start to end (Dagster's records)."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records()
        launch = [r.start_time - r.create_timestamp.timestamp() for r in records if r.start_time]
        duration = [r.end_time - r.start_time for r in records if r.start_time and r.end_time]
        statuses = Counter(r.dagster_run.status.value for r in records)
    return {
        "count": len(records),
        "statuses": dict(statuses),
        "launch_median": statistics.median(launch) if launch else float("nan"),
        "duration_median": statistics.median(duration) if duration else float("nan"),
        "duration_p95": percentile(duration, 0.95),
    }


def run_hourly(feeds: int, seed: int, work: Path) -> dict[str, Any]:
    world = build_world(feeds, start=-3600, end=0.0, stories_from=-3600, seed=seed)
    receiver = AlertReceiver()
    folder = work / "hourly"
    folder.mkdir(parents=True, exist_ok=True)
    with FeedSimulator(world) as sim:
        sources = folder / "sources.yaml"
        write_sources(sources, sim, feeds)
        env = {**os.environ, "CLAIMWATCH_ALERT_URLS": receiver.url}
        env.pop("DAGSTER_HOME", None)
        cmd = [str(BIN / "claimwatch"), "run", "--sources", str(sources), "--db", str(folder / "w.duckdb")]
        sim.frozen = -3600.0  # the previous tick: feeds are empty, the run records their ETags
        subprocess.run(cmd, env=env, cwd=folder, capture_output=True, check=False)
        warm = dict(sim.counts)
        sim.frozen = 0.0  # this tick: an hour of publications
        tick = time.time()
        proc = subprocess.Popen(cmd, env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        out, _ = proc.communicate()
        run_seconds = time.time() - tick
        sampler.stop()
        counts = Counter(sim.counts)
        counts.subtract(warm)
    receiver.close()
    (folder / "run.log").write_bytes(out)
    figures = story_figures(world, receiver, None, lambda t: tick + t)
    figures.update(
        mode="hourly schedule (one run at the top of the hour)",
        feed_requests=counts.get("feed", 0),
        feed_304=counts.get("feed_304", 0),
        article_requests=counts.get("article", 0),
        hours=1.0,
        cpu_seconds=sampler.cpu_seconds,
        peak_rss=sampler.peak_rss,
        peak_single=sampler.peak_single,
        messages=receiver.messages,
        run_seconds=run_seconds,
        feeds=feeds,
    )
    return figures


def row(f: dict[str, Any]) -> list[str]:
    lat = f["latencies"]
    per = f["alerts_per_story"]
    return [
        f["mode"],
        f"{f['feeds']:,}",
        f"{f['stories']} ({len(f['missed'])} missed)",
        f"{percentile(lat, 0.5):.0f} / {percentile(lat, 0.95):.0f} / {max(lat) if lat else float('nan'):.0f}",
        f"{statistics.fmean(per):.2f} (max {max(per)})" if per else "-",
        f"{f['feed_requests'] / f['feeds'] / f['hours']:.1f}",
        f"{f['feed_304'] / f['feed_requests']:.0%}" if f["feed_requests"] else "-",
        f"{f['cpu_seconds'] / f['hours']:.0f}",
        f"{f['peak_rss'] / 2**20:.0f} MB (largest process {f['peak_single'] / 2**20:.0f} MB)",
    ]


def _continuous_note(cont: dict[str, Any]) -> str:
    runs = cont["runs"]
    return (
        f"Continuous, {cont['feeds']:,} feeds: {runs['count']} runs ({runs['statuses']}), launch (queued to started) "
        f"median {runs['launch_median']:.1f} s, run duration median {runs['duration_median']:.1f} s, p95 "
        f"{runs['duration_p95']:.1f} s; first polling tick of all feeds done {cont['first_tick_seconds']:.0f} s "
        f"after the daemon started; {cont['messages']} messages; alert kinds {cont['kinds']}; "
        f"{cont['article_requests']} article fetches. CPU seconds of the {cont['hours'] * 60:.1f} minutes by "
        f"process: {cont['cpu_by_role']}."
    )


def render(results: list[dict[str, Any]], feeds: list[int], minutes: float, total: float) -> str:
    head = [
        "mode",
        "feeds",
        "stories (missed)",
        "publication-to-alert s, p50 / p95 / max",
        "alerts per story",
        "feed requests per feed per hour",
        "304 share",
        "CPU s per hour",
        "peak RSS (process tree)",
    ]
    lines = [
        SECTION,
        "",
        f"Command: `python benchmarks/freshness.py --feeds {' '.join(map(str, feeds))} --minutes {minutes:g}` "
        f"({total:.0f} s in all): loopback feeds (2% wires at 20-40 items an hour, the rest 2-8 a day), 12% of "
        "articles reporting a parity story, each story on one to three feeds within five minutes; the hourly mode "
        f"at {min(feeds):,} feeds. CPU counts every process of the pipeline (daemon, code server, runs, crawlers), "
        "not the simulator.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *["| " + " | ".join(row(r)) + " |" for r in results],
        "",
    ]
    for cont in (r for r in results if r["mode"].startswith("continuous")):
        lines += [_continuous_note(cont), ""]
    hourly = next((r for r in results if r["mode"].startswith("hourly")), None)
    if hourly:
        lines += [
            f"Hourly: the run took {hourly['run_seconds']:.0f} s; {hourly['messages']} messages; alert kinds "
            f"{hourly['kinds']}; {hourly['article_requests']} article fetches. Its latency is mostly the wait for "
            "the tick: an article published just after a run waits the whole hour. Its missed stories were "
            "published early in the hour on wires: a feed shows its latest 20 items, and a wire publishing 20-40 "
            "an hour has pushed them out of its feed by the time the hourly run reads it (the continuous mode "
            "polls wires every 20-30 s).",
        ]
    return "\n".join(lines) + "\n"


def write_section(out: Path, text: str, section: str = SECTION) -> None:
    """Replace (or append) ``section`` (the Freshness one by default) of ``out``, keeping everything else."""
    old = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    if section in old:
        before, rest = old.split(section, 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        old = before.rstrip() + "\n\n" + text + ("\n" + after if after else "")
    else:
        old = old.rstrip() + "\n\n" + text
    out.write_text(old, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, nargs="+", default=[1000], help="one continuous run per count")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mode", choices=["both", "continuous", "hourly"], default="both")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    ap.add_argument(
        "--workdir", type=Path, help="Keep the warehouses, logs and daemon output here (default: a temp dir)."
    )
    args = ap.parse_args()
    begun = time.time()
    results = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-fresh-") as tmp:
        work = args.workdir or Path(tmp)
        if args.mode in ("both", "continuous"):
            for feeds in args.feeds:
                results.append(run_continuous(feeds, args.minutes, args.seed, work / f"feeds-{feeds}"))
                print(row(results[-1]), flush=True)
        if args.mode in ("both", "hourly"):
            results.append(run_hourly(min(args.feeds), args.seed, work))
            print(row(results[-1]), flush=True)
    text = render(results, args.feeds, args.minutes, time.time() - begun)
    print(text)
    write_section(args.out, text)


if __name__ == "__main__":
    main()
