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
from agno_core.db._direct import HotPath

__all__ = ["EnginePerLoop"]


@dataclass(slots=True)
class _LoopEngine:
    engine: AsyncEngine
    hot: HotPath
    finalizer: AsyncGenerator[None, None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def dispose(self) -> None:
        try:
            await self.hot.close()
        finally:
            await self.engine.dispose()


async def _dispose_on_close(state: _LoopEngine) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await state.dispose()


class EnginePerLoop:
    """Creates, caches and disposes one engine per running event loop."""

    def __init__(
        self,
        factory: Callable[[], AsyncEngine],
        hot_path: Callable[[AsyncEngine], HotPath] = HotPath,
    ) -> None:
        self._factory = factory
        self._hot_path = hot_path
        self._engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEngine] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self) -> _LoopEngine:
        """The running loop's engine and hot path (created on first use), and a private lock."""
        loop = asyncio.get_running_loop()
        state = self._engines.get(loop)
        if state is None:
            engine = self._factory()
            state = _LoopEngine(engine=engine, hot=self._hot_path(engine))
            self._engines[loop] = state
            if in_bridge_thread() and loop is bridge_loop():
                on_bridge_shutdown(state.dispose)
            else:
                state.finalizer = _dispose_on_close(state)
                await state.finalizer.__anext__()
        return state

    async def dispose_current(self) -> None:
        """Dispose the running loop's engine now (a later call makes a new one)."""
        state = self._engines.pop(asyncio.get_running_loop(), None)
        if state is not None:
            if state.finalizer is not None:
                await state.finalizer.aclose()
            else:
                await state.dispose()
