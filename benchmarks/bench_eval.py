"""PerformanceEval's own overhead per iteration on a trivial function, agno_core against Agno.

Both evals get the same settings and the same function (a counter increment). The overhead of a
round is its wall time minus the calls it made times the cost of one bare call (measured here);
agno_core repeats sub-0.2 ms functions inside a timed sample by design, and those calls are the
function's time, not the eval's. Each round of one implementation is interleaved with a round of
the other.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks._harness import Paired, round_times
from benchmarks._peers import IMPLS, agno_version, require

MODES: dict[str, dict[str, Any]] = {
    # Agno's defaults (runtime and memory), fewer iterations.
    "runtime_memory": {"num_iterations": 5, "warmup_runs": 2},
    # Growth tracking only, as seed 004 uses it.
    "growth": {
        "num_iterations": 3,
        "warmup_runs": 0,
        "measure_runtime": False,
        "memory_growth_tracking": True,
    },
}

_calls = [0]


def trivial() -> None:
    _calls[0] += 1


def _eval(impl: str, mode: str) -> Callable[[], Any]:
    settings = MODES[mode]
    if impl == "agno":
        from agno.eval.performance import PerformanceEval as AgnoPerformanceEval

        return lambda: AgnoPerformanceEval(
            func=trivial, show_spinner=False, telemetry=False, **settings
        ).run()
    from agno_core.eval.performance import PerformanceEval

    return lambda: PerformanceEval(func=trivial, **settings).run()


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("mode", list(MODES))
def test_eval_overhead(paired: Paired, impl: str, mode: str) -> None:
    require(impl)
    subject = _eval(impl, mode)
    other_impl = next((i for i in IMPLS if i != impl and (i != "agno" or agno_version())), None)
    other = _eval(other_impl, mode) if other_impl else None
    per_call = min(timeit.repeat(trivial, number=100_000, repeat=5)) / 100_000
    calls_per_round: list[int] = []

    def reset() -> None:
        _calls[0] = 0

    def reference() -> None:  # runs after `reset`, right before the subject
        assert other is not None
        other()
        reset()

    def after() -> None:
        calls_per_round.append(_calls[0])

    rounds, warmup = 3, 0
    paired.run(
        subject,
        figure=f"eval_overhead_{mode}",
        impl=impl,
        calls=1,
        rounds=rounds,
        warmup_rounds=warmup,
        is_async=False,
        reference=reference if other else None,
        reference_label=other_impl,
        reference_is_async=False,
        before=reset,
        after=after,
        num_iterations=MODES[mode]["num_iterations"],
        seconds_per_bare_call=per_call,
    )
    data = round_times(paired.benchmark)
    counts = calls_per_round[warmup:]
    if data and len(counts) == len(data):
        iterations = MODES[mode]["num_iterations"]
        overheads = [(d - c * per_call) / iterations for d, c in zip(data, counts, strict=True)]
        paired.benchmark.extra_info.update(
            overhead_per_iteration=statistics.median(overheads),
            function_calls_per_round=statistics.median(counts),
        )
