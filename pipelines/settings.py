"""Orchestration settings kept as data in ``pipelines/settings.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")


@lru_cache(maxsize=1)
def orchestration_settings() -> dict[str, Any]:
    """The schedule's cron and time zone, and check bounds."""
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
