"""Accuracy of the cheap growth measurement: sizes, lines, callers, no false leaks.

Measured iterations are traced one frame deep and growth sites come from two line snapshots;
these tests pin what that must not lose (see ``agno_core.eval._growth``).
"""

from __future__ import annotations

import inspect
import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agno_core.eval.performance import PerformanceEval, PerformanceResult

KIB = 1024
LEAK = 4 * KIB

_kept: list[object] = []
_calls = [0]


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    _kept.clear()
    _calls[0] = 0
    yield
    _kept.clear()


def _line_of(func: Callable[..., object], marker: str) -> int:
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, text in enumerate(lines) if marker in text)


def _keep(size: int) -> None:
    _kept.append(bytearray(size))  # leak-line


def leak_through_helper() -> None:
    _keep(LEAK)  # caller-line


def leak_every_other_call() -> None:
    _calls[0] += 1
    if _calls[0] % 2:
        _kept.append(bytearray(2 * LEAK))  # odd-line


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None
        self.payload = bytearray(KIB)


def churn_with_cycles() -> None:
    # Allocates ~200 KiB in reference cycles and small objects, keeps nothing.
    nodes = [_Node() for _ in range(200)]
    for node, other in itertools.pairwise(nodes):
        node.other = other
        other.other = node
    text = " ".join(str(i) for i in range(2000))
    del nodes, text


def growth(func: Callable[[], object], **overrides: object) -> PerformanceResult:
    settings: dict[str, object] = {
        "measure_runtime": False,
        "num_iterations": 10,
        "warmup_runs": 1,
        "memory_growth_tracking": True,
    }
    settings.update(overrides)
    return PerformanceEval(func=func, **settings).run()  # type: ignore[arg-type]


def test_small_leak_size_within_5_percent_and_its_line_first() -> None:
    result = growth(leak_through_helper)

    assert result.avg_growth_per_iteration == pytest.approx(LEAK, rel=0.05)
    top = result.growth_sites[0]
    assert (top.filename, top.lineno) == (__file__, _line_of(_keep, "leak-line"))
    assert top.size_diff == pytest.approx(LEAK * 10, rel=0.05)
    assert top.count_diff >= 10  # the bytearray and its buffer: two blocks per leak


def test_the_deep_last_iteration_gives_the_callers_of_the_top_site() -> None:
    result = growth(leak_through_helper)

    traceback = result.growth_sites[0].traceback
    assert traceback[0] == f"{__file__}:{_line_of(_keep, 'leak-line')}"
    assert traceback[1] == f"{__file__}:{_line_of(leak_through_helper, 'caller-line')}"
    assert len(result.growth_per_iteration) == 10
    # Traced deep or not, the last iteration measures the same growth.
    assert result.growth_per_iteration[-1] == pytest.approx(LEAK, rel=0.05)


def test_intermittent_leak_is_averaged_and_named() -> None:
    result = growth(leak_every_other_call, warmup_runs=0)

    assert result.avg_growth_per_iteration == pytest.approx(LEAK, rel=0.05)
    sizes = sorted(result.growth_per_iteration)
    assert sizes[4] < KIB and sizes[5] == pytest.approx(2 * LEAK, rel=0.05)
    top = result.growth_sites[0]
    assert (top.filename, top.lineno) == (__file__, _line_of(leak_every_other_call, "odd-line"))
    # Whether or not the deep last iteration leaked, the site's own line comes first.
    assert top.traceback[0] == f"{__file__}:{top.lineno}"


def test_cycles_and_churn_are_no_false_leak() -> None:
    result = growth(churn_with_cycles, measure_memory=True)

    assert result.median_memory_usage * 1024 > 150  # it did allocate (MiB -> KiB)
    assert abs(result.avg_growth_per_iteration) < 512
    assert all(site.size_diff < 2 * KIB for site in result.growth_sites)


def test_growth_tracking_calls_only_priming_and_iterations() -> None:
    def count() -> None:
        _calls[0] += 1

    growth(count, warmup_runs=0, num_iterations=4)

    # The priming call and 4 measured iterations.
    assert _calls[0] == 1 + 4


def test_a_leak_is_named_without_an_extra_call() -> None:
    result = growth(leak_through_helper, warmup_runs=0, num_iterations=4)

    # The priming call and 4 measured iterations (the last one traced deep names the callers).
    assert len(_kept) == 5
    assert result.growth_sites[0].size_diff == pytest.approx(4 * LEAK, rel=0.05)


def test_measured_calls_are_traced_one_frame_deep() -> None:
    limits: list[int] = []

    def observe() -> None:
        if tracemalloc.is_tracing():
            limits.append(tracemalloc.get_traceback_limit())

    PerformanceEval(func=observe, measure_runtime=False, num_iterations=3, warmup_runs=0).run()

    assert limits == [1, 1, 1]
    assert not tracemalloc.is_tracing()


def test_growth_with_pre_started_deep_tracing_keeps_its_limit() -> None:
    tracemalloc.start(7)
    try:
        result = growth(leak_through_helper, num_iterations=5)
        assert tracemalloc.is_tracing()
        assert tracemalloc.get_traceback_limit() == 7
    finally:
        tracemalloc.stop()

    assert result.avg_growth_per_iteration == pytest.approx(LEAK, rel=0.05)
    assert (
        result.growth_sites[0]
        .traceback[1]
        .endswith(f":{_line_of(leak_through_helper, 'caller-line')}")
    )


def test_retained_and_growth_agree() -> None:
    result = growth(leak_through_helper, measure_memory=True)

    assert result.growth_per_iteration == result.retained_memory_per_call


async def test_leak_next_to_an_agent_run_on_the_mock(agent: Any, mock_model: Any) -> None:
    mock_model.keep_requests = 0
    size = 64 * KIB

    async def run_and_leak() -> None:
        await agent.arun("hi")
        _kept.append(bytearray(size))  # agent-leak-line

    result = await PerformanceEval(
        func=run_and_leak, num_iterations=8, warmup_runs=2, memory_growth_tracking=True
    ).arun()

    assert result.avg_growth_per_iteration == pytest.approx(size, rel=0.05)
    top = result.growth_sites[0]
    assert top.lineno == _line_of(run_and_leak, "agent-leak-line")
    assert top.size_diff == pytest.approx(8 * size, rel=0.05)
