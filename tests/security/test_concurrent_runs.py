"""Two pipeline runs on one warehouse never interleave (issue 25 row 9).

Before: a second `claimwatch run` while the first was running reported "pages fetched: 2" with every category 0
and its `sources_still_yield_articles` check FAILED (it read the first run's work), while exiting 0.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.db import WarehouseBusyError, exclusive_run

pytestmark = pytest.mark.integration  # child processes


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    code = (
        "import sys, time\n"
        "from warehouse.db import exclusive_run\n"
        f"with exclusive_run({str(db)!r}):\n"
        "    print('held', flush=True)\n"
        f"    time.sleep({seconds})\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_refuses_with_a_clear_message_while_the_first_holds_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{"name": "s", "urls": ["http://127.0.0.1:9/a.html"]}]}))
    first = _hold_lock(db, 30)
    try:
        t0 = time.monotonic()
        r = CliRunner().invoke(main, ["run", "--sources", str(sources), "--db", str(db), "--wait", "1"])
        assert r.exit_code == 1
        assert "another claimwatch run is writing warehouse" in r.output and f"pid {first.pid}" in r.output
        assert time.monotonic() - t0 < 20
    finally:
        first.kill()
        first.wait()


def test_the_lock_is_free_again_when_its_holder_dies(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = _hold_lock(db, 30)
    with pytest.raises(WarehouseBusyError):
        with exclusive_run(db, wait_seconds=0.5):
            pass
    holder.kill()  # SIGKILL: no cleanup runs, the kernel drops the flock
    holder.wait()
    with exclusive_run(db, wait_seconds=2):
        pass
