"""Running the async core from synchronous code.

Every synchronous API (``Agent.run``, ``get_session_metrics``, ``cancel_run``, ...) runs its
coroutine on one private event loop in a daemon thread. One long-lived loop (rather than
``asyncio.run`` per call) keeps db engines and HTTP clients warm across calls, and it works the
same whether or not the caller's thread already runs an event loop (the seeds call
``agent.get_session_metrics()`` from inside ``async def main()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["bridge_loop", "iterate_sync", "on_bridge_shutdown", "run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_shutdown_hooks: list[Callable[[], Coroutine[Any, Any, None]]] = []
#: The async iterators synchronous streams (`iterate_sync`) are reading, while they are open.
_open_streams: weakref.WeakSet[Any] = weakref.WeakSet()
#: How long exit waits for the bridge loop's tasks to finish their cancellation.
_DRAIN_SECONDS = 5.0


def bridge_loop() -> asyncio.AbstractEventLoop:
    """The private loop that runs synchronous calls (started on first use)."""
    global _loop, _thread
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="agno-core-sync", daemon=True)
            thread.start()
            _loop, _thread = loop, thread
            # Runs before the interpreter joins non-daemon threads (aiosqlite's connection
            # threads are such threads): dispose what lives on the bridge loop, then stop it.
            threading._register_atexit(_shutdown)  # type: ignore[attr-defined]
        return _loop


def on_bridge_shutdown(hook: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Register a coroutine function to await on the bridge loop before it stops at exit."""
    _shutdown_hooks.append(hook)


def _shutdown() -> None:
    global _loop
    loop = _loop
    if loop is None or loop.is_closed():
        return

    async def finish() -> None:
        # A run interrupted by Ctrl-C (cancelled by run_sync) may still be storing its final
        # status: wait for the tasks being cancelled before the hooks dispose the engines they
        # write with. They are not cancelled again (that would interrupt the final write), and
        # nothing else is cancelled here: the writes they wait for run in tasks of their own.
        current = asyncio.current_task()
        cancelling = [
            task for task in asyncio.all_tasks() if task is not current and task.cancelling()
        ]
        if cancelling:
            await asyncio.wait(cancelling, timeout=_DRAIN_SECONDS)
        # A synchronous stream the program still holds (never exhausted, never closed): close
        # its run from the outside in, one stream at a time, so the run ends CANCELLED and
        # stored. Left to shutdown_asyncgens(), a run's nested generators (stream, drive,
        # lifecycle) are closed all at once, and an inner one still writing its final status
        # (a PostgreSQL round trip) made the outer one's close fail: "aclose(): asynchronous
        # generator is already running", printed at exit.
        for stream in list(_open_streams):
            with contextlib.suppress(Exception):
                await stream.aclose()
        _open_streams.clear()
        for hook in reversed(_shutdown_hooks):
            with contextlib.suppress(Exception):  # best effort at exit
                await hook()
        # As asyncio.run ends a loop: close the async generators still suspended on it (the
        # openai SDK leaves a stream's inner generators so), then let those the garbage
        # collector handed to the loop finish closing; stopped halfway, they printed "Task was
        # destroyed but it is pending!" at exit.
        with contextlib.suppress(Exception):
            await asyncio.get_running_loop().shutdown_asyncgens()
        closing = [
            task
            for task in asyncio.all_tasks()
            if task is not current and type(task.get_coro()).__name__ == "async_generator_athrow"
        ]
        if closing:
            await asyncio.wait(closing, timeout=1.0)

    with contextlib.suppress(Exception):
        asyncio.run_coroutine_threadsafe(finish(), loop).result(timeout=10)
    _shutdown_hooks.clear()  # they belonged to this loop
    loop.call_soon_threadsafe(loop.stop)
    if _thread is not None:
        _thread.join(timeout=10)
    if not loop.is_running():
        loop.close()
    _loop = None


def in_bridge_thread() -> bool:
    return _thread is not None and threading.current_thread() is _thread


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code and return its result."""
    if in_bridge_thread():
        coro.close()
        raise RuntimeError(
            "a synchronous agno_core API was called from inside a synchronous tool; "
            "use the async API (arun, aget_run_output, ...) there"
        )
    future = asyncio.run_coroutine_threadsafe(coro, bridge_loop())
    try:
        return future.result()
    except KeyboardInterrupt:
        future.cancel()
        raise


def iterate_sync(agen: AsyncIterator[T]) -> Iterator[T]:
    """Iterate an async iterator from synchronous code, one item at a time."""
    loop = bridge_loop()
    if hasattr(agen, "aclose"):
        _open_streams.add(agen)
    try:
        while True:
            try:
                yield asyncio.run_coroutine_threadsafe(_anext(agen), loop).result()
            except StopAsyncIteration:
                return
    finally:
        _open_streams.discard(agen)
        closer = getattr(agen, "aclose", None)
        # A stream still referenced when the interpreter exits is finalized after the bridge
        # loop shut down; that shutdown already closed the run's generator (the run is stored
        # CANCELLED), so there is nothing left to close, and no loop to close it on.
        if closer is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(closer(), loop).result()


async def _anext(agen: AsyncIterator[T]) -> T:
    return await agen.__anext__()
