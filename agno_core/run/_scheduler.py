"""The bounded scheduler behind background runs, and the process-wide cap they all share.

A background run passes two gates before it executes: its agent's (or team's) own limit
(``background_concurrency``) and one cap shared by every agent and team of the event loop
(`set_background_max_concurrency`, or ``AGNO_BACKGROUND_MAX_CONCURRENCY``, as in Agno). A run
waiting at either gate stays PENDING and can be cancelled while it waits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from collections.abc import Coroutine
from typing import Any

__all__ = [
    "DEFAULT_BACKGROUND_MAX_CONCURRENCY",
    "BackgroundScheduler",
    "RunSlot",
    "get_background_max_concurrency",
    "set_background_max_concurrency",
]

log = logging.getLogger("agno_core")

DEFAULT_BACKGROUND_MAX_CONCURRENCY = 32
_ENV = "AGNO_BACKGROUND_MAX_CONCURRENCY"
_configured: int | None = None
# One semaphore per event loop (asyncio primitives belong to a loop), with the limit it was
# made for: a changed limit applies to the runs that start waiting after the change.
_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[int, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


def get_background_max_concurrency() -> int:
    """How many background runs may execute at once per event loop, over all agents and teams.

    The value set with `set_background_max_concurrency`, else ``AGNO_BACKGROUND_MAX_CONCURRENCY``,
    else `DEFAULT_BACKGROUND_MAX_CONCURRENCY`. 0 or below means no shared cap.
    """
    if _configured is not None:
        return _configured
    raw = os.environ.get(_ENV)
    if raw is not None:
        try:
            return int(raw)
        except ValueError:
            log.warning(
                "invalid %s value %r, using the default %d",
                _ENV,
                raw,
                DEFAULT_BACKGROUND_MAX_CONCURRENCY,
            )
    return DEFAULT_BACKGROUND_MAX_CONCURRENCY


def set_background_max_concurrency(limit: int | None) -> None:
    """Set the cap on background runs executing at once per event loop, shared by all runners.

    Runs beyond it are accepted, stored PENDING and start as slots free up. Each agent's or
    team's own ``background_concurrency`` still applies too.

    Args:
        limit: The cap; 0 or below removes it; None goes back to the environment variable
            ``AGNO_BACKGROUND_MAX_CONCURRENCY`` or the default (32).
    """
    global _configured
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise TypeError(f"limit must be an int or None, not {limit!r}")
    _configured = limit


def _shared_semaphore() -> asyncio.Semaphore | None:
    limit = get_background_max_concurrency()
    if limit <= 0:
        return None
    loop = asyncio.get_running_loop()
    cached = _shared.get(loop)
    if cached is None or cached[0] != limit:
        cached = (limit, asyncio.Semaphore(limit))
        _shared[loop] = cached
    return cached[1]


class RunSlot:
    """One background run's place: its runner's slot, then one of the shared cap's.

    Every run takes the two in the same order, so no two runs can each hold what the other waits
    for. `release` gives back exactly the semaphores `acquire` took, even if the cap changed.
    """

    __slots__ = ("_held", "_own")

    def __init__(self, own: asyncio.Semaphore) -> None:
        self._own = own
        self._held: list[asyncio.Semaphore] = []

    async def acquire(self) -> None:
        await self._own.acquire()
        self._held.append(self._own)
        shared = _shared_semaphore()
        if shared is None:
            return
        try:
            await shared.acquire()
        except BaseException:  # cancelled while queued: give the runner's slot back
            self.release()
            raise
        self._held.append(shared)

    def release(self) -> None:
        while self._held:
            self._held.pop().release()


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

    def slot(self) -> RunSlot:
        """A new run's place in line, on the running loop (this runner's limit and the cap)."""
        return RunSlot(self._state()[0])

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
