"""Progress lines for runs started from a terminal: each stage as it starts and what it did when it ends.

A Dagster logger (so it sees the run's own events, in order, from every step) that writes to stderr only when
stderr is a terminal; piped or scheduled runs print nothing but their final summary.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

import dagster as dg

# what each asset's materialization reports, in the words of the progress line
SHOWN = {
    # responses, not requests: a fetch refused before the downloader (robots.txt, the network guard, DNS) sent
    # none, so "51 fetch failures, 0 requests" read as a contradiction
    "raw_pages": [("pages_new", "pages landed"), ("fetch_failures", "fetch failures"), ("responses", "responses")],
    "raw_pages_by_source": [("pages_new", "pages landed"), ("fetch_failures", "fetch failures")],
    # articles_new counts every kept article, copies of another one included (the run summary counts them apart)
    "articles": [("pages_judged", "pages cleaned"), ("articles_new", "articles"), ("duplicates_new", "of them copies")],
    "claim_mentions": [("mentions", "claim mentions"), ("articles_extracted", "articles read")],
    "claims": [("claims", "claims"), ("claims_delta", "new"), ("alerts_new", "new alerts")],
    "alerts": [("delivered", "alerts delivered"), ("failed", "not delivered")],
}


class ProgressHandler(logging.Handler):
    """Turns step starts, materializations and failures into one short line each."""

    def __init__(self, stream: TextIO, started: float | None = None) -> None:
        super().__init__(logging.DEBUG)  # Dagster logs its events at DEBUG
        self.stream = stream
        self.started = started or time.monotonic()

    def _line(self, text: str) -> None:
        self.stream.write(f"[{time.monotonic() - self.started:6.1f}s] {text}\n")
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        """Write a line for the events a person following the run cares about."""
        meta: dict[str, Any] = getattr(record, "dagster_meta", None) or {}
        event = getattr(record, "dagster_event", None) or meta.get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START" and step in SHOWN:  # stages, not their checks
            self._line(f"{step}: started")
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            name = materialization.asset_key.to_user_string()
            values = {k: v.value for k, v in materialization.metadata.items()}
            shown = [f"{values[k]} {label}" for k, label in SHOWN.get(name, []) if isinstance(values.get(k), int)]
            self._line(f"{name}: done" + (f" ({', '.join(shown)})" if shown else ""))
        elif kind == "STEP_FAILURE":
            self._line(f"{step}: FAILED")


@dg.logger(
    config_schema={"always": dg.Field(bool, default_value=False, description="Write even when not a terminal.")},
    description="One progress line per stage start and result, on a terminal's stderr.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """The progress logger (it writes nothing when stderr is not a terminal, unless ``always``: the demo)."""
    logger = logging.getLogger(f"claimwatch.progress.{id(init_context)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    shown = sys.stderr.isatty() or bool((init_context.logger_config or {}).get("always"))
    # a logger with no handler would reach logging's last resort, which prints warnings and errors to stderr
    logger.addHandler(ProgressHandler(sys.stderr) if shown else logging.NullHandler())
    return logger
