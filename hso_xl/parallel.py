"""Run one function over many items on every core, results in the items' order.

Worker processes are forked, so they start in milliseconds and share what the parent already holds
(the recomputed workbook, the jobs) without pickling it; only each item's index goes out and its
result comes back. Few items, one core, or a process with other threads running (fork would copy
their locks mid-use): then the items run here, one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence, TypeVar

from .errors import WorkerStopped
from .i18n import _
from .processes import die_with_parent

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 16  # below this, starting workers and compiling templates in each costs more than it saves
MAX_WORKERS = 8

_task: tuple[Callable, Sequence] | None = None  # what forked workers run; set just before the fork


def map_ordered(function: Callable[[Item], Result], items: Sequence[Item],
                progress: Callable[[int, Item], None] | None = None,
                workers: int | None = None) -> list[Result]:
    """Return [function(item) for item in items], computed on up to `workers` processes.

    `progress(i, item)` is called in this process for the i-th item (1-based): as it starts when
    the items run here, as its result arrives when workers run them. An exception raised by
    `function` is raised here, and the remaining work is abandoned.
    """
    count = worker_count(len(items)) if workers is None else workers
    if count < 2 or not _can_fork():
        results = []
        for i, item in enumerate(items, start=1):
            if progress:
                progress(i, item)
            results.append(function(item))
        return results
    global _task
    _task = (function, items)
    # Workers end with this process (killed, out of memory): none is left running, holding memory or files.
    executor = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
    try:
        results = []
        chunk = max(1, min(8, len(items) // (count * 8)))
        for i, result in enumerate(executor.map(_run, range(len(items)), chunksize=chunk), start=1):
            if progress:
                progress(i, items[i - 1])
            results.append(result)
        return results
    except BrokenProcessPool:
        # A worker was killed (out of memory, a signal): said, never waited for. (multiprocessing.Pool hung here.)
        raise WorkerStopped(_("a worker process stopped before its work was done (killed by the system, perhaps for "
                              "lack of memory), so nothing was written"),
                            hint=_("Run the command again; if it stops again, close other programs or build fewer "
                                   "documents at a time with --only")) from None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _task = None


def worker_count(items: int, per_worker: int = MIN_ITEMS_PER_WORKER) -> int:
    """How many workers `items` pieces of work deserve: one per core, each with at least `per_worker`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_WORKERS, items // per_worker))


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    die_with_parent(parent)


def _run(index: int):
    function, items = _task
    try:
        return function(items[index])
    except Exception as exc:
        try:
            pickle.dumps(exc)
        except Exception:  # an exception that cannot travel back (lxml's keeps its error log): its words can
            raise _Unpicklable(type(exc).__name__, str(exc)) from None
        raise


class _Unpicklable(Exception):
    """What a worker's exception said, when the exception itself cannot be sent to the parent (a bug's details)."""

    def __str__(self) -> str:
        return ": ".join(self.args)
