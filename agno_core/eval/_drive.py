"""Running the async measurement from synchronous code, without distorting it.

* ``func`` is sync: the measurement coroutine never suspends, so it is stepped to completion right
  here with no event loop at all. The measured function runs exactly as it would in plain sync
  code (it may even call ``asyncio.run`` itself), and no loop work can enter a timed sample.
* ``func`` is async and no loop runs in this thread: ``asyncio.run``.
* ``func`` is async and this thread already runs a loop (``run()`` called from async code): the
  measurement runs in a worker thread with its own loop, with the caller's context variables; the
  calling thread (and its loop) blocks until it is done.

A callable that is not recognisably async (see :func:`~agno_core.eval._invoke.looks_async`) is
first called here, outside any loop; if it returns an awaitable, that awaitable is awaited first
on the loop that then runs the measurement.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from agno_core.eval._engine import Plan, measure
from agno_core.eval._fresh_stack import FreshStack, call_on_fresh_stack
from agno_core.eval._invoke import looks_async, prime, prime_sync
from agno_core.eval._result import PerformanceResult

__all__ = ["measure_async", "measure_sync", "run_on_loop", "run_without_loop"]

T = TypeVar("T")


def run_without_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to completion, with no event loop.

    The coroutine runs one frame above this function's caller's: under ``tracemalloc`` every
    frame below a traced allocation costs (see :mod:`~agno_core.eval._engine`), so
    :func:`measure_sync` inlines the same steps rather than calling this.

    Raises:
        RuntimeError: if the coroutine does suspend (it needed an event loop after all).
    """
    try:
        suspended_on = coro.send(None)
    except StopIteration as stop:
        value: T = stop.value
        return value
    coro.close()
    raise _suspended(suspended_on)


def _suspended(awaited: object) -> RuntimeError:
    return RuntimeError(f"the measurement suspended on {awaited!r} without an event loop")


def run_on_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``make()`` on a fresh event loop, in a worker thread if this thread runs one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call_on_fresh_stack(asyncio.run, make())
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="agno-core-eval") as pool:
        return pool.submit(context.run, lambda: asyncio.run(make())).result()


async def _measure_async(
    func: Callable[[], object],
    plan: Plan,
    pending: Awaitable[Any] | None,
    threads_before: frozenset[int] | None = None,
) -> PerformanceResult:
    invoker = await prime(func, pending, threads_before)
    return await FreshStack(measure(invoker, plan))


def measure_sync(func: Callable[[], object], plan: Plan) -> PerformanceResult:
    """Prime ``func`` and measure it from synchronous code."""
    if looks_async(func):
        return run_on_loop(lambda: _measure_async(func, plan, None))
    invoker, pending = prime_sync(func)
    if pending is None:
        # run_without_loop() inlined: one frame less under the traced calls.
        coro = measure(invoker, plan)
        try:
            suspended_on = call_on_fresh_stack(coro.send, None)
        except StopIteration as stop:
            result: PerformanceResult = stop.value
            return result
        coro.close()
        raise _suspended(suspended_on)
    before = invoker.threads_before
    return run_on_loop(lambda: _measure_async(func, plan, pending, before))


async def measure_async(func: Callable[[], object], plan: Plan) -> PerformanceResult:
    """Prime ``func`` and measure it on the running loop, in the current task."""
    # _measure_async() inlined: one frame less under the traced calls.
    invoker = await prime(func, None)
    return await FreshStack(measure(invoker, plan))
