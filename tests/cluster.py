"""A throwaway Redis and celery workers on loopback, for the scale tests and ``make bench-scale``.

Redis is Debian's redis-server (no persistence, a free loopback port); the workers are started the documented way,
``dagster-celery worker start -A dagster_celery.app -y <executor config>``, each in its own process group so that
stopping one stops its celery pool too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from warehouse.db import connect

REDIS_SERVER = shutil.which("redis-server") or next(
    (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(p).exists()), None
)
BIN = Path(sys.executable).parent  # the venv's bin: dagster-celery starts `celery` from PATH


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def redis_server(workdir: Path, timeout: float = 10.0) -> Iterator[str]:
    """A redis-server on a free loopback port for the block; yields its URL (database 0)."""
    if REDIS_SERVER is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def celery_environment(broker: str, backend: str, dagster_home: Path) -> dict[str, str]:
    """The environment the backfill and its workers share: broker, result backend, Dagster instance, PATH."""
    return {
        **os.environ,
        "CLAIMWATCH_CELERY_BROKER": broker,
        "CLAIMWATCH_CELERY_BACKEND": backend,
        "DAGSTER_HOME": str(dagster_home),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def prepare_instance(dagster_home: Path) -> None:
    """Create the Dagster instance the workers share before any starts (two creating its storage at once race)."""
    import dagster as dg

    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with dg.DagsterInstance.from_config(str(dagster_home)):
        pass


@contextmanager
def celery_workers(
    count: int, env: dict[str, str], workdir: Path, concurrency: int = 1, timeout: float = 60.0
) -> Iterator[list[Path]]:
    """``count`` dagster-celery workers (``concurrency`` processes each) on ``env``'s broker; yields their logs.

    Waits until every worker says it is ready; stops them (SIGTERM, then SIGKILL) when the block ends.
    """
    prepare_instance(Path(env["DAGSTER_HOME"]))
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "celery.yaml"
    executor = {"broker": env["CLAIMWATCH_CELERY_BROKER"], "backend": env["CLAIMWATCH_CELERY_BACKEND"]}
    config.write_text(yaml.safe_dump({"execution": {"config": executor}}), encoding="utf-8")
    procs, logs = [], []
    try:
        for k in range(count):
            log = workdir / f"worker{k + 1}.log"
            logs.append(log)
            cmd = [str(BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y", str(config)]
            cmd += ["-n", f"worker{k + 1}", "-l", "INFO", "--", f"--concurrency={concurrency}"]
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                )
        deadline = time.monotonic() + timeout
        while not all("ready." in log.read_text(encoding="utf-8", errors="replace") for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                said = "; ".join(
                    f"exit {p.poll()}: {log.read_text()[-800:]}" for p, log in zip(procs, logs, strict=True)
                )
                raise RuntimeError(f"celery workers did not start: {said}")
            time.sleep(0.2)
        yield logs
    finally:
        for p in procs:
            _stop_group(p)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the worker's process group (celery's pool included), SIGKILL what is left after 20 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# what a claims re-extraction lands; times and run ids differ between runs by design, so they are left out
LANDED = {
    "claim_mentions": "* EXCLUDE (extracted_at)",
    "claims": "* EXCLUDE (created_at, created_run_id)",
    "article_extractions": "* EXCLUDE (extracted_at)",
}


def stale_copy(db: Path, to: Path) -> Path:
    """A copy of warehouse ``db`` as after a rules change: every extraction stale, every mention gone."""
    shutil.copy(db, to)
    con = connect(to)
    con.execute("UPDATE article_extractions SET extractor_version = 'old'")
    con.execute("DELETE FROM claim_mentions")
    con.close()
    return to


def landed_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """The rows of the tables a re-extraction writes (:data:`LANDED`), sorted, for a row-by-row comparison."""
    con = connect(db, read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in LANDED.items()}
    finally:
        con.close()
