"""Per-article work on every core, with the same result as one process.

``map_reported(fn, items, reporter)`` returns ``[fn(item, reporter) for item in items]``
and leaves ``reporter`` as that loop would.  With many items and more than one core it
forks worker processes (``fork``, so ``fn`` and the stages' inputs are inherited, not
pickled: only item numbers go out and results come back).  Each item runs with a
``Reporter`` of its own that starts with the accepted codes the build's reporter holds;
the results and their diagnostics are taken back in item order, each item's accepted
codes replayed before its diagnostics, so the build's reporter ends as the loop would
leave it, whatever the split.  A stage may use it only when an item's result depends on
that item and the shared inputs alone (true of the ingest stages and of rendering one
article's page), so the output cannot depend on how items are split or on slug order.

The number of processes is ``CSTO_READER_JOBS`` when set (``1``: no workers), else the
cores this process may use; below ``PARALLEL_FROM`` items one process does the work
(starting workers costs more).  The build's objects are frozen (``gc.freeze``) while
the workers run, so that the workers' garbage collections leave the pages they share
with the build untouched.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .diagnostics import Diagnostic, Reporter

T = TypeVar("T")
R = TypeVar("R")

JOBS_ENV = "CSTO_READER_JOBS"
PARALLEL_FROM = 8
CHUNK = 4  # items per task: small, so the two workers end close together

# What the forked workers run: (fn, items, the build's reporter), set around the map.
_TASK: tuple[Callable[[Any, Reporter], Any], Sequence[Any], Reporter] | None = None

Outcome = tuple[Any, dict[str, frozenset[str]], list[Diagnostic]]


def jobs() -> int:
    """The number of processes per-article work may use."""
    given = os.environ.get(JOBS_ENV, "").strip()
    if given.isdigit():
        return max(1, int(given))
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def map_reported(fn: Callable[[T, Reporter], R], items: Sequence[T], reporter: Reporter) -> list[R]:
    """``[fn(item, reporter) for item in items]``, on every core when there are many."""
    workers = min(jobs(), len(items) // CHUNK)
    if (
        workers < 2
        or len(items) < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [fn(item, reporter) for item in items]
    outcomes = _forked(fn, items, reporter, workers)
    if outcomes is None:  # no worker could start: the same work in this process
        return [fn(item, reporter) for item in items]
    results: list[R] = []
    for value, accepted, diagnostics in outcomes:
        for file, codes in accepted.items():
            reporter.accept(file, codes)
        for diagnostic in diagnostics:
            reporter.add(diagnostic)
        results.append(value)
    return results


def _forked(
    fn: Callable[[T, Reporter], R], items: Sequence[T], reporter: Reporter, workers: int
) -> list[Outcome] | None:
    """Each item's outcome (in item order) from ``workers`` forked processes; None when
    the processes could not be started or died."""
    global _TASK
    chunks = [range(i, min(i + CHUNK, len(items))) for i in range(0, len(items), CHUNK)]
    context = multiprocessing.get_context("fork")
    _TASK = (fn, items, reporter)
    # the objects alive now move out of the collector's reach while the workers run, so
    # that a worker's collections neither scan nor write to the pages it shares with the
    # build (a write would copy the page); the parent takes them back afterwards
    gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            return [outcome for part in pool.map(_run_chunk, chunks) for outcome in part]
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return None
    finally:
        gc.unfreeze()
        _TASK = None
        _release_free_memory()


def _release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc's ``malloc_trim``): the
    results came back as pickles, read and dropped, and without this the freed space
    stays counted in the build's memory to its end.  Elsewhere it does nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        # the symbols this process already has: glibc's where it is the C library
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _run_chunk(indexes: range) -> list[Outcome]:
    """In a worker: the outcome of each item, each with a reporter of its own."""
    assert _TASK is not None, "a worker runs only inside map_reported"
    fn, items, parent = _TASK
    out: list[Outcome] = []
    for i in indexes:
        own = Reporter(accepted=dict(parent.accepted), check_codes=parent.check_codes)
        value = fn(items[i], own)
        changed = {f: c for f, c in own.accepted.items() if parent.accepted.get(f) != c}
        out.append((value, changed, own.diagnostics))
    return out
