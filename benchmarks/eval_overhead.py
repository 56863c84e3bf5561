"""PerformanceEval's cost per measured iteration, agno_core and Agno side by side, one process.

Usage: ``python -m benchmarks.eval_overhead [--repeats N] [--heavy-repeats N] [--heavy-only]
[--no-pytest] [--markdown PATH]``.

Slope method (so fixed costs cancel): the whole eval is timed at 5 and at 25 iterations, several
times each, interleaved with the other implementation and with the bare call; the slope
``(median(t25) - median(t5)) / 20`` is what one more iteration costs. The eval's overhead per
iteration is the slope minus the measured calls one more iteration makes, each at the bare
call's median: Agno's runtime + memory makes two (one timed, one traced); agno_core's makes one
timed call, plus a traced one only up to its memory sample (``MEMORY_SAMPLES_WITH_RUNTIME``,
5: none between 5 and 25 iterations, so the traced calls are a fixed cost there, shown in the
whole-eval column); growth tracking makes one traced call per iteration in both. Both the
process's CPU time (the eval's cost, which machine load does not inflate) and wall time are
reported.

Subjects: ``agent.arun("hi")`` and two one-member team runs on the scripted mock
(``keep_requests=0``, no db): the leader answering at once (one model request, the issue's
~1.1 ms team) and the leader delegating once to the member, then answering (three requests).
The allocation-heavy case: 30 memory-measured calls (``measure_runtime=False``,
``warmup_runs=0``) of a ~2.7 ms pure-Python integer loop, as a multiple of the bare call, next to
tracemalloc alone at traceback depth 1 (its floor), each repeat timing the bare loop, the traced
loop and every eval in turn. A single repeat's ratio moves by +-10 % on a 2-core VM (the bare
call's own time drifts between repeats), so this part takes more repeats (``--heavy-repeats``,
default 9) and also reports each eval against tracemalloc alone *in the same repeat* (paired),
which that drift cancels out of. tracemalloc's cost per allocation grows with the number of
Python frames under it, so the case is measured twice: from the top of this script, and from a
test of a fresh pytest project run in a subprocess (where users call ``perf_eval``: pytest,
pluggy and the test put 30-odd frames under the caller); ``--no-pytest`` skips the second.

Not a test: a figure of the machine it runs on. ``--markdown`` writes the tables to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ["AGNO_TELEMETRY"] = "false"
os.environ.setdefault("OPENAI_API_KEY", "sk-agno-bench")

from benchmarks._harness import FAST, script_mock
from benchmarks._machine import describe
from benchmarks._peers import agno_version, make_agent, make_team
from pytest_agno import MockOpenAI

MODES: dict[str, dict[str, Any]] = {
    "runtime + memory": {"measure_runtime": True, "measure_memory": True},
    # Agno tracks growth only while measuring memory; agno_core makes the same one call either way.
    "growth tracking": {
        "measure_runtime": False,
        "measure_memory": True,
        "memory_growth_tracking": True,
    },
}


def calls_per_iteration(impl: str, mode: str) -> float:
    """Measured calls one more iteration makes between ``SHORT`` and ``LONG`` iterations."""
    if mode == "growth tracking":
        return 1.0
    if impl == "agno":
        return 2.0
    import agno_core.eval._engine as _engine

    # Versions without the sample measured memory on every iteration (a "before" run).
    sample = getattr(_engine, "MEMORY_SAMPLES_WITH_RUNTIME", LONG)
    traced = min(LONG, sample) - min(SHORT, sample)
    return 1.0 + traced / (LONG - SHORT)


SHORT, LONG = 5, 25
TEAM_DIRECT = "team, leader answers (1 request)"
SUBJECTS = ("agent", TEAM_DIRECT, "team, one delegation (3 requests)")


def _eval(impl: str, func: Callable[[], Any], iterations: int, mode: str) -> Any:
    settings = {"num_iterations": iterations, "warmup_runs": 0, **MODES[mode]}
    if impl == "agno":
        from agno.eval.performance import PerformanceEval as AgnoPerformanceEval

        return AgnoPerformanceEval(func=func, show_spinner=False, telemetry=False, **settings)
    from agno_core.eval.performance import PerformanceEval

    return PerformanceEval(func=func, **settings)


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


async def _time_eval(
    impl: str, func: Callable[[], Any], iterations: int, mode: str
) -> tuple[float, float]:
    evaluation = _eval(impl, func, iterations, mode)
    start = _clock()
    await evaluation.arun()
    return _since(start)


async def _bare(func: Callable[[], Awaitable[None]], calls: int = 20) -> tuple[float, float]:
    start = _clock()
    for _ in range(calls):
        await func()
    wall, cpu = _since(start)
    return wall / calls, cpu / calls


async def _slopes(impls: list[str], repeats: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for subject in SUBJECTS:
        funcs = {}
        for impl in impls:
            if subject == "agent":
                runner = make_agent(impl, model_id=FAST)
            elif subject == TEAM_DIRECT:
                runner = make_team(impl, leader=FAST)
            else:
                runner = make_team(impl)
            funcs[impl] = runner.arun
            for _ in range(10):
                await runner.arun("hi")
        for mode in MODES:
            times: dict[tuple[str, int], list[tuple[float, float]]] = {}
            bare: dict[str, list[tuple[float, float]]] = {}
            for _ in range(repeats):
                for impl in impls:

                    async def func(run: Any = funcs[impl]) -> None:
                        await run("hi")  # Agno's arun() wants an `async def`

                    bare.setdefault(impl, []).append(await _bare(func))
                    for iterations in (SHORT, LONG):
                        elapsed = await _time_eval(impl, func, iterations, mode)
                        times.setdefault((impl, iterations), []).append(elapsed)
            for impl in impls:
                row: dict[str, Any] = {"subject": subject, "mode": mode, "impl": impl}
                for index, clock in enumerate(("wall", "cpu")):
                    long = statistics.median(t[index] for t in times[(impl, LONG)])
                    short = statistics.median(t[index] for t in times[(impl, SHORT)])
                    slope = (long - short) / (LONG - SHORT)
                    call = statistics.median(t[index] for t in bare[impl])
                    row[f"{clock}_bare_call"] = call
                    row[f"{clock}_slope"] = slope
                    row[f"{clock}_overhead"] = slope - calls_per_iteration(impl, mode) * call
                    row[f"{clock}_eval_{LONG}"] = long / LONG
                rows.append(row)
    return rows


def integer_loop() -> int:
    """About 2.7 ms of pure-Python integer arithmetic (every step allocates an int)."""
    total = 0
    for i in range(50_000):
        total += i * i % 7
    return total


def _stack_depth() -> int:
    frame = sys._getframe(1)
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


def _heavy(impls: list[str], repeats: int) -> list[dict[str, Any]]:
    """The allocation-heavy case: one row per measurer, ratios to the bare call (medians)."""
    calls = 30
    depth = _stack_depth()
    for _ in range(20):
        integer_loop()
    bare: list[float] = []
    floor: list[float] = []
    evals: dict[str, list[float]] = {impl: [] for impl in impls}
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(calls):
            integer_loop()
        one = (time.process_time() - start) / calls
        bare.append(one)
        tracemalloc.start(1)
        start = time.process_time()
        for _ in range(calls):
            integer_loop()
        floor.append((time.process_time() - start) / calls / one)
        tracemalloc.stop()
        for impl in impls:
            evaluation = _eval(impl, integer_loop, calls, "runtime + memory")
            evaluation.measure_runtime = False
            start = time.process_time()
            evaluation.run()
            evals[impl].append((time.process_time() - start) / calls / one)
    rows = [
        {"impl": "tracemalloc alone, depth 1", "ratio": statistics.median(floor), "paired": 1.0},
        *(
            {
                "impl": impl,
                "ratio": statistics.median(evals[impl]),
                "paired": statistics.median(e / f for e, f in zip(evals[impl], floor, strict=True)),
            }
            for impl in impls
        ),
    ]
    for row in rows:
        row["bare_call"] = statistics.median(bare)
        row["depth"] = depth
    return rows


_IN_PYTEST = """
import json
import os

from benchmarks.eval_overhead import _heavy


def test_allocation_heavy():
    rows = _heavy({impls!r}, {repeats})
    with open(os.environ["AGNO_BENCH_HEAVY_OUT"], "w", encoding="utf-8") as out:
        json.dump(rows, out)
"""


# pytest-asyncio would warn about its unset loop scope; the test is synchronous.
_NO_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:asyncio")


def _heavy_in_pytest(impls: list[str], repeats: int) -> list[dict[str, Any]]:
    """The same case measured from inside a test of a fresh pytest project, where users are."""
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pytest.ini").write_text("[pytest]\n")
        (project / "test_heavy.py").write_text(_IN_PYTEST.format(impls=impls, repeats=repeats))
        out = project / "rows.json"
        env = {
            **os.environ,
            "AGNO_BENCH_HEAVY_OUT": str(out),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])),
        }
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", *_NO_PLUGINS],
            cwd=project,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def markdown(
    slopes: list[dict[str, Any]],
    heavy: list[dict[str, Any]],
    repeats: int,
    heavy_repeats: int,
    heavy_pytest: list[dict[str, Any]] | None = None,
) -> str:
    """The benchmark's tables (the slope table only when the slopes were measured)."""
    machine = describe()
    load = ", ".join(f"{x:.2f}" for x in machine["load_average"])
    lines: list[str] = []
    if slopes:
        lines += [
            f"PerformanceEval overhead per iteration (slope between {SHORT} and {LONG} "
            f"iterations, median of {repeats} interleaved repeats; {machine['date']}, "
            f"{machine['cores']} cores, load {load}; `python -m benchmarks.eval_overhead "
            f"--repeats {repeats}`). CPU time of the process (what the eval costs, whatever else "
            "the machine runs) and wall time:",
            "",
            "| subject | mode | impl | bare call CPU | overhead/iteration CPU | bare call wall "
            f"| overhead/iteration wall | whole eval at {LONG} iterations, per iteration, CPU |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['subject']} | {r['mode']} | {r['impl']} | {_ms(r['cpu_bare_call'])} | "
            f"**{_ms(r['cpu_overhead'])}** | {_ms(r['wall_bare_call'])} | "
            f"{_ms(r['wall_overhead'])} | {_ms(r[f'cpu_eval_{LONG}'])} |"
            for r in slopes
        ]
        lines.append("")
    bare = heavy[0]["bare_call"]
    lines += [
        f"Allocation-heavy: 30 memory-measured calls of a {_ms(bare)} (CPU) integer loop, "
        "whole eval per call as a multiple of the bare call (CPU time), median of "
        f"{heavy_repeats} repeats ({machine['date']}, load {load}); paired: the same "
        "eval against tracemalloc alone (started by hand where the eval is called) timed in the "
        "same repeat. Called from the top of a script "
        f"({heavy[0]['depth']} frames under the caller)"
        + (
            f" and from a test of a fresh pytest project ({heavy_pytest[0]['depth']} frames "
            "under the test):"
            if heavy_pytest
            else ":"
        ),
        "",
    ]
    if heavy_pytest:
        lines += [
            "| measured by | script: x bare call | script: paired | pytest test: x bare call "
            "| pytest test: paired |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['impl']} | {r['ratio']:.1f}x | {r['paired']:.2f}x | {p['ratio']:.1f}x | "
            f"{p['paired']:.2f}x |"
            for r, p in zip(heavy, heavy_pytest, strict=True)
        ]
    else:
        lines += [
            "| measured by | x bare call | x tracemalloc alone (paired) |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {r['impl']} | {r['ratio']:.1f}x | {r['paired']:.2f}x |" for r in heavy]
    return "\n".join(lines) + "\n"


async def _main_async(impls: list[str], repeats: int) -> list[dict[str, Any]]:
    return await _slopes(impls, repeats)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats per figure")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--no-agno", action="store_true", help="agno_core only")
    parser.add_argument(
        "--heavy-repeats", type=int, default=9, help="repeats of the allocation-heavy case"
    )
    parser.add_argument("--heavy-only", action="store_true", help="only the allocation-heavy case")
    parser.add_argument(
        "--no-pytest", action="store_true", help="allocation-heavy case from the script only"
    )
    args = parser.parse_args(argv)
    impls = ["agno_core"] + ([] if args.no_agno or agno_version() is None else ["agno"])
    slopes: list[dict[str, Any]] = []
    if not args.heavy_only:
        with MockOpenAI() as mock:
            script_mock(mock)
            mock.keep_requests = 0
            slopes = asyncio.run(_main_async(impls, args.repeats))
    heavy = _heavy(impls, args.heavy_repeats)
    heavy_pytest = None if args.no_pytest else _heavy_in_pytest(impls, args.heavy_repeats)
    text = markdown(slopes, heavy, args.repeats, args.heavy_repeats, heavy_pytest)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
