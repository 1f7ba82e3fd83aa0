"""Load the versioned vocabulary files in ``extractors/data``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_data(name: str) -> Any:
    """Parse ``extractors/data/<name>`` (YAML) once per process."""
    text = resources.files("extractors.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
