"""What a build is doing, for a progress display: which agreement renders which document.

The documents are rendered in worker processes, so a step travels from the worker through a
queue to a thread of the parent, which hands it to the listener; in a build of one process
it goes to the listener at once. Without a listener nothing is sent.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any


@dataclass(frozen=True)
class Step:
    """`agreement` renders `document` (or, with document "", is done); `done` of `total`
    agreements are finished."""

    agreement: str
    document: str
    done: int
    total: int


Listener = Callable[[Step], None]

# Where rendering() puts a step: a queue the workers inherit when the pool forks, or the
# listener itself; None when nobody listens.
_channel: Any = None


def rendering(agreement: str, document: str) -> None:
    """Say, from the process that renders, that `agreement` is rendering `document`."""
    if _channel is not None:
        _channel.put((agreement, document))


@contextlib.contextmanager
def reporting(
    listener: Listener | None, total: int, context: BaseContext | None
) -> Iterator[Callable[[str], None]]:
    """Carry a build's steps to `listener`, from processes forked from `context` (or from
    this one, without), and yield the function that says an agreement is done."""
    global _channel
    if listener is None:
        yield lambda _agreement: None
        return
    lock = threading.Lock()
    done = 0

    def tell(agreement: str, document: str) -> None:
        with lock:  # the reader thread and the build's own thread both tell
            listener(Step(agreement, document, done, total))

    def finished(agreement: str) -> None:
        nonlocal done
        with lock:
            done += 1
        tell(agreement, "")

    if context is None:
        _channel = _Direct(tell)
        try:
            yield finished
        finally:
            _channel = None
        return
    queue = context.SimpleQueue()
    reader = threading.Thread(target=_read, args=(queue, tell), daemon=True)
    reader.start()
    _channel = queue
    try:
        yield finished
    finally:
        _channel = None
        queue.put(None)
        reader.join()


@dataclass(frozen=True)
class _Direct:
    """The channel of a build without workers: a step goes to the listener at once."""

    tell: Callable[[str, str], None]

    def put(self, step: tuple[str, str]) -> None:
        self.tell(*step)


def _read(queue: Any, tell: Callable[[str, str], None]) -> None:
    while (step := queue.get()) is not None:
        tell(*step)


__all__ = ["Listener", "Step", "rendering", "reporting"]
