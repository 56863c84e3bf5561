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

from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core._sync import bridge_loop, in_bridge_thread, on_bridge_shutdown

__all__ = ["EnginePerLoop"]


@dataclass(slots=True)
class _LoopEngine:
    engine: AsyncEngine
    finalizer: AsyncGenerator[None, None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def _dispose_on_close(engine: AsyncEngine) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await engine.dispose()


class EnginePerLoop:
    """Creates, caches and disposes one engine per running event loop."""

    def __init__(self, factory: Callable[[], AsyncEngine]) -> None:
        self._factory = factory
        self._engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEngine] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self) -> tuple[AsyncEngine, asyncio.Lock]:
        """The running loop's engine (created on first use) and a lock private to it."""
        loop = asyncio.get_running_loop()
        state = self._engines.get(loop)
        if state is None:
            state = _LoopEngine(engine=self._factory())
            self._engines[loop] = state
            if in_bridge_thread() and loop is bridge_loop():
                on_bridge_shutdown(state.engine.dispose)
            else:
                state.finalizer = _dispose_on_close(state.engine)
                await state.finalizer.__anext__()
        return state.engine, state.lock

    async def dispose_current(self) -> None:
        """Dispose the running loop's engine now (a later call makes a new one)."""
        state = self._engines.pop(asyncio.get_running_loop(), None)
        if state is not None:
            if state.finalizer is not None:
                await state.finalizer.aclose()
            else:
                await state.engine.dispose()
