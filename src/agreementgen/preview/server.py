"""`agreementgen serve`: the preview on 127.0.0.1, following the agreement folder as it is saved.

Three threads share the work. uvicorn serves the web app on a thread of its own; watchfiles
watches the agreement folder (and its own templates folder) on another; and every render, the
refreshes and the downloads alike, runs on the main thread, one at a time. Renders run there
because only the main thread gets the signals that bound a template's time
(`agreementgen.render.watchdog`). Ctrl-C (or SIGTERM) reaches the main thread, which ends the
event streams, stops the server and the watcher, and returns.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
import watchfiles

from agreementgen.errors import AgreementError, InputError, display_path
from agreementgen.language import tr
from agreementgen.preview.app import Hub, create_app
from agreementgen.preview.state import Preview
from agreementgen.processes import signals_as_interrupts
from agreementgen.source.folder import find_agreements
from agreementgen.source.names import AGREEMENT_FILE

logger = logging.getLogger(__name__)

T = TypeVar("T")
HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# How long watchfiles waits for a save to be over (no further change for STEP ms), and at most.
STEP_MS = 50
DEBOUNCE_MS = 400
# How long Ctrl-C waits for the server's thread to end.
STOP_SECONDS = 5.0


def agreement_folder(path: Path | None) -> Path:
    """The one agreement folder `path` names: the folder, its agreement.yaml, or a folder
    holding one agreement folder; without `path`, the current folder when it is one, else the
    one agreement under agreements/.

    Raises:
        InputError: `path` does not exist, or holds no agreement.
        AgreementError: it holds several: the preview shows one.
    """
    if path is None and Path(AGREEMENT_FILE).exists():
        path = Path()
    folders, problems = find_agreements([path] if path is not None else [])
    if problems:
        raise InputError(problems)
    if len(folders) > 1:
        names = ", ".join(display_path(folder) for folder in folders)
        raise AgreementError(
            tr(
                "{count} agreements ({names}); the preview shows one: name its folder,"
                " e.g. agreementgen serve {folder}"
            ).format(count=len(folders), names=names, folder=display_path(folders[0]))
        )
    return folders[0]


def listen(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1:`port` (0: a free port the system picks).

    Raises:
        AgreementError: the port is taken, or may not be used.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name != "nt":  # elsewhere it would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise AgreementError(
            tr(
                "cannot listen on {host}:{port}: {reason}; choose another port with"
                " --port, or --port 0 for any free one"
            ).format(host=HOST, port=port, reason=exc.strerror or exc)
        ) from exc
    return sock


class MainThread:
    """Jobs run one at a time on the thread that calls `run` (the main thread)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], concurrent.futures.Future[Any]]] = (
            queue.Queue()
        )

    def submit(self, job: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Queue `job`; its future has its result or its exception."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((job, future))
        return future

    def call(self, job: Callable[[], T]) -> asyncio.Future[T]:
        """Queue `job` from the event loop, and await its result there."""
        return asyncio.wrap_future(self.submit(job))

    def run(self, alive: Callable[[], bool]) -> None:
        """Run the queued jobs while `alive()`; Ctrl-C ends it (KeyboardInterrupt)."""
        while alive():
            try:
                job, future = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:
                future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise


def watch(preview: Preview, jobs: MainThread, stop: threading.Event) -> None:
    """Refresh the preview after each save in the folders it is made from, until `stop`.

    A save's changes are taken together; the refresh runs on the main thread, and changes
    made meanwhile are taken after it. When the agreement names another templates folder,
    watching starts again with it.
    """
    while not stop.is_set():
        paths = [path for path in preview.watch_paths() if path.exists()]
        try:
            for _changes in watchfiles.watch(
                *paths,
                stop_event=stop,
                step=STEP_MS,
                debounce=DEBOUNCE_MS,
                rust_timeout=1000,
                raise_interrupt=False,
            ):
                _wait(jobs.submit(preview.refresh), stop)
                if [p for p in preview.watch_paths() if p.exists()] != paths:
                    break
        except Exception:  # the folder went away, say: try again in a while
            logger.exception("watching %s failed; trying again", display_path(preview.folder))
            stop.wait(1.0)


def _wait(future: concurrent.futures.Future[Any], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            future.result(timeout=0.2)
        except concurrent.futures.TimeoutError:
            continue
        except Exception:  # refresh reports its own problems
            logger.exception("refresh failed")
        return


def serve(folder: Path, port: int = DEFAULT_PORT, *, ready: Callable[[str], None]) -> None:
    """Serve the preview of the agreement in `folder` on 127.0.0.1:`port` until Ctrl-C.

    `ready` is called with the URL once the server answers.

    Raises:
        AgreementError: the port cannot be used.
    """
    sock = listen(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    preview = Preview(folder)
    preview.refresh()
    jobs = MainThread()
    app = create_app(preview, run=jobs.call)
    hub: Hub = app.state.hub
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    http = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="preview-http", daemon=True
    )
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(preview, jobs, stop), name="preview-watch", daemon=True
    )
    with signals_as_interrupts():
        try:
            http.start()
            watcher.start()
            _started(server, http)
            ready(url)
            jobs.run(alive=http.is_alive)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(server, http, hub, stop, [sock])


def _started(server: uvicorn.Server, http: threading.Thread) -> None:
    """Wait until the server answers (or its thread ended)."""
    while not server.started and http.is_alive():
        time.sleep(0.02)


def _stop(
    server: uvicorn.Server,
    http: threading.Thread,
    hub: Hub,
    stop: threading.Event,
    sockets: Sequence[socket.socket],
) -> None:
    """End the event streams, then the server and the watcher."""
    try:
        stop.set()
        hub.close()
        server.should_exit = True
        http.join(STOP_SECONDS)
        if http.is_alive():
            server.force_exit = True
            http.join(1.0)
    finally:
        for sock in sockets:
            sock.close()


__all__ = ["DEFAULT_PORT", "HOST", "agreement_folder", "serve"]
