"""The preview's web app (Starlette): the index, the documents' pages and files, the events.

The paths it serves are the index `/`, the event stream `/_/events`, and `/<name>` for each
file the build would write for the agreement, by that name (`/Budget.html`, `/Budget.xlsx`):
a name is looked up among the current documents' files, never on disk, so no path leads
anywhere else. Requests whose Host is not the loopback address are refused, so that another
site cannot reach the preview by pointing its own name at 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from html import escape
from typing import Protocol, TypeVar
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from agreementgen.errors import InputError
from agreementgen.preview.pages import EVENTS, document_page, event_data, index_page
from agreementgen.preview.state import HTML, Preview

logger = logging.getLogger(__name__)

T = TypeVar("T")
LOOPBACK = ("127.0.0.1", "localhost")
NO_STORE = {"Cache-Control": "no-store"}
# A comment line on the event stream this often, so that a closed connection is noticed.
KEEP_ALIVE_SECONDS = 15.0


class Runner(Protocol):
    """Runs a blocking job (a render) away from the event loop and awaits its result."""

    def __call__(self, job: Callable[[], T], /) -> Awaitable[T]: ...


class Hub:
    """The latest event and the streams waiting for the next one, across threads.

    `publish` may be called from any thread (the preview refreshes on another); each stream
    waits on an asyncio event of its own loop, woken through that loop.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = 0
        self._data = ""
        self._closed = False
        self._waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def publish(self, data: str) -> None:
        """Make `data` the latest event and wake every stream."""
        with self._lock:
            self._version += 1
            self._data = data
        self._wake()

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._lock:
            self._closed = True
        self._wake()

    @property
    def closed(self) -> bool:
        """Whether the streams are to end."""
        return self._closed

    def latest(self) -> tuple[int, str]:
        """The latest event's number and data."""
        with self._lock:
            return self._version, self._data

    async def wait(self, seen: int, timeout: float) -> None:
        """Wait until there is an event after number `seen`, the hub closes, or `timeout`."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        waiter = (loop, event)
        with self._lock:
            if self._version != seen or self._closed:
                return
            self._waiting.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        finally:
            with self._lock:
                self._waiting.discard(waiter)

    def _wake(self) -> None:
        with self._lock:
            waiting = list(self._waiting)
        for loop, event in waiting:
            with contextlib.suppress(RuntimeError):  # its loop has closed
                loop.call_soon_threadsafe(event.set)


def create_app(
    preview: Preview,
    *,
    hub: Hub | None = None,
    run: Runner | None = None,
    allowed_hosts: Sequence[str] = LOOPBACK,
) -> Starlette:
    """The web app of `preview`.

    `hub` carries the events (one is made and fed from the preview's changes when not
    given); `run` runs the renders of downloads (default: Starlette's thread pool);
    `allowed_hosts` the Host names it answers.
    """
    if hub is None:
        hub = Hub()
        preview.on_change.append(lambda snapshot: hub.publish(event_data(snapshot)))
        hub.publish(event_data(preview.snapshot))
    runner: Runner = run or run_in_threadpool
    events_hub = hub

    async def index(_request: Request) -> Response:
        return HTMLResponse(index_page(preview.snapshot), headers=NO_STORE)

    async def events(_request: Request) -> Response:
        return StreamingResponse(
            _stream(events_hub),
            media_type="text/event-stream",
            headers={**NO_STORE, "X-Accel-Buffering": "no"},
        )

    async def file(request: Request) -> Response:
        name = str(request.path_params["name"])
        snapshot = preview.snapshot
        if name.endswith(f".{HTML}") or name not in snapshot.files():
            status, page = document_page(snapshot, name)
            return HTMLResponse(page, status_code=status, headers=NO_STORE)
        try:
            found = await runner(lambda: preview.download(name))
        except InputError as exc:
            text = "\n".join(d.format() for d in exc.diagnostics)
            return _error_page(name, text, status=422)
        except Exception as exc:
            logger.exception("internal error while rendering %s", name)
            return _error_page(name, f"internal error: {type(exc).__name__}: {exc}", status=500)
        if found is None:  # the documents changed meanwhile
            return HTMLResponse(document_page(preview.snapshot, name)[1], status_code=404)
        data, media_type = found
        disposition = "inline" if media_type in ("application/pdf", "image/png") else "attachment"
        headers = {
            **NO_STORE,
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
        }
        return Response(data, media_type=media_type, headers=headers)

    routes = [
        Route("/", index),
        Route(EVENTS, events),
        Route("/{name}", file),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.preview = preview
    app.state.hub = hub
    return app


async def _stream(hub: Hub) -> AsyncIterator[str]:
    """The event stream: the latest event at once, then each new one, until the hub closes."""
    seen = -1
    yield "retry: 1000\n\n"
    while True:
        version, data = hub.latest()
        if version != seen:
            seen = version
            yield f"data: {data}\n\n"
        else:
            yield ": keep-alive\n\n"
        if hub.closed:
            return
        await hub.wait(seen, KEEP_ALIVE_SECONDS)


def _error_page(name: str, text: str, *, status: int) -> Response:
    page = (
        '<!DOCTYPE html>\n<html lang="da">\n<head><meta charset="utf-8">'
        f"<title>{escape(name)}</title></head>\n<body>\n<h1>{escape(name)} could not be made</h1>\n"
        f'<pre>{escape(text)}</pre>\n<p><a href="./">All documents</a></p>\n</body>\n</html>\n'
    )
    return HTMLResponse(page, status_code=status, headers=NO_STORE)
