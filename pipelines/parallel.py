"""Clean and extract in a process pool (the run's ``workers`` setting, default: the number of cores); one writer.

Workers only run the pure stage functions; the asset process alone writes to DuckDB. Workers are forked, so
they start with trafilatura and the spaCy pipeline already imported, and with the claim rules of their pool.
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

from extractors.rules import ArticleText, ClaimRules
from pipelines.settings import worker_count
from pipelines.stages import clean_and_sign, clean_sign_extract
from spiders.child_process import die_with_parent
from warehouse.records import ExtractionResult, StoredPage

Rows = list[Any]  # a batch's records: pages, verdicts, articles, or extraction results

MIN_ITEMS_PER_WORKER = 8  # below this a pool costs more than it saves
PAGES_PER_TASK = 16  # pages sent to a worker at a time
MIN_BATCH = 50  # pages per load transaction, at least
# Claim rules run at ~600 articles/s in one process and forking a pool costs ~0.3 s: below this, one process.
MIN_ARTICLES_FOR_EXTRACT_POOL = 300


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


# The claim rules of the pool this worker belongs to, set when the worker starts (never in the parent process).
_worker_rules: ClaimRules | None = None


def _start_worker(parent_pid: int, rules: ClaimRules | None) -> None:
    """A worker dies with its parent, and reads with the rules its pool was made for."""
    global _worker_rules  # noqa: PLW0603 - the worker process's own state, set once as it starts
    die_with_parent(parent_pid)
    _worker_rules = rules


def _pool(n: int, rules: ClaimRules | None = None) -> ProcessPoolExecutor:
    # workers die with this process: a killed run leaves no worker holding its share of memory. Forked, so the
    # rules reach each worker as it starts without being pickled (they hold the built spaCy pipeline)
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(), rules),
    )


def _clean(pages: list[StoredPage], rules: ClaimRules | None) -> tuple[Rows, ...]:
    """Pages cleaned and signed, and run through ``rules`` when given."""
    return clean_and_sign(pages) if rules is None else clean_sign_extract(pages, rules)


def _clean_chunk(pages: list[StoredPage]) -> tuple[Rows, ...]:
    """A worker's share of a batch, with its pool's claim rules if it has them."""
    return _clean(pages, _worker_rules)


def _extract_chunk(articles: Rows) -> list[ExtractionResult]:
    assert _worker_rules is not None, "an extraction pool is made with its rules"
    return _worker_rules.extract_alone(articles)


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
    fetch: Callable[[list[Any]], list[StoredPage]],
    page_ids: Sequence[Any],
    batch_size: int,
    workers: int | None = None,
    rules: ClaimRules | None = None,
) -> Iterator[tuple[Rows, ...]]:
    """Yield (verdicts, signed articles) per batch of ``page_ids`` (any keys ``fetch`` reads pages by).

    With ``rules``, also the claim rules' result of each article (``clean_sign_extract``). Computed per small
    chunk of pages and concatenated per batch.

    ``fetch`` reads a batch's pages (called in this process, between yields). With a pool, the next batch is
    already being worked on while the caller loads the one just yielded, so the single writer's work overlaps
    the workers' instead of leaving them idle.
    """
    n = worker_count(workers)
    with long_lived_heap_frozen():
        if n <= 1 or len(page_ids) < n * MIN_ITEMS_PER_WORKER:
            for i in range(0, len(page_ids), batch_size):
                yield _clean(fetch(list(page_ids[i : i + batch_size])), rules)
        else:
            yield from _pooled_batches(fetch, page_ids, batch_size, n, rules)


def _pooled_batches(
    fetch: Callable[[list[Any]], list[StoredPage]],
    page_ids: Sequence[Any],
    batch_size: int,
    n: int,
    rules: ClaimRules | None,
) -> Iterator[tuple[Rows, ...]]:
    batches, start = [], 0
    for size in batch_sizes(len(page_ids), batch_size):
        batches.append(list(page_ids[start : start + size]))
        start += size

    def collect(futures: list[Future]) -> tuple[Rows, ...]:
        parts = [f.result() for f in futures]
        return tuple([row for part in parts for row in part[k]] for k in range(len(parts[0])))

    in_flight: deque[list[Future]] = deque()
    with _pool(n, rules) as pool:
        for ids in batches:
            in_flight.append([pool.submit(_clean_chunk, c) for c in _small_chunks(fetch(ids), n)])
            if len(in_flight) > 1:
                yield collect(in_flight.popleft())
        while in_flight:
            yield collect(in_flight.popleft())


def extract_alone_parallel(
    articles: Sequence[ArticleText], rules: ClaimRules, workers: int | None = None
) -> dict[str, ExtractionResult]:
    """``rules.extract_alone`` over ``workers`` processes: {article_id: result}."""
    n = worker_count(workers)
    with long_lived_heap_frozen():
        if n <= 1 or len(articles) < max(MIN_ARTICLES_FOR_EXTRACT_POOL, n * MIN_ITEMS_PER_WORKER):
            results = rules.extract_alone(articles)
        else:
            with _pool(n, rules) as pool:
                results = [r for part in pool.map(_extract_chunk, _small_chunks(articles, n)) for r in part]
    return {r.article_id: r for r in results}
