"""Which of two measurements decides when a rerun disagrees: the one made under less load
(pytest_agno.perf._gates.failure_stands), on synthetic samples (no timing)."""

from __future__ import annotations

from typing import Any

from agno_core.eval.performance import PerformanceResult
from pytest_agno.perf._gates import (
    MILD_LOAD,
    comparison_dict,
    evaluate_rules,
    failure_stands,
    load_share,
    parse_rules,
)

MS = 1e-3
QUIET = [1.00, 1.01, 0.99, 1.02, 1.00, 0.98, 1.03, 1.01, 0.99, 1.00] * 2
REFERENCE = 0.2 * MS
RULES = parse_rules("regression")


def run(
    slowdown: float = 1.0,
    *,
    load: float = 1.0,
    code_load: float | None = None,
    wait_share: float = 0.0,
    peak: float = 1e6,
) -> PerformanceResult:
    """Code ``slowdown`` times slower, on a CPU that the load slowed ``load`` times for the
    reference and ``code_load`` times for the code (default ``load ** 2``, as measured for
    agent runs)."""
    code_load = load**2 if code_load is None else code_load
    steady = [value * MS * slowdown * code_load for value in QUIET]
    return PerformanceResult(
        run_times=[value / (1 - wait_share) for value in steady],
        cpu_times=steady,
        steady_times=steady,
        reference_times=[REFERENCE * load] * len(QUIET),
        steady_clock="schedstat",
        peak_memory_usages=[peak] * len(QUIET),
        memory_usages=[peak / 2**20] * len(QUIET),
    )


BASELINE = run()


def judged(result: PerformanceResult) -> tuple[dict[str, Any], list[str]]:
    comparison = result.compare(BASELINE)
    return comparison_dict(comparison), evaluate_rules(comparison, RULES)


def test_a_failure_under_mild_load_stands_against_a_rerun_under_heavy_load() -> None:
    # 25 % slower code; the first measurement barely loaded, the rerun under a load whose
    # allowance (larger than the slowdown) covers it.
    first = judged(run(1.25, load=1.03, wait_share=0.2))
    rerun = judged(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))

    assert first[1] and not rerun[1]
    assert 0 < load_share(first[0]) <= MILD_LOAD < load_share(rerun[0])
    assert failure_stands(*first, *rerun)


def test_a_failure_without_any_load_stands_against_a_loaded_rerun() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))

    assert load_share(first[0]) == 0.0 and first[1] and not rerun[1]
    assert failure_stands(*first, *rerun)


def test_a_rerun_that_passes_under_less_load_wins() -> None:
    # Unchanged code read slower in a loaded first measurement: the quieter rerun decides.
    first = judged(run(1.3, load=1.05, wait_share=0.5))
    rerun = judged(run())

    assert first[1] and not rerun[1]
    assert not failure_stands(*first, *rerun)


def test_equal_load_keeps_the_rerun_as_the_judge() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.05))

    assert load_share(first[0]) == load_share(rerun[0]) == 0.0
    assert not failure_stands(*first, *rerun)


def test_a_failure_under_heavy_load_needs_its_rerun() -> None:
    # Less loaded than the rerun, but its own allowance is beyond the mild share.
    first = judged(run(1.6, load=1.2, wait_share=0.6))
    rerun = judged(run(1.0, load=1.35, wait_share=0.6))

    assert first[1] and not rerun[1]
    assert MILD_LOAD < load_share(first[0]) < load_share(rerun[0])
    assert not failure_stands(*first, *rerun)


def test_a_memory_failure_is_never_kept_over_its_rerun() -> None:
    # Memory does not depend on load: the rerun decides, whatever the load did to runtime.
    first = judged(run(peak=2e6))
    rerun = judged(run(load=1.3, wait_share=0.6))

    assert first[1] and all(line.startswith("median_peak_memory") for line in first[1])
    assert not failure_stands(*first, *rerun)


def test_a_failing_rerun_is_a_confirmation_not_a_kept_failure() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.25))

    assert first[1] and rerun[1]
    assert not failure_stands(*first, *rerun)


def test_no_comparison_has_no_load() -> None:
    assert load_share(None) == 0.0
    assert not failure_stands(None, [], None, [])


def test_a_rerun_that_reads_no_slowdown_wins_even_under_more_load() -> None:
    # A transient slowdown of a quiet first measurement: the loaded rerun reads the code as
    # unchanged (not merely excused by its allowance), so it decides.
    first = judged(run(1.25))
    rerun = judged(run(load=1.3, code_load=1.3, wait_share=0.6))

    assert first[1] and not rerun[1]
    assert load_share(first[0]) < load_share(rerun[0])
    assert not failure_stands(*first, *rerun)
