"""The bounded scheduler behind background runs."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Coroutine
from typing import Any

__all__ = ["BackgroundScheduler"]


class BackgroundScheduler:
    """Runs background runs as tasks, at most ``limit`` at a time per event loop.

    Runs beyond the limit wait for a slot (inside the run, so a queued run stays PENDING and can
    be cancelled while it waits). The scheduler keeps strong references to its tasks, so a
    background run is never garbage-collected mid-flight.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the background concurrency limit must be at least 1")
        self.limit = limit
        self._per_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[asyncio.Semaphore, set[asyncio.Task[Any]]]
        ] = weakref.WeakKeyDictionary()

    def _state(self) -> tuple[asyncio.Semaphore, set[asyncio.Task[Any]]]:
        loop = asyncio.get_running_loop()
        state = self._per_loop.get(loop)
        if state is None:
            state = (asyncio.Semaphore(self.limit), set())
            self._per_loop[loop] = state
        return state

    @property
    def semaphore(self) -> asyncio.Semaphore:
        """The running loop's slot semaphore."""
        return self._state()[0]

    def submit(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        tasks = self._state()[1]
        task = asyncio.get_running_loop().create_task(coro, name=name)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    def pending_tasks(self) -> list[asyncio.Task[Any]]:
        return [t for t in self._state()[1] if not t.done()]

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until every background run on this loop has ended.

        Raises:
            TimeoutError: when ``timeout`` seconds pass first.
        """
        async with asyncio.timeout(timeout):
            while tasks := self.pending_tasks():
                await asyncio.wait(tasks)
