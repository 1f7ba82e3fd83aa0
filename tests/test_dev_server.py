"""`make dev` stops with everything it started: on SIGTERM, on SIGINT (even started in the background, where a
shell makes it ignore SIGINT), and when its parent (make) goes away."""

from __future__ import annotations

import json
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


ASSET_COLUMNS = (
    "{ assetNodes { assetKey { path } metadataEntries { label "
    "... on TableSchemaMetadataEntry { schema { columns { name } } } } } }"
)


def _declared_columns(port: int, timeout: float = 60.0) -> dict[str, list[str]]:
    """{asset: column names} as the UI's GraphQL API gives them (once the code location has loaded)."""
    deadline = time.monotonic() + timeout
    while True:
        body = json.dumps({"query": ASSET_COLUMNS}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            nodes = json.load(r)["data"]["assetNodes"]
        if nodes or time.monotonic() > deadline:
            return {
                "/".join(n["assetKey"]["path"]): [c["name"] for c in e["schema"]["columns"]]
                for n in nodes
                for e in n["metadataEntries"]
                if e["label"] == "dagster/column_schema"
            }
        time.sleep(1)


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
        if stop == "SIGTERM":  # once: a fresh instance, nothing materialised, and asset pages list columns
            columns = _declared_columns(port)
            assert "claim_id" in columns["claims"] and "canonical_url" in columns["articles"], columns
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
