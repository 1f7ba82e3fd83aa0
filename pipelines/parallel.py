"""Clean and extract in a process pool (CLAIMWATCH_WORKERS, default: the number of cores); one writer.

Workers only run the pure stage functions; the asset process alone writes to DuckDB. Workers are forked, so
they start with trafilatura and the spaCy pipeline already imported, and the claim rules already seeded.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from pipelines.stages import clean_and_sign, extract_alone
from spiders.child_process import die_with_parent

Rows = list[dict[str, Any]]

MIN_ITEMS_PER_WORKER = 8  # below this a pool costs more than it saves
PAGES_PER_TASK = 16  # pages sent to a worker at a time
MIN_BATCH = 50  # pages per load transaction, at least
# Claim rules run at ~600 articles/s in one process and forking a pool costs ~0.3 s: below this, one process.
MIN_ARTICLES_FOR_EXTRACT_POOL = 300


def worker_count() -> int:
    """CLAIMWATCH_WORKERS, else the number of cores (read at run time)."""
    value = os.environ.get("CLAIMWATCH_WORKERS", "").strip()
    if value:
        return max(1, int(value))
    return os.cpu_count() or 1


def _chunks(items: Sequence[Any], n: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // n))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _small_chunks(items: Sequence[Any], workers: int) -> list[list[Any]]:
    """Chunks small enough that one slow page (real pages vary 10x in cleaning cost) cannot idle a worker."""
    return _chunks(items, max(workers * 4, -(-len(items) // PAGES_PER_TASK)))


@contextmanager
def long_lived_heap_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now (imports, rules, Dagster) while inside.

    Full collections otherwise walk ~400k long-lived objects (0.2-0.3 s each) in the writer, and in forked
    workers they also write to every inherited object's header, copying the parent's memory page by page.
    Used the same way with one worker or several.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _pool(n: int) -> ProcessPoolExecutor:
    # workers die with this process: a killed run leaves no worker holding its share of memory
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def batch_sizes(total: int, batch_size: int) -> list[int]:
    """Load batch sizes for a pooled run of ``total`` pages: full batches, then a tail of halving ones.

    At least four batches even for a small run, so loading one overlaps cleaning the next; and the last batch
    small, because nothing overlaps the load of the last batch (the workers have finished): a last batch of 500
    light pages kept both workers idle for 0.6 s.
    """
    size = min(batch_size, max(MIN_BATCH, -(-total // 4)))
    sizes: list[int] = []
    rest = total
    while rest > size:
        sizes.append(size)
        rest -= size
    while rest > MIN_BATCH:  # the last full batch's worth, in halves: 250, 125, 63, 50, ...
        half = max(MIN_BATCH, -(-rest // 2))
        sizes.append(half)
        rest -= half
    if rest:
        sizes.append(rest)
    return sizes


def cleaned_batches(
    fetch: Callable[[list[Any]], Rows],
    page_ids: Sequence[Any],
    batch_size: int,
    workers: int | None = None,
    work: Callable[[Rows], tuple[Rows, ...]] = clean_and_sign,
) -> Iterator[tuple[Rows, ...]]:
    """Yield ``work(pages)`` per batch of ``page_ids`` (any keys ``fetch`` reads pages by).

    ``work`` is :func:`clean_and_sign` (verdicts, signed articles) or ``clean_sign_extract`` (also the claim
    rules' results); it must be a module-level function returning a tuple of lists, computed per small chunk
    of pages and concatenated per batch.

    ``fetch`` reads a batch's pages (called in this process, between yields). With a pool, the next batch is
    already being worked on while the caller loads the one just yielded, so the single writer's work overlaps
    the workers' instead of leaving them idle.
    """
    n = workers or worker_count()
    with long_lived_heap_frozen():
        if n <= 1 or len(page_ids) < n * MIN_ITEMS_PER_WORKER:
            for i in range(0, len(page_ids), batch_size):
                yield work(fetch(list(page_ids[i : i + batch_size])))
        else:
            yield from _pooled_batches(fetch, page_ids, batch_size, n, work)


def _pooled_batches(
    fetch: Callable[[list[Any]], Rows],
    page_ids: Sequence[Any],
    batch_size: int,
    n: int,
    work: Callable[[Rows], tuple[Rows, ...]],
) -> Iterator[tuple[Rows, ...]]:
    batches, start = [], 0
    for size in batch_sizes(len(page_ids), batch_size):
        batches.append(list(page_ids[start : start + size]))
        start += size

    def collect(futures: list[Future]) -> tuple[Rows, ...]:
        parts = [f.result() for f in futures]
        return tuple([row for part in parts for row in part[k]] for k in range(len(parts[0])))

    in_flight: deque[list[Future]] = deque()
    with _pool(n) as pool:
        for ids in batches:
            in_flight.append([pool.submit(work, c) for c in _small_chunks(fetch(ids), n)])
            if len(in_flight) > 1:
                yield collect(in_flight.popleft())
        while in_flight:
            yield collect(in_flight.popleft())


def extract_alone_parallel(articles: Sequence[dict[str, Any]], workers: int | None = None) -> dict[str, dict[str, Any]]:
    """:func:`extract_alone` over ``workers`` processes: {article_id: result}.

    Seed the process-wide extractor first (``seeded_extractor``): the workers inherit it at the fork.
    """
    n = workers or worker_count()
    with long_lived_heap_frozen():
        if n <= 1 or len(articles) < max(MIN_ARTICLES_FOR_EXTRACT_POOL, n * MIN_ITEMS_PER_WORKER):
            results = extract_alone(articles)
        else:
            with _pool(n) as pool:
                results = [r for part in pool.map(extract_alone, _small_chunks(articles, n)) for r in part]
    return {r["article_id"]: r for r in results}
