"""The runtime decision rule under load, on synthetic samples: the lower quartile, its noise from
the fast side, and the load allowance of a contended run (no timing)."""

from __future__ import annotations

import pytest

from agno_core.eval._compare import CONTENDED_WAIT_SHARE, LOAD_SENSITIVITY
from agno_core.eval._stats import lower_sigma, percentile, robust_sigma
from agno_core.eval.performance import PerformanceResult
from pytest_agno.perf._gates import comparison_dict, describe, parse_rules

MS = 1e-3
# A quiet run of agent-like code: most samples near 1 ms, a few a bit slower.
QUIET = [1.00, 1.01, 0.99, 1.02, 1.00, 0.98, 1.03, 1.01, 0.99, 1.00] * 2
REFERENCE = 0.2 * MS


def run(
    samples: list[float],
    *,
    reference: float = REFERENCE,
    wait_share: float = 0.0,
) -> PerformanceResult:
    """A result whose samples (ms of steady, all on a CPU) waited ``wait_share`` of wall time."""
    steady = [value * MS for value in samples]
    wall = [value / (1 - wait_share) for value in steady]
    return PerformanceResult(
        run_times=wall,
        cpu_times=steady,
        steady_times=steady,
        reference_times=[reference] * len(samples),
        steady_clock="schedstat",
    )


def contended(ratio: float) -> PerformanceResult:
    """QUIET under a load that slowed the reference ``ratio`` times and the code
    ``ratio ** LOAD_SENSITIVITY`` times, half its wall time spent waiting for a CPU."""
    return run(
        [value * ratio**LOAD_SENSITIVITY for value in QUIET],
        reference=REFERENCE * ratio,
        wait_share=0.5,
    )


def test_the_runtime_median_compares_the_lower_quartile_on_the_reference_basis() -> None:
    baseline = run(QUIET)
    # A load that hits 60 % of the samples hard (cache refills after preemption) leaves the
    # fastest quarter alone: the median moves 30 %, the lower quartile does not.
    disturbed = [value * (1.3 if index % 5 < 3 else 1.0) for index, value in enumerate(QUIET)]

    item = run(disturbed, wait_share=0.5).compare(baseline)["median_run_time"]

    assert item.statistic == "p25"
    assert item.label == "median_run_time (p25)"
    assert item.baseline == pytest.approx(percentile([v * MS for v in QUIET], 25))
    assert item.verdict == "unchanged"


def test_a_25_percent_slowdown_moves_the_lower_quartile_on_a_quiet_machine() -> None:
    item = run([value * 1.25 for value in QUIET]).compare(run(QUIET))["median_run_time"]

    assert item.verdict == "regression"
    assert item.relative_change == pytest.approx(0.25)
    assert item.load_allowance == 0.0


def test_noise_comes_from_the_fast_side_of_the_samples() -> None:
    # 8 of 20 samples disturbed (twice as slow or more): the spread of the fast side stays
    # near the quiet one, the robust spread of all samples does not.
    tail = [*QUIET[:12], 2.0, 2.5, 3.0, 2.2, 2.8, 2.1, 2.4, 2.6]

    assert lower_sigma(tail) < 0.6 * robust_sigma(tail)
    assert lower_sigma(tail) < 3 * lower_sigma(QUIET)
    assert lower_sigma([1.0] * 20) == 0.0


def test_a_contended_run_gets_the_load_allowance() -> None:
    # The load slowed the reference 1.3x and the code 1.3 ** 2 = 1.69x: no regression.
    ratio = 1.3
    current = contended(ratio)

    item = current.compare(run(QUIET))["median_run_time"]

    assert item.relative_change == pytest.approx(ratio - 1, rel=0.01)  # once corrected
    assert item.load_allowance == pytest.approx(item.change, rel=0.01)
    assert item.verdict == "unchanged"
    assert comparison_dict(current.compare(run(QUIET)))["metrics"][0]["load_allowance"] > 0
    assert "load allowance +" in describe(item)


def test_a_slowdown_beyond_the_allowance_is_still_a_regression() -> None:
    ratio = 1.1
    current = run(
        [value * 1.6 * ratio for value in QUIET], reference=REFERENCE * ratio, wait_share=0.5
    )

    item = current.compare(run(QUIET))["median_run_time"]

    assert 0 < item.load_allowance < 0.2 * item.baseline
    assert item.verdict == "regression"


def test_a_quiet_run_on_a_slower_machine_gets_no_allowance() -> None:
    # The reference ratio is the machine's speed when nothing waited for a CPU.
    ratio = 1.7
    current = run([value * 1.25 * ratio for value in QUIET], reference=REFERENCE * ratio)

    item = current.compare(run(QUIET))["median_run_time"]

    assert item.load_allowance == 0.0
    assert item.verdict == "regression"
    assert item.relative_change == pytest.approx(0.25, rel=0.01)


def test_the_allowance_needs_contention_above_the_threshold_share() -> None:
    ratio = 1.3
    samples = [value * ratio for value in QUIET]
    below = run(samples, reference=REFERENCE * ratio, wait_share=CONTENDED_WAIT_SHARE / 2)
    above = run(samples, reference=REFERENCE * ratio, wait_share=CONTENDED_WAIT_SHARE * 2)

    assert below.compare(run(QUIET))["median_run_time"].load_allowance == 0.0
    assert above.compare(run(QUIET))["median_run_time"].load_allowance > 0.0


def test_a_faster_reference_gives_no_allowance() -> None:
    current = run(QUIET, reference=REFERENCE / 1.3, wait_share=0.5)

    assert current.compare(run(QUIET))["median_run_time"].load_allowance == 0.0


def test_relative_rules_honour_the_allowance() -> None:
    current = contended(1.3)
    item = current.compare(run(QUIET))["median_run_time"]
    [rule] = parse_rules("runtime>10%")

    assert item.relative_change is not None and item.relative_change > 0.1
    assert not rule.hit(item)


def test_wall_time_comparisons_keep_the_median_and_no_allowance() -> None:
    def plain(samples: list[float]) -> PerformanceResult:
        return PerformanceResult(run_times=[value * MS for value in samples])

    item = plain([value * 2 for value in QUIET]).compare(plain(QUIET))["median_run_time"]

    assert item.basis == "wall"
    assert item.statistic == "median"
    assert item.label == "median_run_time"
    assert item.load_allowance == 0.0
    assert item.verdict == "regression"
