"""Processes: a pool whose workers stop at once when interrupted, and signals as interrupts."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from agreementgen.render.html import LaidOut


logger = logging.getLogger(__name__)


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_pdfs(htmls: Sequence[str], *, workers: int = 1) -> list[LaidOut]:
    """Lay out HTML pages as PDFs, on up to `workers` processes when there are several.

    Each comes with the URLs its page was refused, as data: a worker's log is not the build's.
    """
    from agreementgen.render.html import lay_out

    workers = min(workers, len(htmls))
    if workers < 2:
        return [lay_out(html) for html in htmls]
    # Fork: the workers inherit the loaded modules instead of importing WeasyPrint again.
    with worker_pool(workers, multiprocessing.get_context("fork")) as pool:
        return list(pool.map(lay_out, htmls))


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
