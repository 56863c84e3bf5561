"""The measurement runs on a fresh Python stack, and the measured function cannot tell."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import sys
import threading
import tracemalloc
from collections.abc import Generator
from typing import Any

import pytest

from agno_core.eval import _fresh_stack
from agno_core.eval._fresh_stack import FreshStack, call_on_fresh_stack
from agno_core.eval.performance import PerformanceEval

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


def _depth() -> int:
    frame = sys._getframe(1)
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


def _nested(levels: int, func: Any) -> Any:
    return func() if levels == 0 else _nested(levels - 1, func)


@pytest.fixture(params=["greenlet", "no greenlet"])
def fresh(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each behaviour holds with greenlet and without it (everything on the caller's stack)."""
    if request.param == "no greenlet":
        monkeypatch.setattr(_fresh_stack, "greenlet", None)
    return str(request.param)


def test_the_measured_function_runs_above_none_of_the_callers_frames() -> None:
    # Under pytest the test function alone has 30-odd frames under it; 40 more are added here.
    depths: list[int] = []

    def measured() -> None:
        depths.append(_depth())

    caller_depth = _nested(40, _depth)
    _nested(40, lambda: PerformanceEval(func=measured, num_iterations=2, warmup_runs=0).run())
    assert caller_depth > 40
    # The priming call (which finds out whether the function is async) is made where the eval
    # was called; every measured call after it (runtime and memory phases) has only the
    # measurement's own few frames under it.
    assert depths[0] > 40
    assert depths[1:] and max(depths[1:]) <= 6, (depths, caller_depth)


async def test_an_async_measured_function_runs_above_none_of_the_callers_frames() -> None:
    depths: list[int] = []

    async def measured() -> None:
        depths.append(_depth())

    caller_depth = _depth()
    await PerformanceEval(func=measured, num_iterations=2, warmup_runs=0).arun()
    # The priming call runs in the caller's task as it is; the measured calls do not.
    measured_depths = depths[1:]
    assert measured_depths and max(measured_depths) <= 7 < caller_depth, (depths, caller_depth)


def test_same_thread_same_context_and_thread_bound_objects(fresh: str) -> None:
    conn = sqlite3.connect(":memory:")  # refuses other threads
    seen: list[tuple[int, str]] = []

    def measured() -> None:
        conn.execute("select 1").fetchone()
        seen.append((threading.get_ident(), VAR.get()))
        VAR.set("set by the measured function")

    token = VAR.set("caller's value")
    try:
        PerformanceEval(func=measured, num_iterations=2, warmup_runs=0).run()
        # What the function set is seen by the caller afterwards: the same context, not a copy.
        assert VAR.get() == "set by the measured function"
    finally:
        VAR.reset(token)
        conn.close()
    assert seen[0] == (threading.get_ident(), "caller's value")
    assert {ident for ident, _ in seen} == {threading.get_ident()}


def test_an_exception_comes_back_as_it_was_raised(fresh: str) -> None:
    class Boom(Exception):
        pass

    def fail(value: int) -> int:
        raise Boom(value)

    with pytest.raises(Boom) as caught:
        call_on_fresh_stack(fail, 7)
    assert caught.value.args == (7,)
    assert call_on_fresh_stack(lambda value: value * 2, 21) == 42


async def test_fresh_stack_is_awaited_like_the_coroutine(fresh: str) -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    async def body() -> tuple[str, bool]:
        future = loop.create_future()
        loop.call_soon(future.set_result, "from a future")
        value = await future
        await asyncio.sleep(0)  # a bare yield to the loop
        VAR.set("set inside")
        return value, asyncio.current_task() is task

    assert await FreshStack(body()) == ("from a future", True)
    assert VAR.get() == "set inside"


async def test_cancellation_reaches_the_coroutine_and_comes_back(fresh: str) -> None:
    started = asyncio.Event()
    cleaned_up: list[str] = []

    async def body() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        finally:
            cleaned_up.append("finally ran")

    async def waiter() -> None:
        await FreshStack(body())

    task = asyncio.create_task(waiter())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned_up == ["finally ran"]


async def test_an_exception_thrown_in_and_handled_by_the_coroutine(fresh: str) -> None:
    async def body() -> str:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            return "handled"
        return "not reached"

    task = asyncio.create_task(_await(FreshStack(body())))
    await asyncio.sleep(0)
    task.cancel()
    assert await task == "handled"


async def _await(awaitable: Any) -> Any:
    return await awaitable


def test_closing_the_awaiting_generator_closes_the_coroutine(fresh: str) -> None:
    closed: list[str] = []
    loop = asyncio.new_event_loop()
    pending = loop.create_future()

    async def body() -> None:
        try:
            await pending
        finally:
            closed.append("closed")

    steps: Generator[Any, Any, Any] = FreshStack(body()).__await__()
    try:
        assert next(steps) is pending  # what the coroutine waits on reaches the task
        steps.close()
    finally:
        loop.close()
    assert closed == ["closed"]


def test_allocations_are_traced_as_made_by_the_measured_function() -> None:
    # Tracing sees through the switch: the measured line, not the eval, owns the memory.
    kept: list[bytearray] = []

    def measured() -> None:
        kept.append(bytearray(50_000))

    tracemalloc.start(1)
    try:
        result = PerformanceEval(
            func=measured,
            num_iterations=4,
            warmup_runs=0,
            measure_runtime=False,
            memory_growth_tracking=True,
        ).run()
    finally:
        tracemalloc.stop()
    assert 48_000 <= result.avg_growth_per_iteration <= 52_000
    assert result.growth_sites[0].filename == __file__
