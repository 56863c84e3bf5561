"""compare(): verdicts per metric, with thresholds that account for the noise of both samples."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from agno_core.eval.performance import (
    DEFAULT_METRICS,
    Comparison,
    MetricComparison,
    PerformanceEval,
    PerformanceResult,
)

KIB = 1024


def noisy(center: float, spread: float, *, n: int = 20, seed: int = 0) -> list[float]:
    """``n`` samples spread uniformly ±``spread`` (relative) around ``center``."""
    rng = random.Random(seed)
    return [center * (1 + rng.uniform(-spread, spread)) for _ in range(n)]


def result(
    run_times: list[float],
    *,
    peaks: list[int] | None = None,
    growth: list[int] | None = None,
) -> PerformanceResult:
    peaks = peaks if peaks is not None else [10 * KIB] * len(run_times)
    return PerformanceResult(
        run_times=run_times,
        peak_memory_usages=peaks,
        memory_usages=[peak / (1024 * 1024) for peak in peaks],
        growth_per_iteration=growth if growth is not None else [0] * len(run_times),
    )


def test_identical_distributions_are_unchanged() -> None:
    baseline = result(noisy(1e-3, 0.05, seed=1))
    current = result(noisy(1e-3, 0.05, seed=1))

    comparison = current.compare(baseline)

    assert [item.metric for item in comparison.metrics] == list(DEFAULT_METRICS)
    assert all(item.verdict == "unchanged" for item in comparison.metrics)
    assert comparison.ok
    assert comparison.regressions == []


def test_same_distribution_different_draws_is_unchanged() -> None:
    baseline = result(noisy(1e-3, 0.05, seed=1))
    current = result(noisy(1e-3, 0.05, seed=2))

    assert current.compare(baseline).ok


def test_twice_as_slow_is_a_regression() -> None:
    baseline = result(noisy(1e-3, 0.05, seed=1))
    current = result(noisy(2e-3, 0.05, seed=2))

    comparison = current.compare(baseline)

    median = comparison["median_run_time"]
    assert median.verdict == "regression"
    assert median.relative_change == pytest.approx(1.0, abs=0.1)
    assert median.change == pytest.approx(1e-3, rel=0.1)
    assert comparison["p95_run_time"].verdict == "regression"
    assert comparison["median_peak_memory"].verdict == "unchanged"
    assert not comparison.ok
    assert {item.metric for item in comparison.regressions} == {"median_run_time", "p95_run_time"}


def test_twice_as_fast_is_an_improvement() -> None:
    baseline = result(noisy(2e-3, 0.05, seed=1))
    current = result(noisy(1e-3, 0.05, seed=2))

    comparison = current.compare(baseline)

    assert comparison["median_run_time"].verdict == "improvement"
    assert comparison.improvements
    assert comparison.ok


def test_overlapping_noisy_samples_are_unchanged() -> None:
    # Medians 20% apart (beyond the 10% tolerance), but both samples spread ±60%.
    baseline = result(noisy(1.0e-3, 0.6, n=10, seed=3))
    current = result(noisy(1.2e-3, 0.6, n=10, seed=4))
    assert max(baseline.run_times) > min(current.run_times)

    comparison = current.compare(baseline)

    median = comparison["median_run_time"]
    assert abs(median.relative_change or 0) > 0.10
    assert median.noise > 0
    assert median.threshold == pytest.approx(3.0 * median.noise)
    assert median.verdict == "unchanged"


def test_same_shift_with_quiet_samples_is_a_regression() -> None:
    baseline = result(noisy(1.0e-3, 0.02, n=10, seed=3))
    current = result(noisy(1.2e-3, 0.02, n=10, seed=4))

    assert current.compare(baseline)["median_run_time"].verdict == "regression"


def test_relative_tolerance() -> None:
    baseline = result([1e-3] * 10)
    current = result([1.05e-3] * 10)

    assert current.compare(baseline)["median_run_time"].verdict == "unchanged"
    tight = current.compare(baseline, rel_tolerance=0.01)["median_run_time"]
    assert tight.verdict == "regression"
    assert tight.noise == 0.0


def test_absolute_tolerances() -> None:
    baseline = result([1e-7] * 10, peaks=[100] * 10)
    current = result([3e-7] * 10, peaks=[900] * 10)

    comparison = current.compare(baseline)

    assert comparison["median_run_time"].verdict == "unchanged"  # below 1 us
    assert comparison["median_peak_memory"].verdict == "unchanged"  # below 1 KiB
    strict = current.compare(baseline, abs_tolerance_s=0, abs_tolerance_bytes=0)
    assert strict["median_run_time"].verdict == "regression"
    assert strict["median_peak_memory"].verdict == "regression"


def test_a_new_leak_is_a_growth_regression() -> None:
    baseline = result([1e-3] * 5, growth=[0, 16, 0, -16, 0])
    current = result([1e-3] * 5, growth=[65593] * 5)

    comparison = current.compare(baseline)

    growth = comparison["avg_growth_per_iteration"]
    assert growth.verdict == "regression"
    assert growth.unit == "bytes"
    assert growth.relative_change is None  # baseline 0
    assert growth.current == pytest.approx(65593)


def test_metric_selection_and_skipped_metrics() -> None:
    baseline = PerformanceResult(run_times=[1e-3] * 5)
    current = PerformanceResult(run_times=[1e-3] * 5)

    comparison = current.compare(baseline)

    assert [item.metric for item in comparison.metrics] == ["median_run_time", "p95_run_time"]
    assert comparison.skipped == ("median_peak_memory", "avg_growth_per_iteration")
    only = current.compare(baseline, metrics=["p95_run_time"])
    assert [item.metric for item in only.metrics] == ["p95_run_time"]


def test_peaks_from_agno_style_results_in_mib() -> None:
    baseline = PerformanceResult(memory_usages=[1.0] * 5)
    current = PerformanceResult(memory_usages=[2.0] * 5)

    peak = current.compare(baseline, metrics=["median_peak_memory"])["median_peak_memory"]

    assert peak.baseline == 1024 * 1024
    assert peak.verdict == "regression"


def test_bad_arguments() -> None:
    baseline = result([1e-3] * 3)
    with pytest.raises(ValueError, match="unknown metric"):
        baseline.compare(baseline, metrics=["mean_speed"])
    with pytest.raises(ValueError, match="negative"):
        baseline.compare(baseline, rel_tolerance=-0.1)


def test_comparison_reads_well() -> None:
    baseline = result(noisy(1e-3, 0.05, seed=1))
    current = result(noisy(2e-3, 0.05, seed=2))

    text = str(current.compare(baseline))

    assert text.startswith("Comparison with baseline: 2 regressions")
    line = next(line for line in text.splitlines() if line.startswith("median_run_time"))
    assert "REGRESSION" in line
    assert "ms" in line
    assert "%" in line
    assert "no regression" in str(baseline.compare(baseline))


def test_comparison_types() -> None:
    comparison = result([1e-3] * 3).compare(result([1e-3] * 3))

    assert isinstance(comparison, Comparison)
    assert all(isinstance(item, MetricComparison) for item in comparison.metrics)
    with pytest.raises(KeyError):
        comparison["nope"]


def test_measured_slowdown_is_a_regression(first_passing: Callable[..., Any]) -> None:
    def measure(seconds: float) -> PerformanceResult:
        return PerformanceEval(
            func=lambda: time.sleep(seconds), num_iterations=10, warmup_runs=1, measure_memory=False
        ).run()

    def check(pair: tuple[PerformanceResult, PerformanceResult]) -> None:
        baseline, slower = pair
        comparison = slower.compare(baseline, metrics=["median_run_time"])
        assert comparison["median_run_time"].verdict == "regression", str(comparison)
        assert baseline.compare(baseline).ok

    # 1 ms against 10 ms: a slowdown that no machine load can hide.
    first_passing(lambda: (measure(0.001), measure(0.01)), check)
