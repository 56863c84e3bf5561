"""One SQLAlchemy async engine per event loop, disposed when that loop shuts down or when the db
object is dropped.

Async database connections (aiosqlite's worker threads, psycopg's sockets) belong to the event
loop that opened them, and a single db object is routinely used from several loops: the sync
bridge loop, ``asyncio.run`` in a script, one loop per test in pytest-asyncio. So each loop gets
its own engine, disposed on that loop in one of two ways:

- the db object is dropped while the loop runs: its engines are disposed right away, each by a
  task on its loop (a `weakref.finalize` of the db's `EnginePerLoop` starts them);
- the loop shuts down: a guard, one tiny async generator per loop, is closed by
  ``loop.shutdown_asyncgens()`` (``asyncio.run`` and ``asyncio.Runner`` call it) and disposes
  the engines still alive on it, then waits for the disposals still in flight.

A disposal refuses ``cancel()``: ``asyncio.run`` cancels every task left when the main coroutine
returns, and a disposal cancelled halfway left a connection half-closed ("Exception closing
connection" on stderr); refused, ``asyncio.run`` waits for it (a few milliseconds). Without
disposal, aiosqlite connections outlive their loop, warn when collected, and their non-daemon
threads keep the interpreter from exiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core._sync import bridge_loop, in_bridge_thread, on_bridge_shutdown
from agno_core.db._direct import HotPath

__all__ = ["EnginePerLoop"]

_log = logging.getLogger("agno_core.db")


@dataclass(eq=False)
class _LoopEngine:
    hot: HotPath
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    disposed: bool = False

    @property
    def engine(self) -> AsyncEngine:
        """The loop's engine (made on first use: see `HotPath`)."""
        return self.hot.engine

    async def dispose(self) -> None:
        """Close the hot path's connection and dispose the engine (once)."""
        if self.disposed:
            return
        self.disposed = True
        try:
            await self.hot.close()
        finally:
            await self.hot.dispose_engine()


class _Disposal(asyncio.Task):  # type: ignore[type-arg]
    """A disposal runs to its end: ``cancel()`` is refused (see the module docstring)."""

    def cancel(self, msg: Any = None) -> bool:
        return False


@dataclass(eq=False)
class _LoopGuard:
    """What is disposed on one loop: engines alive on it, disposals in flight."""

    engines: weakref.WeakSet[_LoopEngine] = field(default_factory=weakref.WeakSet)
    in_flight: set[asyncio.Task[None]] = field(default_factory=set)
    closer: AsyncGenerator[None, None] | None = None


_guards: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopGuard] = (
    weakref.WeakKeyDictionary()
)


async def _close_on_shutdown(guard: _LoopGuard) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        for state in list(guard.engines):
            _start_disposal(guard, state)
        while guard.in_flight:
            await asyncio.gather(*list(guard.in_flight), return_exceptions=True)


async def _guard_for(loop: asyncio.AbstractEventLoop, *, closes: bool) -> _LoopGuard:
    """The loop's guard; ``closes``: it disposes what is left when the loop shuts down (not on
    the sync bridge's loop, which disposes its engines itself when it stops)."""
    guard = _guards.get(loop)
    if guard is None:
        guard = _guards[loop] = _LoopGuard()
    if closes and guard.closer is None:
        guard.closer = _close_on_shutdown(guard)
        await guard.closer.__anext__()
    return guard


def _start_disposal(guard: _LoopGuard, state: _LoopEngine) -> None:
    """Dispose ``state`` in a task of the running loop that ``guard`` waits for."""
    guard.engines.discard(state)
    if state.disposed:
        return
    task = _Disposal(state.dispose(), loop=asyncio.get_running_loop())
    guard.in_flight.add(task)
    task.add_done_callback(guard.in_flight.discard)
    task.add_done_callback(_note_failure)


def _note_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.debug("disposing a dropped db's engine failed: %r", task.exception())


def _dispose_dropped(engines: Mapping[asyncio.AbstractEventLoop, _LoopEngine]) -> None:
    """The db object is gone: dispose its engines, each on its own loop (any thread may run
    this, the garbage collector's)."""
    for loop, state in list(engines.items()):
        guard = _guards.get(loop)
        if guard is None or state.disposed or loop.is_closed():
            continue
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(_start_disposal, guard, state)


class EnginePerLoop:
    """Creates, caches and disposes one engine per running event loop.

    The engine itself is made by the loop's `HotPath` when first needed: ``hot_path`` gets a
    function that makes it.
    """

    def __init__(
        self,
        factory: Callable[[], AsyncEngine],
        hot_path: Callable[[Callable[[], AsyncEngine]], HotPath] = HotPath,
    ) -> None:
        # Weak references to the db's methods: nothing here refers back to the db or forms a
        # cycle, so a db object the program drops while its loop runs is freed at once, and
        # the finalizer disposes its engines on their loops right away. (Collected in a cycle,
        # a held connection was freed with its engine undisposed: "non-checked-in connection".)
        self._factory = _weak(factory)
        self._hot_path = _weak(hot_path)
        self._engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEngine] = (
            weakref.WeakKeyDictionary()
        )
        weakref.finalize(self, _dispose_dropped, self._engines)

    async def get(self) -> _LoopEngine:
        """The running loop's engine and hot path (created on first use), and a private lock."""
        loop = asyncio.get_running_loop()
        state = self._engines.get(loop)
        if state is None:
            state = _LoopEngine(hot=self._hot_path()(_maker(self._factory)))
            self._engines[loop] = state
            on_bridge = in_bridge_thread() and loop is bridge_loop()
            if on_bridge:
                on_bridge_shutdown(state.dispose)
            guard = await _guard_for(loop, closes=not on_bridge)
            guard.engines.add(state)
        return state

    async def dispose_current(self) -> None:
        """Dispose the running loop's engine now (a later call makes a new one)."""
        loop = asyncio.get_running_loop()
        state = self._engines.pop(loop, None)
        if state is not None:
            guard = _guards.get(loop)
            if guard is not None:
                guard.engines.discard(state)
            await state.dispose()


def _maker(factory: Callable[[], Callable[[], AsyncEngine]]) -> Callable[[], AsyncEngine]:
    # Refers to the weak resolver only: a loop's hot path holds no reference back to the db.
    return lambda: factory()()


def _weak(function: Callable[..., Any]) -> Callable[[], Callable[..., Any]]:
    """A callable giving ``function`` back; weak when it is a bound method."""
    if hasattr(function, "__self__") and hasattr(function, "__func__"):
        method = weakref.WeakMethod(function)

        def resolve() -> Callable[..., Any]:
            bound = method()
            if bound is None:  # pragma: no cover - the db is alive while it calls us
                raise RuntimeError("the db object was garbage-collected")
            return bound

        return resolve
    return lambda: function
