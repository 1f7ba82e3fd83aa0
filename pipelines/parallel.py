"""Clean and extract in a process pool (CLAIMWATCH_WORKERS, default: the number of cores); one writer.

Workers only run the pure stage functions; the asset process alone writes to DuckDB. Workers are forked, so
they start with trafilatura and the spaCy pipeline already imported.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from pipelines.stages import clean_pages, extract_mentions, seeded_extractor

MIN_ITEMS_PER_WORKER = 8  # below this a pool costs more than it saves


def worker_count() -> int:
    """CLAIMWATCH_WORKERS, else the number of cores (read at run time)."""
    value = os.environ.get("CLAIMWATCH_WORKERS", "").strip()
    if value:
        return max(1, int(value))
    return os.cpu_count() or 1


def _chunks(items: Sequence[Any], n: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // n))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _pool(n: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))


def clean_pages_parallel(
    pages: Sequence[dict[str, Any]], workers: int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`clean_pages` over ``workers`` processes; same output, same order."""
    n = workers or worker_count()
    if n <= 1 or len(pages) < n * MIN_ITEMS_PER_WORKER:
        return clean_pages(pages)
    verdicts: list[dict[str, Any]] = []
    articles: list[dict[str, Any]] = []
    with _pool(n) as pool:
        for v, a in pool.map(clean_pages, _chunks(pages, n * 4)):
            verdicts += v
            articles += a
    return verdicts, articles


def _extract_chunk(
    args: tuple[list[dict[str, Any]], list[tuple[str, str, str | None]]],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    articles, discovered = args
    return extract_mentions(articles, seeded_extractor(discovered))


def extract_mentions_parallel(
    articles: Sequence[dict[str, Any]], discovered: list[tuple[str, str, str | None]], workers: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """:func:`extract_mentions` over ``workers`` processes, each seeded with the discovered entities.

    Names discovered inside one worker's chunk are not seen by the other workers in the same run (they are
    in the warehouse for the next run).
    """
    n = workers or worker_count()
    if n <= 1 or len(articles) < n * MIN_ITEMS_PER_WORKER:
        return extract_mentions(articles, seeded_extractor(discovered))
    mentions: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    with _pool(n) as pool:
        for m, e in pool.map(_extract_chunk, [(c, discovered) for c in _chunks(articles, n * 4)]):
            mentions += m
            errors.update(e)
    return mentions, errors
