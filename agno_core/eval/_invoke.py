"""The one place the eval calls the measured function: once, or in a timed loop.

Everything else in the package (warm-up, calibration, memory, growth) is written against
:class:`Invoker`, so sync and async functions share every measurement. Whether ``func`` is async is
decided by what its first call *returns* (an awaitable or not), not by
``inspect.iscoroutinefunction``, so a ``functools.partial`` of an async function, a lambda
returning a coroutine, or an object whose ``__call__`` returns a future all work.

Growth tracking filters out allocations made in this package's frames, **except this module's**:
when ``func`` is a C callable (``deque.append``, a ``partial`` of ``dict.update``) its allocations
have no Python frame of their own and are attributed to the line below that calls it. Keep this
module free of allocations of its own between calls.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from agno_core.eval._load import thread_ids

__all__ = ["Invoker", "looks_async", "prime", "prime_sync"]

M = TypeVar("M")


def looks_async(func: Callable[[], object]) -> bool:
    """Whether ``func`` is recognisably an async function before calling it.

    Sees through ``functools.partial`` and ``inspect.markcoroutinefunction``, and checks an
    object's ``__call__``. A False answer is not final: :func:`prime_sync` checks the result.
    """
    # An instance whose class defines ``async def __call__``.
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(type(func).__call__)


def _no_mark() -> None:
    return None


class Invoker:
    """Calls ``func`` for the measurements.

    Args:
        func: the measured callable, taking no arguments.
        is_async: whether ``func()`` returns an awaitable that must be awaited.
        threads_before: native ids of the threads that existed before the first call of
            ``func`` (None: unknown); the others are the run's own (see
            :class:`~agno_core.eval._load.SteadyClock`).
    """

    __slots__ = ("func", "is_async", "threads_before")

    def __init__(
        self,
        func: Callable[[], object],
        *,
        is_async: bool,
        threads_before: frozenset[int] | None = None,
    ) -> None:
        self.func = func
        self.is_async = is_async
        self.threads_before = threads_before

    async def call(self) -> None:
        """Call ``func`` once (awaiting its result when async), in the current task."""
        if self.is_async:
            await cast(Callable[[], Awaitable[object]], self.func)()
        else:
            self.func()

    async def traced(self) -> tuple[int, int]:
        """Call ``func`` once with tracing on: the traced bytes before it and the peak since.

        The call is made right here, not through :meth:`call`: ``tracemalloc`` walks the whole
        Python stack on every allocation (to count its frames, even when it stores one), so each
        frame between the measurement and the measured function makes every traced allocation
        dearer.

        For an async ``func``, one ``asyncio.sleep(0)`` follows the call: a task it created with
        ``asyncio.create_task`` runs up to its first real suspension, so what it allocates by
        then is seen. Tasks still waiting on I/O or timers are not awaited (they may never
        finish).
        """
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        if self.is_async:
            await cast(Callable[[], Awaitable[object]], self.func)()
            await asyncio.sleep(0)
        else:
            self.func()
        return before, tracemalloc.get_traced_memory()[1]

    async def timed(
        self,
        loops: int,
        mark: Callable[[], M] = _no_mark,  # type: ignore[assignment]
    ) -> tuple[int, int, M, M]:
        """Call ``func`` ``loops`` times back to back; return wall and CPU ns, and two marks.

        ``mark`` reads another clock (:meth:`~agno_core.eval._load.SteadyClock.mark`) just
        outside the timers, before and after; its readings are returned as they are. The loop
        for a sync function has no ``await`` in it, so no event-loop work can land inside the
        timed span; the async loop awaits each call directly, in the current task.
        """
        func = self.func
        calls = range(loops)
        if self.is_async:
            async_func = cast(Callable[[], Awaitable[object]], func)
            mark_start = mark()
            cpu_start = time.process_time_ns()
            wall_start = time.perf_counter_ns()
            for _ in calls:
                await async_func()
            wall_end = time.perf_counter_ns()
            cpu_end = time.process_time_ns()
            mark_end = mark()
        else:
            mark_start = mark()
            cpu_start = time.process_time_ns()
            wall_start = time.perf_counter_ns()
            for _ in calls:
                func()
            wall_end = time.perf_counter_ns()
            cpu_end = time.process_time_ns()
            mark_end = mark()
        return wall_end - wall_start, cpu_end - cpu_start, mark_start, mark_end


def prime_sync(func: Callable[[], object]) -> tuple[Invoker, Awaitable[Any] | None]:
    """The priming call, made from synchronous code outside any event loop.

    Returns the invoker and, when ``func`` turned out to be async, the awaitable its first call
    returned: the caller must await it (on the loop that will run the measurement), with
    :func:`prime` given this invoker's ``threads_before``.
    """
    before = thread_ids()
    result = func()
    if inspect.isawaitable(result):
        return Invoker(func, is_async=True, threads_before=before), result
    return Invoker(func, is_async=False, threads_before=before), None


async def prime(
    func: Callable[[], object],
    pending: Awaitable[Any] | None = None,
    threads_before: frozenset[int] | None = None,
) -> Invoker:
    """The priming call, made on the running loop (or finishing one :func:`prime_sync` began).

    ``threads_before``: the threads that existed before :func:`prime_sync` made the first call
    (taken here when None).
    """
    before = thread_ids() if threads_before is None else threads_before
    if pending is not None:
        await pending
        return Invoker(func, is_async=True, threads_before=before)
    result = func()
    if inspect.isawaitable(result):
        await result
        return Invoker(func, is_async=True, threads_before=before)
    return Invoker(func, is_async=False, threads_before=before)
