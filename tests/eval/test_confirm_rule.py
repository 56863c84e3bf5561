"""Which of two measurements decides when a rerun disagrees: the one made under less load
(pytest_agno.perf._gates.failure_stands), on synthetic samples (no timing)."""

from __future__ import annotations

from typing import Any

from agno_core.eval.performance import PerformanceResult
from pytest_agno.perf._eval import _Confirmation
from pytest_agno.perf._gates import (
    MILD_LOAD,
    Judgement,
    excused_by_load,
    failure_stands,
    judge,
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


def judged(result: PerformanceResult) -> Judgement:
    return judge(result.compare(BASELINE), RULES)


def test_a_failure_under_mild_load_stands_against_a_rerun_under_heavy_load() -> None:
    # 25 % slower code; the first measurement barely loaded, the rerun under a load whose
    # allowance (larger than the slowdown) covers it.
    first = judged(run(1.25, load=1.03, wait_share=0.2))
    rerun = judged(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))

    assert first.failures and not rerun.failures
    assert 0 < first.load_share <= MILD_LOAD < rerun.load_share
    assert failure_stands(first, rerun)


def test_a_failure_without_any_load_stands_against_a_loaded_rerun() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))

    assert first.load_share == 0.0 and first.failures and not rerun.failures
    assert failure_stands(first, rerun)


def test_a_rerun_that_passes_under_less_load_wins() -> None:
    # Unchanged code read slower in a loaded first measurement: the quieter rerun decides.
    first = judged(run(1.3, load=1.05, wait_share=0.5))
    rerun = judged(run())

    assert first.failures and not rerun.failures
    assert not failure_stands(first, rerun)


def test_equal_load_keeps_the_rerun_as_the_judge() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.05))

    assert first.load_share == rerun.load_share == 0.0
    assert not failure_stands(first, rerun)


def test_a_failure_under_heavy_load_needs_its_rerun() -> None:
    # Less loaded than the rerun, but its own allowance is beyond the mild share.
    first = judged(run(1.6, load=1.2, wait_share=0.6))
    rerun = judged(run(1.0, load=1.35, wait_share=0.6))

    assert first.failures and not rerun.failures
    assert MILD_LOAD < first.load_share < rerun.load_share
    assert not failure_stands(first, rerun)


def test_a_memory_failure_is_never_kept_over_its_rerun() -> None:
    # Memory does not depend on load: the rerun decides, whatever the load did to runtime.
    first = judged(run(peak=2e6))
    rerun = judged(run(load=1.3, wait_share=0.6))

    assert first.failures and all(line.startswith("median_peak_memory") for line in first.failures)
    assert not failure_stands(first, rerun)


def test_a_failing_rerun_is_a_confirmation_not_a_kept_failure() -> None:
    first = judged(run(1.25))
    rerun = judged(run(1.25))

    assert first.failures and rerun.failures
    assert not failure_stands(first, rerun)


def test_no_comparison_has_no_load() -> None:
    assert Judgement().load_share == 0.0
    assert not failure_stands(Judgement(), Judgement())


def test_a_rerun_that_reads_no_slowdown_wins_even_under_more_load() -> None:
    # A transient slowdown of a quiet first measurement: the loaded rerun reads the code as
    # unchanged (not merely excused by its allowance), so it decides.
    first = judged(run(1.25))
    rerun = judged(run(load=1.3, code_load=1.3, wait_share=0.6))

    assert first.failures and not rerun.failures
    assert first.load_share < rerun.load_share
    assert not failure_stands(first, rerun)


def test_a_run_is_excused_only_when_the_allowance_made_it_pass() -> None:
    loaded = run(load=1.3, wait_share=0.6)  # unchanged code, read +30 % under load
    slower = run(1.25, load=1.03, wait_share=0.2)  # a regression despite a small allowance

    assert excused_by_load(loaded.compare(BASELINE), RULES)
    assert not excused_by_load(slower.compare(BASELINE), RULES)  # it fails: not excused
    assert not excused_by_load(run().compare(BASELINE), RULES)  # no allowance at all
    # A rule that does not judge the runtime has nothing to excuse.
    assert not excused_by_load(loaded.compare(BASELINE), parse_rules("growth>1KiB"))
    # One that does, with a wider limit, is broken only without the allowance too.
    assert excused_by_load(loaded.compare(BASELINE), parse_rules("runtime>15%"))
    assert not excused_by_load(loaded.compare(BASELINE), parse_rules("runtime>50%"))


class Scripted:
    """Stands in for ``PerfEval``: each measurement's judgement is scripted."""

    def __init__(self, judgements: dict[int, Judgement]) -> None:
        self.judgements = judgements

    def _regressions(self, opts: object, result: PerformanceResult, label: str) -> Judgement:
        return self.judgements[id(result)]


def confirm(*measurements: tuple[PerformanceResult, Judgement], reruns: int = 1) -> Any:
    """Drive ``_Confirmation`` as ``perf_eval`` does; return it and the standing measurement."""
    scripted = Scripted({id(result): judgement for result, judgement in measurements})
    confirmation = _Confirmation(scripted, None, "eval")  # type: ignore[arg-type]
    queue = [result for result, _ in measurements]
    result = queue.pop(0)
    for _ in range(reruns):
        if not confirmation.wants_rerun(result):
            break
        result = confirmation.judge(result, queue.pop(0))
        if confirmation.decided:
            break
    return confirmation, result, len(measurements) - 1 - len(queue)


def measured(result: PerformanceResult) -> tuple[PerformanceResult, Judgement]:
    return result, judged(result)


def test_a_first_measurement_excused_by_load_is_measured_again_and_a_quieter_one_decides() -> None:
    first = measured(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))
    quieter = measured(run(1.25, load=1.03, wait_share=0.2))

    confirmation, result, reruns = confirm(first, quieter)

    assert first[1].excused and not first[1].failures and quieter[1].failures
    assert reruns == 1 and result is quieter[0] and "less load" in confirmation.note
    assert confirmation.first == []  # the first measurement broke no rule


def test_an_excused_measurement_stays_when_the_rerun_is_as_loaded() -> None:
    first = measured(run(load=1.3, wait_share=0.6))
    again = measured(run(load=1.3, wait_share=0.6))

    confirmation, result, reruns = confirm(first, again)

    assert reruns == 1 and result is first[0] and confirmation.note == ""


def test_a_clear_pass_is_not_measured_again() -> None:
    quiet = measured(run())
    confirmation, result, reruns = confirm(quiet, measured(run(2.0)))

    assert reruns == 0 and result is quiet[0] and confirmation.first == []


def test_a_failure_is_confirmed_kept_or_overturned_by_its_rerun() -> None:
    slow = measured(run(1.25))
    confirmation, result, _ = confirm(slow, measured(run(1.25)))
    assert result is not slow[0] and confirmation.first == list(slow[1].failures)
    assert confirmation.note == ""  # confirmed: the rerun failed too

    loaded = measured(run(1.25, load=1.3, code_load=1.3, wait_share=0.6))
    confirmation, result, _ = confirm(slow, loaded)
    assert (
        result is slow[0]
        and confirmation.decided
        and "larger load allowance" in (confirmation.note)
    )

    quiet = measured(run())
    confirmation, result, _ = confirm(slow, quiet)
    assert result is quiet[0] and confirmation.note == ""  # a passing quiet rerun wins
