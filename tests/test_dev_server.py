"""`make dev` stops with everything it started: on SIGTERM, on SIGINT (even started in the background, where a
shell makes it ignore SIGINT), and when its parent (make) goes away."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # servers, child processes or Dagster runs (see tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _group(pgid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,pgid="], capture_output=True, text=True, check=True).stdout
    return [int(p) for p, g in (line.split() for line in out.splitlines()) if int(g) == pgid]


def _wait_until_serving(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"the Dagster UI did not answer on port {port}")


def _launcher_code(port: int) -> str:
    """A parent like make: starts the launcher with SIGINT ignored (as a background job is), then sleeps."""
    return (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        f"p = subprocess.Popen([sys.executable, '-m', 'pipelines.dev_server', '--port', '{port}'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT", "parent killed"])
def test_dev_stops_with_every_process_it_started(tmp_path, stop):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    parent = subprocess.Popen(
        [sys.executable, "-c", _launcher_code(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        launcher = int(parent.stdout.readline())
        _wait_until_serving(port)
        dagster_dev = next(p for p in _group_children(launcher))
        assert len(_group(dagster_dev)) >= 3  # dagster dev, its webserver and its daemon (and code servers)
        if stop == "parent killed":
            parent.kill()
        else:
            os.kill(launcher, getattr(signal, stop))
        deadline = time.monotonic() + 40
        while _group(dagster_dev) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _group(dagster_dev) == [], f"left running after {stop}"
    finally:
        parent.kill()
        parent.wait()


def _group_children(pid: int) -> list[int]:
    """The process-group ids of ``pid``'s children (dagster dev leads a group of its own)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,pgid="], capture_output=True, text=True, check=True).stdout
    return [int(g) for p, pp, g in (line.split() for line in out.splitlines()) if int(pp) == pid]
