"""The measurement, written once against :class:`~agno_core.eval._invoke.Invoker`.

Order of calls (after the priming call that created the invoker):

1. ``warmup_runs`` unmeasured calls;
2. runtime (``measure_runtime``): calibration if a call is shorter than a timed sample, then
   ``num_iterations`` timed samples, with tracing off;
3. memory (``measure_memory`` or ``memory_growth_tracking``): tracing on (one frame per
   allocation) for ``num_iterations`` calls (at most :data:`MEMORY_SAMPLES_WITH_RUNTIME` when
   runtime is measured too and growth is not tracked), each measured for peak and retained
   memory; with growth tracking, a line snapshot before the first and after the next to last,
   and the last iteration traced with deep stacks between two snapshots, to name callers (see
   :mod:`._growth`).

``tracemalloc`` walks the whole Python stack on every traced allocation (to count the frames,
whatever it stores), so the traced calls are made with as few of the eval's own frames under
them as the structure allows.

Debug logs (``debug_mode``, logger ``agno_core.eval``) are written after the measurement, so that
log records (kept by handlers such as pytest's ``caplog``) never count as growth.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field

from agno_core.eval import _timing
from agno_core.eval._growth import GrowthTracker, IterationGrowth, combine, deep_iteration
from agno_core.eval._invoke import Invoker
from agno_core.eval._memory import (
    MEASURE_FRAMES,
    NAMING_FRAMES,
    call_overhead,
    measure_call,
    tracing,
)
from agno_core.eval._result import GrowthSite, PerformanceResult
from agno_core.eval._units import MIB, format_bytes, format_duration, format_signed_bytes

__all__ = ["LOGGER_NAME", "MEMORY_SAMPLES_WITH_RUNTIME", "Plan", "measure", "memory_samples"]

LOGGER_NAME = "agno_core.eval"
#: Memory-measured iterations when runtime is measured too and growth is not tracked (all of
#: them when fewer). A memory-measured call runs traced, 3-5x slower than the call itself for
#: agent code; its peak barely varies from call to call, so a few samples give the peak and
#: its spread, and the iterations a user adds for runtime precision cost a timed call each.
#: Growth tracking (and memory without runtime) measures every iteration.
MEMORY_SAMPLES_WITH_RUNTIME = 5
logger = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True, kw_only=True, slots=True)
class Plan:
    """What to measure: PerformanceEval's settings, minus the function and the outputs."""

    name: str | None
    eval_id: str
    measure_runtime: bool
    measure_memory: bool
    num_iterations: int
    warmup_runs: int
    memory_growth_tracking: bool
    top_n_memory_allocations: int
    debug_mode: bool


@dataclass(kw_only=True, slots=True)
class _Memory:
    peaks: list[int]
    retained: list[int]
    sites: list[GrowthSite] = field(default_factory=list)
    iterations: list[IterationGrowth] = field(default_factory=list)


def memory_samples(plan: Plan) -> int:
    """How many iterations are memory-measured (see :data:`MEMORY_SAMPLES_WITH_RUNTIME`)."""
    if plan.memory_growth_tracking or not plan.measure_runtime:
        return plan.num_iterations
    return min(plan.num_iterations, MEMORY_SAMPLES_WITH_RUNTIME)


async def _measure_memory(invoker: Invoker, plan: Plan) -> _Memory:
    count = memory_samples(plan)
    # Filled in place: nothing the loop stores between two calls allocates a list block, so an
    # iteration's retained memory (its growth) holds only what the call kept.
    memory = _Memory(peaks=[0] * count, retained=[0] * count)
    tracker: GrowthTracker | None = None
    # With growth tracking the last iteration is traced with deep stacks, to name the callers of
    # the lines that grew; peaks and retained memory do not depend on the depth.
    shallow = count - 1 if plan.memory_growth_tracking else count
    shallow_changes: dict[tuple[str, int], tuple[int, int]] = {}
    with tracing(MEASURE_FRAMES):
        gc.collect()
        overhead = await call_overhead(is_async=invoker.is_async)
        if plan.memory_growth_tracking:
            tracker = GrowthTracker(
                top_n=plan.top_n_memory_allocations, per_iteration=plan.debug_mode
            )
        # Every measured call starts from collected garbage and empty free lists (a full
        # collection clears them; freed-but-cached blocks still count as traced memory).
        gc.collect()
        for index in range(shallow):
            # measure_call() inlined: a frame less under every traced allocation. The call's
            # coroutine object existed before the first reading: it is kept until the last one,
            # or its release would count as memory the measured call freed.
            call = invoker.traced()
            before, peak = await call
            gc.collect()
            memory.retained[index] = tracemalloc.get_traced_memory()[0] - before
            memory.peaks[index] = max(peak - before - overhead, 0)
            # The two readings were allocated in _invoke.py, whose lines count as the measured
            # function's (C callables): release them before the next reading or a snapshot.
            before = peak = 0
            del call
            if tracker is not None and plan.debug_mode:
                tracker.record()
                # A snapshot leaves garbage and full free lists: collect them now, or the next
                # call would look as if it had freed them.
                gc.collect()
        if tracker is not None:
            shallow_changes = tracker.changes()
    if tracker is None:
        return memory
    with tracing(NAMING_FRAMES):
        (peak, retained), deep_changes, tracebacks = await deep_iteration(
            lambda: measure_call(invoker)
        )
    memory.peaks[count - 1] = max(peak - overhead, 0)
    memory.retained[count - 1] = retained
    tracker.add_iteration(deep_changes)
    memory.sites = tracker.sites(combine(shallow_changes, deep_changes), tracebacks)
    memory.iterations = tracker.iterations(memory.retained)
    return memory


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Freeze every existing object out of the collector's reach meanwhile.

    The eval collects garbage before samples and around every measured call. A full collection
    walks every tracked object of the process (70 ms with openai loaded, half a second with
    pandas and pytest too); frozen, the objects that existed before measuring are skipped, so a
    collection only walks what the measured calls created. The memory the frozen objects hold
    was allocated before tracing started and is not traced anyway. No collection first: garbage
    that exists already is frozen with the rest and collected as usual after unfreezing, and a
    full collection here would cost as much as all the eval's own collections together.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def measure(invoker: Invoker, plan: Plan) -> PerformanceResult:
    """Run the measurement ``plan`` describes and return its result."""
    result = PerformanceResult(
        name=plan.name,
        eval_id=plan.eval_id,
        num_iterations=plan.num_iterations,
        warmup_runs=plan.warmup_runs,
    )
    # Everything that existed before measuring is frozen out of the collector's reach, so the
    # collections around samples and calls stay cheap however big the process is. (The phases
    # run right here, not in a helper: a frame less under every traced allocation.)
    growth: list[IterationGrowth] = []
    with _frozen_heap():
        _timing.collect_all()
        warm_up_ns = await _timing.warm_up(invoker, plan.warmup_runs)
        if plan.measure_runtime:
            loops = await _timing.calibrate(invoker, warm_up_ns)
            runtime = await _timing.measure(invoker, samples=plan.num_iterations, loops=loops)
            result.run_times = runtime.run_times
            result.cpu_times = runtime.cpu_times
            result.calls_per_sample = runtime.calls_per_sample
            result.steady_times = runtime.steady_times
            result.reference_times = runtime.reference_times
            result.steady_clock = runtime.steady_clock
        if plan.measure_memory or plan.memory_growth_tracking:
            memory = await _measure_memory(invoker, plan)
            if plan.measure_memory:
                result.peak_memory_usages = memory.peaks
                result.memory_usages = [peak / MIB for peak in memory.peaks]
                result.retained_memory_per_call = memory.retained
            if plan.memory_growth_tracking:
                growth = memory.iterations
                result.growth_per_iteration = list(memory.retained)
                result.growth_sites = memory.sites
    result.compute_stats()
    if plan.debug_mode:
        _log(result, growth)
    return result


def _log(result: PerformanceResult, growth: list[IterationGrowth]) -> None:
    label = result.name or result.eval_id
    if result.run_times:
        logger.debug(
            "%s: %d timed samples of %d call(s) each",
            label,
            len(result.run_times),
            result.calls_per_sample,
        )
        for index, (wall, cpu) in enumerate(zip(result.run_times, result.cpu_times, strict=True)):
            logger.debug(
                "%s: run %d: %s per call (CPU %s)",
                label,
                index + 1,
                format_duration(wall),
                format_duration(cpu),
            )
    for index, peak in enumerate(result.peak_memory_usages):
        logger.debug(
            "%s: iteration %d: peak %s, retained %s",
            label,
            index + 1,
            format_bytes(peak),
            format_signed_bytes(result.retained_memory_per_call[index]),
        )
    for index, iteration in enumerate(growth):
        logger.debug(
            "%s: iteration %d: memory grew %s",
            label,
            index + 1,
            format_signed_bytes(iteration.net),
        )
        for site in iteration.sites:
            logger.debug(
                "    %s %s:%d (%+d blocks)",
                format_signed_bytes(site.size_diff),
                site.filename,
                site.lineno,
                site.count_diff,
            )
    if growth:
        logger.debug(
            "%s: average growth %s per iteration; top growth sites:",
            label,
            format_signed_bytes(result.avg_growth_per_iteration),
        )
        for site in result.growth_sites:
            logger.debug(
                "    %s %s:%d (%+d blocks) via %s",
                format_signed_bytes(site.size_diff),
                site.filename,
                site.lineno,
                site.count_diff,
                " <- ".join(site.traceback[1:]) or "-",
            )
