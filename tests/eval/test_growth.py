"""Growth tracking sees a steady leak, names its line, and ignores one-time allocations."""

from __future__ import annotations

import asyncio
import collections
import functools
import inspect
import logging
import re
from collections.abc import Callable, Iterator

import pytest

from agno_core.eval.performance import GrowthSite, PerformanceEval, PerformanceResult

LEAK_SIZE = 64 * 1024

_leaked: list[bytearray] = []
_leaked_deque: collections.deque[bytes] = collections.deque()
_leaked_dict: dict[int, bytes] = {}
_background: set[asyncio.Task[None]] = set()
_once: list[bytearray] = []


@pytest.fixture(autouse=True)
def _fresh_containers() -> Iterator[None]:
    for container in (_leaked, _leaked_deque, _leaked_dict, _once):
        container.clear()
    yield
    for container in (_leaked, _leaked_deque, _leaked_dict, _once):
        container.clear()


def leak() -> None:
    _leaked.append(bytearray(LEAK_SIZE))


async def async_leak() -> None:
    await asyncio.sleep(0)
    _leaked.append(bytearray(LEAK_SIZE))


async def async_leak_sized(size: int) -> None:
    _leaked.append(bytearray(size))


def leak_into_deque() -> None:
    _leaked_deque.append(bytes(LEAK_SIZE))


def leak_into_dict() -> None:
    _leaked_dict[len(_leaked_dict)] = bytes(LEAK_SIZE)


async def _append_in_background() -> None:
    _leaked.append(bytearray(LEAK_SIZE))


async def spawn_leaking_task() -> None:
    task = asyncio.create_task(_append_in_background())
    _background.add(task)
    task.add_done_callback(_background.discard)


def allocate_once() -> None:
    if not _once:
        _once.append(bytearray(1024 * 1024))


def no_leak() -> None:
    data = bytearray(LEAK_SIZE)
    del data


def leak_line(func: Callable[..., object]) -> int:
    """The line of ``func`` that allocates the leaked buffer."""
    lines, first = inspect.getsourcelines(func)
    for offset, text in enumerate(lines):
        if "(LEAK_SIZE)" in text or "(size)" in text:
            return first + offset
    raise AssertionError(f"no leaking line in {func.__name__}")


def assert_leak_measured(result: PerformanceResult, func: Callable[..., object]) -> None:
    assert len(result.growth_per_iteration) == result.num_iterations
    assert result.avg_growth_per_iteration == pytest.approx(LEAK_SIZE, rel=0.05)
    top = result.growth_sites[0]
    assert (top.filename, top.lineno) == (__file__, leak_line(func))
    assert top.size_diff == pytest.approx(LEAK_SIZE * result.num_iterations, rel=0.05)
    assert top.count_diff >= result.num_iterations
    assert top.traceback[0] == f"{__file__}:{leak_line(func)}"


def growth_eval(func: Callable[[], object], **overrides: object) -> PerformanceEval:
    settings: dict[str, object] = {
        "measure_runtime": False,
        "num_iterations": 5,
        "warmup_runs": 2,
        "memory_growth_tracking": True,
    }
    settings.update(overrides)
    return PerformanceEval(func=func, **settings)  # type: ignore[arg-type]


def test_steady_leak_is_measured_per_iteration() -> None:
    result = growth_eval(leak).run()

    assert_leak_measured(result, leak)
    assert all(size == pytest.approx(LEAK_SIZE, rel=0.05) for size in result.growth_per_iteration)


def test_leak_is_measured_without_warmup() -> None:
    result = growth_eval(leak, warmup_runs=0, num_iterations=5).run()

    assert_leak_measured(result, leak)


def test_leak_is_measured_after_runtime_samples() -> None:
    # A deque: the timed samples call it hundreds of times, and a list that long would be
    # reallocated during the iterations, counting its whole buffer once (tracemalloc never saw
    # the old one; see agno_core.eval._growth).
    result = growth_eval(
        leak_into_deque, measure_runtime=True, warmup_runs=1, num_iterations=3
    ).run()

    assert result.run_times
    assert_leak_measured(result, leak_into_deque)


async def test_async_leak() -> None:
    result = await growth_eval(async_leak, warmup_runs=0).arun()

    assert_leak_measured(result, async_leak)


def test_async_leak_from_sync_run() -> None:
    result = growth_eval(async_leak, warmup_runs=0).run()

    assert_leak_measured(result, async_leak)


async def test_partial_of_async_function_leaks() -> None:
    result = await growth_eval(functools.partial(async_leak_sized, LEAK_SIZE)).arun()

    assert_leak_measured(result, async_leak_sized)


@pytest.mark.parametrize("func", [leak_into_deque, leak_into_dict], ids=["deque", "dict"])
def test_leak_through_c_level_container(func: Callable[[], None]) -> None:
    result = growth_eval(func, warmup_runs=0).run()

    assert_leak_measured(result, func)


def test_c_callable_leak_is_attributed_to_the_call_site() -> None:
    # list.extend is C code: the ints it creates have no Python frame of their own, so they are
    # attributed to the eval's call site (which the filters keep for this reason).
    grown: list[int] = []
    func = functools.partial(grown.extend, range(10_000, 12_000))

    result = growth_eval(func, num_iterations=4).run()

    assert result.avg_growth_per_iteration > 2000 * 28
    assert result.growth_sites[0].filename.endswith("_invoke.py")


async def test_leak_in_background_task_is_seen() -> None:
    result = await growth_eval(spawn_leaking_task, warmup_runs=0).arun()

    assert_leak_measured(result, _append_in_background)


def test_one_time_allocation_is_not_growth_even_without_warmup() -> None:
    result = growth_eval(allocate_once, warmup_runs=0, num_iterations=5).run()

    assert all(abs(size) < 2048 for size in result.growth_per_iteration)
    assert result.growth_sites == []


def test_no_leak_means_no_growth() -> None:
    result = growth_eval(no_leak, num_iterations=10).run()

    assert abs(result.avg_growth_per_iteration) < 2048
    assert all(site.size_diff < 2048 for site in result.growth_sites)


def test_top_n_limits_growth_sites() -> None:
    def two_leaks() -> None:
        _leaked.append(bytearray(LEAK_SIZE))
        _leaked.append(bytearray(LEAK_SIZE // 2))

    result = growth_eval(two_leaks, top_n_memory_allocations=1).run()

    assert len(result.growth_sites) == 1
    assert result.growth_sites[0].size_diff == pytest.approx(LEAK_SIZE * 5, rel=0.05)
    assert result.avg_growth_per_iteration == pytest.approx(LEAK_SIZE * 1.5, rel=0.05)


def test_growth_is_not_tracked_by_default() -> None:
    result = PerformanceEval(func=leak, num_iterations=3, warmup_runs=0).run()

    assert result.growth_per_iteration == []
    assert result.growth_sites == []
    assert result.avg_growth_per_iteration == 0.0
    assert not result.growth_tracked


def test_growth_tracking_without_measure_memory() -> None:
    result = growth_eval(leak, measure_memory=False).run()

    assert result.memory_usages == []
    assert_leak_measured(result, leak)


def test_debug_mode_logs_growth_sites(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="agno_core.eval")

    result = growth_eval(leak, debug_mode=True, num_iterations=3).run()

    site = f"{__file__}:{leak_line(leak)}"
    messages = [record.getMessage() for record in caplog.records]
    assert all(record.name == "agno_core.eval" for record in caplog.records)
    assert sum(site in message for message in messages) >= 1 + result.num_iterations
    # The retained figure may be a few hundred bytes under the leak (an interpreter cache freed
    # meanwhile); the 5% accuracy rule applies, not an exact figure.
    grew = [
        float(match.group(1))
        for message in messages
        if (match := re.search(r"memory grew \+([0-9.]+) KiB", message))
    ]
    assert len(grew) == result.num_iterations
    assert all(value == pytest.approx(LEAK_SIZE / 1024, rel=0.05) for value in grew)


def test_debug_logs_do_not_count_as_growth(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="agno_core.eval")

    result = growth_eval(no_leak, debug_mode=True, num_iterations=5).run()

    assert caplog.records
    assert abs(result.avg_growth_per_iteration) < 2048


def test_without_debug_mode_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="agno_core.eval")

    growth_eval(leak, num_iterations=2).run()

    assert caplog.records == []


def test_growth_site_is_a_plain_value() -> None:
    site = GrowthSite(filename="a.py", lineno=3, size_diff=10, count_diff=1)

    assert site.traceback == []
