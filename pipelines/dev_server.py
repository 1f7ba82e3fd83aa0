"""``make dev``: Dagster's UI and daemon, stopped with everything they started on Ctrl-C, SIGTERM, or when make goes.

``dagster dev`` started from make kept running after make was stopped. Make does not pass SIGTERM on to its
recipe. A shell that starts a command in the background sets that command to ignore SIGINT, and Python then leaves
SIGINT ignored, so Ctrl-C did nothing either. This launcher runs ``dagster dev`` in a process group of its own with
SIGINT restored. On SIGINT, SIGTERM or its parent's exit it asks that group to stop, waits, then kills what is left.
(Dagster has no option for any of this, so it is written here.)

Usage: python -m pipelines.dev_server [dagster dev options, e.g. --port 3001]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

GRACE_SECONDS = 20.0  # dagster dev stops its webserver, daemon and code servers within a few seconds


def _stop(group: int) -> None:
    """SIGINT to the whole group (Dagster's own clean shutdown), then SIGKILL to whatever still runs."""
    try:
        os.killpg(group, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)  # anyone left in the group?
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    """Run ``dagster dev -m pipelines.definitions`` until it ends, or until told to stop; return its exit code."""
    args = sys.argv[1:] if argv is None else argv
    parent = os.getppid()
    asked: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)

    signal.signal(signal.SIGINT, on_signal)  # also undoes an inherited "ignore SIGINT" (background jobs)
    signal.signal(signal.SIGTERM, on_signal)
    command = [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", *args]
    # its own process group: _stop reaches every process dagster dev starts (webserver, daemon, code servers)
    proc = subprocess.Popen(command, start_new_session=True)  # a handler, not "ignore": the child gets SIGINT back
    try:
        while proc.poll() is None:
            if asked or os.getppid() != parent:  # a signal, or make (or the shell) went away
                _stop(proc.pid)
                break
            time.sleep(0.5)
    finally:
        if proc.poll() is None:
            _stop(proc.pid)
    code = proc.wait()
    return 0 if asked else code


if __name__ == "__main__":
    sys.exit(main())
