"""PerformanceEval: Agno's parameters and entry points over one measurement engine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from agno_core.eval._drive import measure_async, measure_sync
from agno_core.eval._engine import Plan
from agno_core.eval._persist import EvalRunDb, eval_run_record, write_json
from agno_core.eval._result import PerformanceResult

__all__ = ["PerformanceEval"]


def _new_eval_id() -> str:
    return str(uuid.uuid4())


@dataclass
class PerformanceEval:
    """Measure how long a function takes, how much memory it uses, and whether memory grows.

    ``func`` takes no arguments and may be a sync function, an async function, or any callable
    that returns an awaitable (a ``functools.partial`` of an async function, a lambda returning a
    coroutine): the result of its first call decides. :meth:`run` and :meth:`arun` measure the
    same way and return a :class:`PerformanceResult` (also kept in :attr:`result`).

    Calls made, in order: one untimed *priming* call (it tells whether ``func`` is async and pays
    one-time costs; it comes on top of ``warmup_runs``), ``warmup_runs`` unmeasured calls, then
    with ``measure_runtime`` a calibration (only for calls shorter than 0.2 ms) and
    ``num_iterations`` timed samples, then with ``measure_memory`` or ``memory_growth_tracking``
    ``num_iterations`` calls under ``tracemalloc`` (with growth tracking, the last one traced
    with deep stacks to name callers).

    Runtime: ``time.perf_counter_ns`` wall time and ``time.process_time_ns`` CPU time (whole
    process) per call. GC: a full collection before the warm-ups, the young generations before
    each sample, and the collector off while a sample runs (so no collection pause lands in a
    sample). A call shorter than 0.2 ms is repeated back to back inside a sample
    (``calls_per_sample``, calibrated like ``timeit``; one extra sample at that count is
    discarded) and reported per call. Outliers are flagged (Tukey's fences), not removed.

    Memory: per call, the peak traced memory above what was live before the call
    (``memory_usages`` in MiB, ``peak_memory_usages`` in bytes), and the bytes still live after it
    and a collection (``retained_memory_per_call``).

    Growth (``memory_growth_tracking``): tracing stays on across the iterations, so a steady leak
    shows as ``growth_per_iteration`` / ``avg_growth_per_iteration`` (what each iteration left
    live), with the responsible lines in ``growth_sites`` (top ``top_n_memory_allocations``, from
    a line snapshot before the first iteration and one after the next-to-last, plus the last
    iteration's growth by traceback). The last iteration is traced with deep stacks, which names
    the callers of each site. The baseline
    is taken when tracing starts, after the priming call, warm-ups and runtime samples, so
    one-time allocations of the first call never count as growth, even with ``warmup_runs=0``.

    Cost: measured calls are traced with one frame per allocation (a few times the bare call for
    allocation-heavy code, tracemalloc's own floor); each memory-measured call is followed by a
    full collection of what the eval's calls created (the objects that existed before are
    frozen out of the collector's reach).

    Async functions are awaited directly in the current task (no new task), and after each
    memory-measured call the loop runs once (``asyncio.sleep(0)``) so tasks the call spawned take
    a step and their allocations are seen. Because ``tracemalloc`` is process-wide, whatever
    other tasks on the same loop (and other threads) allocate while the function awaits is
    counted too, and other tasks' work during its awaits adds to its wall time. Measure on a quiet
    loop.

    Args:
        func: the function to measure; called with no arguments.
        name: a label for reports and the database.
        measure_runtime: take timed samples.
        measure_memory: measure peak and retained memory per call.
        num_iterations: timed samples, and memory-measured calls.
        warmup_runs: unmeasured calls before measuring.
        memory_growth_tracking: track memory growth across iterations and its sites.
        top_n_memory_allocations: how many growth sites to keep.
        debug_mode: log every sample and the growth sites of each iteration (logger
            ``agno_core.eval``, level DEBUG).
        print_summary: print the summary table when done.
        print_results: print every sample when done.
        db: where to save the eval run (``save_eval_run`` from :meth:`run`,
            ``asave_eval_run`` from :meth:`arun`).
        file_path_to_save_results: write the result as JSON to this path (parent directories
            are created).
        eval_id: the id of the eval's run (a new UUID4 by default); each further ``run()`` of
            the same eval gets a new one, so every run is stored as a run of its own.
        agent_id, team_id, model_id, model_provider: what was evaluated (Agno's fields), stored
            with the run in ``db`` (no model object, no key: only these ids).
        show_spinner: accepted for compatibility with Agno; nothing is drawn.
        telemetry: accepted for compatibility with Agno; nothing is ever sent.
    """

    func: Callable[[], object]
    _: KW_ONLY
    name: str | None = None
    measure_runtime: bool = True
    measure_memory: bool = True
    num_iterations: int = 10
    warmup_runs: int = 10
    memory_growth_tracking: bool = False
    top_n_memory_allocations: int = 5
    debug_mode: bool = False
    print_summary: bool = False
    print_results: bool = False
    db: EvalRunDb | None = None
    file_path_to_save_results: str | os.PathLike[str] | None = None
    eval_id: str = field(default_factory=_new_eval_id)
    agent_id: str | None = None
    team_id: str | None = None
    model_id: str | None = None
    model_provider: str | None = None
    show_spinner: bool = True
    telemetry: bool = True
    result: PerformanceResult | None = field(default=None, init=False)
    _runs: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise TypeError(f"func must be callable, got {type(self.func).__name__}")
        if self.num_iterations < 1:
            raise ValueError(f"num_iterations must be at least 1, got {self.num_iterations}")
        if self.warmup_runs < 0:
            raise ValueError(f"warmup_runs must not be negative, got {self.warmup_runs}")
        if self.top_n_memory_allocations < 0:
            raise ValueError(
                "top_n_memory_allocations must not be negative, "
                f"got {self.top_n_memory_allocations}"
            )

    def _plan(self) -> Plan:
        if self._runs:  # a further run of this eval: a run of its own, under a new id
            self.eval_id = _new_eval_id()
        self._runs += 1
        return Plan(
            name=self.name,
            eval_id=self.eval_id,
            measure_runtime=self.measure_runtime,
            measure_memory=self.measure_memory,
            num_iterations=self.num_iterations,
            warmup_runs=self.warmup_runs,
            memory_growth_tracking=self.memory_growth_tracking,
            top_n_memory_allocations=self.top_n_memory_allocations,
            debug_mode=self.debug_mode,
        )

    def run(
        self, *, print_summary: bool | None = None, print_results: bool | None = None
    ) -> PerformanceResult:
        """Measure ``func`` from synchronous code.

        A sync ``func`` is measured with no event loop involved. An async one runs on a fresh
        loop, in a worker thread if this thread already runs a loop (this call then blocks it).

        Args:
            print_summary: overrides the attribute of the same name for this run.
            print_results: overrides the attribute of the same name for this run.
        """
        result = measure_sync(self.func, self._plan())
        self._finish(result, print_summary, print_results)
        if self.db is not None:
            self.db.save_eval_run(self._record(result))
        return result

    async def arun(
        self, *, print_summary: bool | None = None, print_results: bool | None = None
    ) -> PerformanceResult:
        """Measure ``func`` on the running event loop, in the current task.

        Args:
            print_summary: overrides the attribute of the same name for this run.
            print_results: overrides the attribute of the same name for this run.
        """
        result = await measure_async(self.func, self._plan())
        self._finish(result, print_summary, print_results)
        if self.db is not None:
            await self.db.asave_eval_run(self._record(result))
        return result

    def _record(self, result: PerformanceResult) -> dict[str, Any]:
        return eval_run_record(
            result,
            agent_id=self.agent_id,
            team_id=self.team_id,
            model_id=self.model_id,
            model_provider=self.model_provider,
            evaluated_component_name=getattr(self.func, "__name__", None),
        )

    def _finish(
        self, result: PerformanceResult, print_summary: bool | None, print_results: bool | None
    ) -> None:
        self.result = result
        if self.file_path_to_save_results is not None:
            write_json(result, self.file_path_to_save_results)
        if self.print_results if print_results is None else print_results:
            result.print_results()
        if self.print_summary if print_summary is None else print_summary:
            result.print_summary()
