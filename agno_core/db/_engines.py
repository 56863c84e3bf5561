"""One SQLAlchemy async engine per event loop, disposed when that loop shuts down.

Async database connections (aiosqlite's worker threads, psycopg's sockets) belong to the event
loop that opened them, and a single db object is routinely used from several loops: the sync
bridge loop, ``asyncio.run`` in a script, one loop per test in pytest-asyncio. So each loop gets
its own engine. To dispose it when the loop ends, a tiny async generator is started on that loop:
``asyncio.run`` and ``asyncio.Runner`` close every live async generator on shutdown
(``loop.shutdown_asyncgens()``), and its ``finally`` disposes the engine. Without this, aiosqlite
connections outlive their loop, warn when collected, and their non-daemon threads keep the
interpreter from exiting.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core._sync import bridge_loop, in_bridge_thread, on_bridge_shutdown
from agno_core.db._direct import HotPath

__all__ = ["EnginePerLoop"]


@dataclass(slots=True)
class _LoopEngine:
    hot: HotPath
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def engine(self) -> AsyncEngine:
        """The loop's engine (made on first use: see `HotPath`)."""
        return self.hot.engine

    async def dispose(self) -> None:
        try:
            await self.hot.close()
        finally:
            await self.hot.dispose_engine()


async def _dispose_on_close(state: _LoopEngine) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await state.dispose()


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
        # Weak references to the db's methods, and the finalizer generators kept apart from
        # the engines they dispose: nothing here refers back to the db or forms a cycle, so a
        # db object the program drops while its loop runs is freed at once, and its
        # finalizers, freed with it, dispose its engines on their loops right away. (In a
        # cycle they waited for the garbage collector, and a held connection collected with
        # its engine undisposed warned "non-checked-in connection".)
        self._factory = _weak(factory)
        self._hot_path = _weak(hot_path)
        self._engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEngine] = (
            weakref.WeakKeyDictionary()
        )
        self._finalizers: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, AsyncGenerator[None, None]
        ] = weakref.WeakKeyDictionary()

    async def get(self) -> _LoopEngine:
        """The running loop's engine and hot path (created on first use), and a private lock."""
        loop = asyncio.get_running_loop()
        state = self._engines.get(loop)
        if state is None:
            state = _LoopEngine(hot=self._hot_path()(_maker(self._factory)))
            self._engines[loop] = state
            if in_bridge_thread() and loop is bridge_loop():
                on_bridge_shutdown(state.dispose)
            else:
                finalizer = _dispose_on_close(state)
                self._finalizers[loop] = finalizer
                await finalizer.__anext__()
        return state

    async def dispose_current(self) -> None:
        """Dispose the running loop's engine now (a later call makes a new one)."""
        loop = asyncio.get_running_loop()
        state = self._engines.pop(loop, None)
        finalizer = self._finalizers.pop(loop, None)
        if finalizer is not None:
            await finalizer.aclose()
        elif state is not None:
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
