"""Processes: a pool whose workers stop at once when interrupted, and signals as interrupts."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_map(function: Callable[[T], R], items: Sequence[T], *, workers: int = 1) -> list[R]:
    """`function` of each item, in order, on up to `workers` forked processes.

    The workers inherit `function` and `items` as they are when the pool forks (a closure,
    models that do not pickle) and the modules loaded by then; only the results travel back.
    """
    workers = min(workers, len(items))
    if workers < 2:
        return [function(item) for item in items]
    global _forked
    _forked = (function, items)
    try:
        with worker_pool(workers, multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call_forked, range(len(items))))
    finally:
        _forked = None


# What the forked workers of fork_map call: set before the pool forks.
_forked: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _call_forked(index: int) -> Any:
    assert _forked is not None, "set before the pool forked"
    function, items = _forked
    return function(items[index])


@contextlib.contextmanager
def worker_pool(workers: int, context: BaseContext) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are stopped at once when the build is interrupted."""
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)
    try:
        yield pool
    except BaseException:
        # Interrupted or failed: stop the workers now rather than after their current task.
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
        _end_of_results(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _end_of_results(pool: ProcessPoolExecutor) -> None:
    """Let the pool see that its stopped workers send nothing more.

    A worker stopped while it sent its result (megabytes of files) leaves half a message in
    the pipe, and the pool's manager thread would wait for the rest for ever, and the build
    with it: this process's own copy of the pipe's writing end keeps the pipe open. Closing
    that copy turns the wait into an end of file, which the pool takes for a broken pool.
    The attributes are CPython's ProcessPoolExecutor's (3.9 to 3.14).
    """
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def _worker_init() -> None:
    """Leave Ctrl-C and SIGTERM to the parent, which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Treat SIGTERM as Ctrl-C while building, so that a killed build cleans up after itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block is done (the swap of the folders)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
