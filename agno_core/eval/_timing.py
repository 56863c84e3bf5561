"""Runtime measurement: warm-up, loop calibration, timed samples and the GC policy.

GC policy (``timeit``'s, made explicit): a full ``gc.collect()`` runs once before the warm-up runs
(:func:`collect_all`); before every timed sample the young generations are collected (cheap: it
clears the cyclic garbage the previous sample left behind), and the collector is disabled while
the sample runs, then restored. So collection pauses never land inside a sample, where they would
show up as random spikes. The trade-off: a function that creates many reference cycles does not
pay for collecting them here, so it measures faster than it runs in production; its memory is
still measured with the collector enabled. A full collection per sample would be cleaner still
but costs tens of milliseconds in a large process (a test session), per sample.

Load: before each sample a fixed reference workload is timed, and each sample's steady time
(wall time minus the time the thread waited for a CPU) is kept next to its wall and CPU times;
see :mod:`agno_core.eval._load`.

Calibration: a sample must last at least :data:`MIN_SAMPLE_NS` so timer resolution and call
overhead do not dominate. When a single call is shorter, calls are repeated back to back inside
one sample (1, 2, 5, 10, 20, 50, ... calls, like ``timeit.Timer.autorange``) and every value is
reported per call, and one more sample at that count is run and discarded before measuring (the
first one at a new count is consistently slower). If the fastest warm-up run already lasts long
enough, no calibration call is made.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from agno_core.eval._invoke import Invoker
from agno_core.eval._load import SteadyClock

__all__ = [
    "MIN_SAMPLE_NS",
    "RuntimeSamples",
    "calibrate",
    "collect_all",
    "gc_paused",
    "measure",
    "warm_up",
]

#: Shortest timed sample; shorter calls are repeated inside a sample.
MIN_SAMPLE_NS = 200_000
_MAX_LOOPS = 100_000_000
_NS_PER_S = 1e9


@dataclass(kw_only=True, slots=True)
class RuntimeSamples:
    """Per-call wall, CPU and steady times of each sample, and the reference before each, in s."""

    run_times: list[float]
    cpu_times: list[float]
    calls_per_sample: int
    steady_times: list[float]
    reference_times: list[float]
    steady_clock: str


def collect_all() -> None:
    """A full collection, before the runtime phase."""
    gc.collect()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect the young generations, then keep the collector off for the block."""
    gc.collect(1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _sample(invoker: Invoker, loops: int) -> tuple[int, int]:
    with gc_paused():
        wall_ns, cpu_ns, _, _ = await invoker.timed(loops)
    return wall_ns, cpu_ns


async def _steady_sample(invoker: Invoker, loops: int, clock: SteadyClock) -> tuple[int, int, int]:
    """(wall, CPU, steady) ns of one sample."""
    with gc_paused():
        wall_ns, cpu_ns, start, end = await invoker.timed(loops, clock.mark)
    return wall_ns, cpu_ns, clock.steady_ns(wall_ns, cpu_ns, start, end)


async def warm_up(invoker: Invoker, runs: int) -> list[int]:
    """Make ``runs`` unmeasured calls; return the wall time of each (ns), for calibration."""
    return [(await _sample(invoker, 1))[0] for _ in range(runs)]


async def calibrate(invoker: Invoker, warm_up_ns: list[int]) -> int:
    """The number of calls per sample that makes a sample last at least ``MIN_SAMPLE_NS``."""
    if warm_up_ns and min(warm_up_ns) >= MIN_SAMPLE_NS:
        return 1
    base = 1
    while base < _MAX_LOOPS:
        for multiplier in (1, 2, 5):
            loops = base * multiplier
            wall_ns, _ = await _sample(invoker, loops)
            if wall_ns >= MIN_SAMPLE_NS:
                return loops
        base *= 10
    return _MAX_LOOPS


async def measure(invoker: Invoker, *, samples: int, loops: int) -> RuntimeSamples:
    """Take ``samples`` timed samples of ``loops`` calls each, a reference run before each."""
    run_times: list[float] = []
    cpu_times: list[float] = []
    steady_times: list[float] = []
    reference_times: list[float] = []
    # In the thread that runs the samples (it reads this thread's wait); threads that existed
    # before the first call are not the run's helpers.
    clock = SteadyClock(preexisting=invoker.threads_before)
    try:
        if loops > 1:
            # The first sample at a new loop count runs measurably slower (caches, branch
            # predictors, the adaptive interpreter); it costs ~MIN_SAMPLE_NS to discard.
            await _sample(invoker, loops)
        for _ in range(samples):
            reference_times.append(clock.reference_ns() / _NS_PER_S)
            wall_ns, cpu_ns, steady_ns = await _steady_sample(invoker, loops, clock)
            run_times.append(wall_ns / loops / _NS_PER_S)
            cpu_times.append(cpu_ns / loops / _NS_PER_S)
            steady_times.append(steady_ns / loops / _NS_PER_S)
    finally:
        clock.close()
    return RuntimeSamples(
        run_times=run_times,
        cpu_times=cpu_times,
        calls_per_sample=loops,
        steady_times=steady_times,
        reference_times=reference_times,
        steady_clock=clock.kind,
    )
