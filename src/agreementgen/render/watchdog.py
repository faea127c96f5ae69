"""A watchdog on each render of a template: at most RENDER_SECONDS, RENDER_MEMORY more memory.

Loops in loops make no large value, only time and many small ones, so the size bounds of
`agreementgen.render.bounds` cannot stop them; a timer can.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from agreementgen.language import tr
from agreementgen.render.bounds import TemplateBound, thousands

# One render of a template (an HTML page, a Word file) takes under a second, the first one
# compiling the template included, and grows the process by under a megabyte: ten seconds leave
# room for a slow and busy machine, and half a gigabyte for a page of photos at MAX_LENGTH
# (held two or three times over while it is written), but neither leaves room for a render
# that never ends or that fills the memory, on one core or on each of many.
RENDER_SECONDS = 10.0
RENDER_MEMORY = 512 << 20
# How often the watchdog looks at the clock and at the memory during a render: reading the
# memory costs microseconds, and a Python loop grows it by a few megabytes in that time.
WATCH_INTERVAL = 0.02


@contextlib.contextmanager
def watched_render() -> Iterator[None]:
    """Bound the wall time (RENDER_SECONDS) and the memory growth (RENDER_MEMORY) of a render.

    A timer interrupts the render every WATCH_INTERVAL seconds to look at the clock and at the
    process's memory, and raises TemplateBound in it when either is over: the error then comes
    from the line of the template being run. Only the main thread gets signals, so elsewhere,
    and where there is no setitimer, the render runs unwatched, bounded by the sizes alone. A
    handler and a timer that were set before are set again afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    watch = _Watch(RENDER_SECONDS, RENDER_MEMORY)
    handler = signal.signal(signal.SIGALRM, watch.look)
    timer = signal.setitimer(signal.ITIMER_REAL, WATCH_INTERVAL, WATCH_INTERVAL)
    try:
        yield
    finally:
        watch.done = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        _give_back(handler, timer, time.monotonic() - watch.started)


def _give_back(handler: Any, timer: tuple[float, float], elapsed: float) -> None:
    """Set the SIGALRM handler and the timer that were there before a render again; the timer
    goes on less the time the render took (at once, if that was longer)."""
    signal.signal(signal.SIGALRM, handler if handler is not None else signal.SIG_DFL)
    if timer[0]:
        signal.setitimer(signal.ITIMER_REAL, max(timer[0] - elapsed, 1e-6), timer[1])


@dataclass
class _Watch:
    """The bounds of one render (`seconds` from now, `memory` bytes over the process's memory
    now), and until when the watchdog keeps quiet after it raised."""

    seconds: float
    memory: int
    started: float = field(init=False)
    ceiling: int = field(init=False)
    quiet_until: float = 0.0
    done: bool = False

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.ceiling = _memory() + self.memory

    def look(self, _signum: int, _frame: FrameType | None) -> None:
        """The timer's handler: raise TemplateBound in the render when it is over a bound.

        The signal may come while a finalizer or a garbage collector's callback runs, which
        swallow what they raise: so the error is raised again, a while later, for as long as
        the render goes on.
        """
        now = time.monotonic()
        if self.done or now < self.quiet_until:
            return
        if now > self.started + self.seconds:
            over = tr("rendering took longer than {seconds:g} seconds").format(seconds=self.seconds)
        elif _memory() > self.ceiling:
            over = tr("rendering took more than {memory} MiB of memory").format(
                memory=thousands(self.memory // 2**20)
            )
        else:
            return
        self.quiet_until = now + _AGAIN
        raise TemplateBound(over)


# How long the watchdog lets a render end after it raised, before it raises again.
_AGAIN = 0.5


def _memory() -> int:
    """The process's resident memory in bytes (where /proc is missing, its peak so far)."""
    try:
        pages = int(Path("/proc/self/statm").read_bytes().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) * (1 if sys.platform == "darwin" else 1024)
