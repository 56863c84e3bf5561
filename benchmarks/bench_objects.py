"""``Agent(...)`` and ``Team(...)``: time and memory per instance, agno_core against Agno.

The model, db and members are built once and shared: what is measured is the agent or team
object itself, as when an application builds one per request around long-lived resources. The
interleaved reference is the other implementation building the same object (when Agno is
installed), so the ratio is agno_core against Agno directly.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks._harness import FAST, LEADER, Paired
from benchmarks._peers import IMPLS, agno_version, make_agent, require, sqlite_db

N = 1000  # instances per round
ROUNDS = 20


def _factories(kind: str, bench_dir: Path) -> dict[str, Callable[[], Any]]:
    """``impl -> factory`` building one agent (or team) with shared parts."""
    impls = [impl for impl in IMPLS if impl == "agno_core" or agno_version() is not None]
    factories: dict[str, Callable[[], Any]] = {}
    for impl in impls:
        db = sqlite_db(impl, bench_dir / f"{impl}-objects.db")
        model = make_agent(impl, model_id=LEADER if kind == "team" else FAST).model
        if impl == "agno":
            from agno.agent import Agent as AgnoAgent
            from agno.team import Team as AgnoTeam

            if kind == "agent":
                factories[impl] = lambda m=model, d=db: AgnoAgent(
                    name="bench", model=m, db=d, instructions="Be brief.", telemetry=False
                )
            else:
                members = [make_agent(impl, name="member")]
                factories[impl] = lambda m=model, d=db, ms=members: AgnoTeam(
                    name="bench-team", members=ms, model=m, db=d, telemetry=False
                )
        else:
            from agno_core.agent import Agent
            from agno_core.team import Team

            if kind == "agent":
                factories[impl] = lambda m=model, d=db: Agent(
                    name="bench", model=m, db=d, instructions="Be brief."
                )
            else:
                members = [make_agent(impl, name="member")]
                factories[impl] = lambda m=model, d=db, ms=members: Team(
                    name="bench-team", members=ms, model=m, db=d
                )
    return factories


def bytes_per_instance(factory: Callable[[], Any], n: int = N) -> float:
    """Traced bytes that stay allocated per live instance (``n`` kept alive, list excluded)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        keep = [factory() for _ in range(n)]
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before - sys.getsizeof(keep)) / n


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind", ["agent", "team"])
def test_instantiation(
    paired: Paired, perf_eval: Any, impl: str, kind: str, bench_dir: Path
) -> None:
    """``Agent(...)`` / ``Team(...)``: N instances per round; memory measured after timing, by
    tracemalloc directly and by agno_core's PerformanceEval through the plugin's ``perf_eval``
    fixture (so ``pytest benchmarks --agno-eval`` reports it too)."""
    require(impl)
    factories = _factories(kind, bench_dir)
    factory = factories[impl]
    other = next((f for name, f in factories.items() if name != impl), None)

    def subject() -> list[Any]:
        return [factory() for _ in range(N)]

    def reference() -> list[Any]:
        assert other is not None
        return [other() for _ in range(N)]

    paired.run(
        subject,
        figure=f"{kind}_init",
        impl=impl,
        calls=N,
        rounds=ROUNDS,
        warmup_rounds=2,
        is_async=False,
        reference=reference if other is not None else None,
        reference_label=("agno" if impl == "agno_core" else "agno_core") if other else None,
        reference_is_async=False,
    )
    evaluated = perf_eval(
        factory,
        name=f"{kind}_init[{impl}]",
        measure_runtime=False,
        measure_memory=True,
        num_iterations=20,
        warmup_runs=5,
    )
    peaks = sorted(evaluated.peak_memory_usages)
    paired.benchmark.extra_info.update(
        bytes_per_instance=bytes_per_instance(factory),
        eval_peak_bytes=float(peaks[len(peaks) // 2]),
    )
