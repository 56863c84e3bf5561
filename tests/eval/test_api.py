"""The public surface: exports, Agno's parameters, sync/async entry points, awaitable detection."""

from __future__ import annotations

import asyncio
import functools
import threading
import uuid
from typing import Any

import pytest

import agno_core.eval
import agno_core.eval.performance
from agno_core.eval.performance import PerformanceEval, PerformanceResult


def test_exports_are_sorted_and_identical() -> None:
    exported = agno_core.eval.performance.__all__

    # isort-style, as ruff's RUF022 keeps it: constants, then classes, then functions.
    assert exported == sorted(exported, key=lambda name: (not name.isupper(), name))
    assert agno_core.eval.__all__ == exported
    for name in exported:
        assert getattr(agno_core.eval, name) is getattr(agno_core.eval.performance, name)
    assert {"PerformanceEval", "PerformanceResult"} <= set(exported)


def test_agno_defaults() -> None:
    evaluation = PerformanceEval(func=lambda: None)

    assert evaluation.name is None
    assert evaluation.measure_runtime and evaluation.measure_memory
    assert (evaluation.num_iterations, evaluation.warmup_runs) == (10, 10)
    assert not evaluation.memory_growth_tracking
    assert evaluation.top_n_memory_allocations == 5
    assert not (evaluation.debug_mode or evaluation.print_summary or evaluation.print_results)
    assert evaluation.db is None and evaluation.file_path_to_save_results is None
    assert uuid.UUID(evaluation.eval_id).version == 4
    assert evaluation.telemetry is True
    assert evaluation.result is None
    assert PerformanceEval(func=lambda: None).eval_id != evaluation.eval_id


def test_func_may_be_positional() -> None:
    assert PerformanceEval(print, num_iterations=2).num_iterations == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"num_iterations": 0}, "num_iterations"),
        ({"warmup_runs": -1}, "warmup_runs"),
        ({"top_n_memory_allocations": -1}, "top_n_memory_allocations"),
    ],
)
def test_invalid_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PerformanceEval(func=lambda: None, **settings)


def test_func_must_be_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        PerformanceEval(func=42)  # type: ignore[arg-type]


class Counter:
    def __init__(self) -> None:
        self.sync_calls = 0
        self.async_calls = 0
        self.threads: set[int] = set()

    def sync(self) -> None:
        self.sync_calls += 1

    async def run(self, delay: float = 0) -> None:
        await asyncio.sleep(delay)
        self.async_calls += 1
        self.threads.add(threading.get_ident())


def quick(func: Any, **overrides: Any) -> PerformanceEval:
    settings: dict[str, Any] = {"num_iterations": 2, "warmup_runs": 1}
    settings.update(overrides)
    return PerformanceEval(func=func, **settings)


def expected_calls(result: PerformanceResult) -> int:
    """Priming + warm-up + timed calls + memory-measured calls (calibration aside)."""
    timed = len(result.run_times) * result.calls_per_sample
    return 1 + result.warmup_runs + timed + len(result.memory_usages)


def test_async_function_from_run() -> None:
    counter = Counter()

    result = quick(counter.run).run()

    assert counter.async_calls >= expected_calls(result)
    assert len(result.run_times) == 2 and len(result.memory_usages) == 2


async def test_async_function_from_arun_runs_in_this_thread() -> None:
    counter = Counter()

    result = await quick(counter.run).arun()

    assert counter.async_calls >= expected_calls(result)
    assert counter.threads == {threading.get_ident()}


async def test_sync_function_from_arun() -> None:
    counter = Counter()

    result = await quick(counter.sync).arun()

    assert counter.sync_calls >= expected_calls(result)


@pytest.mark.parametrize("entry", ["run", "arun"])
async def test_partial_of_async_function(entry: str) -> None:
    counter = Counter()
    evaluation = quick(functools.partial(counter.run, 0.001))

    result = evaluation.run() if entry == "run" else await evaluation.arun()

    assert counter.async_calls >= expected_calls(result)
    assert result.median_run_time >= 0.001  # the coroutine was awaited, not just created


@pytest.mark.parametrize("entry", ["run", "arun"])
async def test_lambda_returning_a_coroutine(entry: str) -> None:
    counter = Counter()
    evaluation = quick(lambda: counter.run(0.001))

    result = evaluation.run() if entry == "run" else await evaluation.arun()

    assert counter.async_calls >= expected_calls(result)
    assert result.median_run_time >= 0.001


def test_object_with_async_call() -> None:
    class Job:
        calls = 0

        async def __call__(self) -> None:
            await asyncio.sleep(0)
            Job.calls += 1

    result = quick(Job()).run()

    assert Job.calls >= expected_calls(result)


async def test_run_inside_a_running_loop_uses_a_worker_thread() -> None:
    counter = Counter()

    result = quick(counter.run, memory_growth_tracking=True).run()

    assert counter.async_calls >= expected_calls(result)
    assert threading.get_ident() not in counter.threads
    assert len(result.growth_per_iteration) == 2


async def test_run_inside_a_running_loop_measures_sync_functions_here() -> None:
    threads: set[int] = set()

    quick(lambda: threads.add(threading.get_ident())).run()

    assert threads == {threading.get_ident()}


def test_sync_function_runs_with_no_event_loop() -> None:
    # run() steps the measurement without a loop, so the function may start its own.
    async def work() -> int:
        return 1

    seen: list[int] = []
    result = quick(lambda: seen.append(asyncio.run(work()))).run()

    assert len(seen) >= expected_calls(result)


def test_exceptions_propagate_from_run_and_arun() -> None:
    async def fails() -> None:
        raise KeyError("nope")

    with pytest.raises(KeyError, match="nope"):
        quick(fails).run()
    with pytest.raises(KeyError, match="nope"):
        asyncio.run(quick(fails).arun())
