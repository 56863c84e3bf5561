"""Runtime comparisons that machine load cannot fail: steady time over a reference workload."""

from __future__ import annotations

import pytest

from agno_core.eval._load import SteadyClock, reference_work
from agno_core.eval.performance import PerformanceEval, PerformanceResult

SAMPLES = [1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00, 1.01, 0.99]
REFERENCE = [0.1, 0.101, 0.099, 0.1, 0.1, 0.102, 0.098, 0.1, 0.1, 0.1]


def timed(
    scale: float = 1.0,
    *,
    slowdown: float = 1.0,
    wall_scale: float | None = None,
    reference: bool = True,
) -> PerformanceResult:
    """A result whose machine is ``scale`` times slower and whose code ``slowdown`` times."""
    steady = [ms * 1e-3 * scale * slowdown for ms in SAMPLES]
    wall = [value * (wall_scale or 1.0) for value in steady]
    return PerformanceResult(
        run_times=wall,
        cpu_times=steady,
        steady_times=steady if reference else [],
        reference_times=[ms * 1e-3 * scale for ms in REFERENCE] if reference else [],
        steady_clock="schedstat",
    )


def test_a_machine_twice_as_slow_is_no_regression() -> None:
    comparison = timed(2.0, wall_scale=1.5).compare(timed())

    assert comparison.ok
    assert comparison["median_run_time"].basis == "reference"
    assert comparison["median_run_time"].verdict == "unchanged"
    assert comparison["p95_run_time"].verdict == "unchanged"


def test_a_25_percent_slowdown_is_a_regression_on_a_loaded_machine() -> None:
    comparison = timed(1.7, slowdown=1.25).compare(timed())

    item = comparison["median_run_time"]
    assert item.verdict == "regression"
    assert item.relative_change == pytest.approx(0.25, rel=0.02)
    # Shown in the baseline machine's seconds (the baseline's median reference times the ratio),
    # as the lower quartile of the samples; no load allowance: the run did not wait for a CPU.
    assert item.statistic == "p25"
    assert item.load_allowance == 0.0
    assert item.baseline == pytest.approx(0.99e-3, rel=0.01)
    assert item.current == pytest.approx(1.25 * 0.99e-3, rel=0.02)


def test_without_reference_samples_wall_time_is_compared() -> None:
    comparison = timed(2.0, reference=False).compare(timed())

    assert comparison["median_run_time"].basis == "wall"
    assert comparison["median_run_time"].verdict == "regression"


def test_different_clocks_fall_back_to_wall_time() -> None:
    current = timed()
    current.steady_clock = "cpu"

    assert current.compare(timed())["median_run_time"].basis == "wall"


def test_memory_metrics_say_their_basis() -> None:
    result = PerformanceResult(peak_memory_usages=[1000, 1010, 990], memory_usages=[0.001] * 3)

    assert result.compare(result)["median_peak_memory"].basis == "memory"


def test_a_measured_result_carries_steady_and_reference_samples() -> None:
    result = PerformanceEval(
        func=lambda: reference_work(5_000), num_iterations=6, warmup_runs=1, measure_memory=False
    ).run()

    assert len(result.steady_times) == len(result.reference_times) == len(result.run_times) == 6
    assert result.steady_clock in ("schedstat", "cpu")
    assert all(value > 0 for value in result.reference_times)
    assert all(
        steady <= wall * 1.01 + 1e-6
        for steady, wall in zip(result.steady_times, result.run_times, strict=True)
    )
    assert result.compare(result)["median_run_time"].basis == "reference"


def test_round_trip_keeps_the_load_samples() -> None:
    result = timed()

    again = PerformanceResult.from_dict(result.to_dict())

    assert again.steady_times == result.steady_times
    assert again.reference_times == result.reference_times
    assert again.steady_clock == "schedstat"


def test_the_real_clock_reads_this_process() -> None:
    clock = SteadyClock()
    try:
        start = clock.mark()
        reference_work(2)
        end = clock.mark()
        if clock.kind == "schedstat":
            assert end.run_ns >= start.run_ns and end.wait_ns >= start.wait_ns >= 0
        assert clock.reference_ns() > 0
    finally:
        clock.close()


def test_only_the_on_cpu_part_is_rescaled_by_the_reference() -> None:
    def sleeper(reference_ms: float) -> PerformanceResult:
        return PerformanceResult(
            run_times=[5e-3] * 5,
            cpu_times=[0.1e-3] * 5,
            steady_times=[5e-3] * 5,
            reference_times=[reference_ms * 1e-3] * 5,
            steady_clock="schedstat",
        )

    # A sleep takes as long on a CPU twice as slow: no improvement, no regression.
    item = sleeper(0.2).compare(sleeper(0.1))["median_run_time"]

    assert item.verdict == "unchanged"
    assert item.current == pytest.approx(4.95e-3, rel=0.001)  # only 0.1 ms on a CPU, halved
