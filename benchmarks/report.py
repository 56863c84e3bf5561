"""Turn a pytest-benchmark JSON file into the Markdown results table.

Usage: ``python benchmarks/report.py RESULTS.json [--out benchmarks/RESULTS.md]``. Prints the
table and writes it to ``--out``. ``scripts/bench.sh`` runs it after the benchmarks.

Every figure is per operation (a round's median divided by the operations in the round). Ratios
come from rounds interleaved with their reference (see ``benchmarks/_harness.py``), never from two
figures measured minutes apart, so they hold on a loaded machine where absolute times do not.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["render"]


@dataclass(frozen=True)
class Target:
    """A target from the issues: ``check(value) -> passed`` and how to say it."""

    text: str
    check: Callable[[float], bool]
    # "value" (the agno_core figure), "floor" (its ratio to the floor), "agno" (vs Agno),
    # "reference" (its ratio to the reference it was interleaved with, e.g. the scripted mock)
    on: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str = "time"  # time | throughput | overhead
    target: Target | None = None


def _at_most(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


def _below(limit: float) -> Callable[[float], bool]:
    return lambda value: value < limit


FIGURES = [
    Figure("floor", "Bare SDK call `AsyncOpenAI().chat.completions.create()` (the floor)"),
    Figure(
        "agent_run_sqlite",
        "`await agent.arun()` on SqliteDb (new session per run: session size 1)",
        target=Target("<= 1.5x floor", _at_most(1.5), "floor"),
    ),
    Figure(
        "agent_run_sqlite_worker",
        "`await agent.arun()` on `SqliteDb(commit_on_loop=False)` (writes in the worker thread)",
    ),
    Figure("agent_run_nodb", "`await agent.arun()` without db"),
    Figure(
        "team_run_nodb",
        "Team run, 1 member, 1 delegation, no db (vs 3 floor calls)",
        target=Target("<= 1.5x 3 SDK calls", _at_most(1.5), "floor"),
    ),
    Figure(
        "team_run_sqlite",
        "Team run, 1 member, 1 delegation, SqliteDb (vs 3 floor calls)",
        target=Target("<= 1.5x 3 SDK calls", _at_most(1.5), "floor"),
    ),
    Figure(
        "team_requests_sdk",
        "The team run's 3 requests sent as bare SDK calls (vs 3 floor calls)",
    ),
    Figure(
        "agent_run_sqlite_vs_posted",
        "`await agent.arun()` on SqliteDb vs its request posted as agno_core posts it "
        "(`client.post`, no SDK parameter walk): the runtime's own cost",
    ),
    Figure(
        "team_run_sqlite_vs_posted",
        "Team run on SqliteDb vs its 3 requests posted as agno_core posts them: "
        "the runtime's own cost",
    ),
    Figure("poll", "`await agent.aget_run_output()` of a completed run (SQLite)"),
    Figure("session_runs_1_100", "Per run, runs 1-100 of one session (SQLite)"),
    Figure("session_runs_901_1000", "Per run, runs 901-1000 of the same session"),
    Figure(
        "bg_submit",
        "`await agent.arun(background=True)` returns (PENDING row written, SQLite)",
        target=Target("< 1 ms", _below(1e-3), "value"),
    ),
    Figure("bg_end_to_end", "Background run end to end: submit to final row (SQLite)"),
    Figure(
        "cancel_in_process",
        "Cancel in process: `acancel_run` to CANCELLED row, mid model call",
        target=Target("< 10 ms", _below(10e-3), "value"),
    ),
    Figure(
        "cancel_cross_process",
        "Cancel from another process (shared SQLite file) to CANCELLED row",
        target=Target("< 1 s", _below(1.0), "value"),
    ),
    Figure(
        "pg_throughput",
        "Background throughput, PostgreSQL, 50 ms model latency, concurrency 100",
        kind="throughput",
        target=Target(">= 500 runs/s", lambda v: v >= 500, "value"),
    ),
    Figure(
        "agent_init",
        "`Agent(...)` instantiation (shared model and db)",
        target=Target("< 5 us", _below(5e-6), "value"),
    ),
    Figure(
        "team_init",
        "`Team(...)` instantiation (one member)",
        target=Target("< 10 us", _below(10e-6), "value"),
    ),
    Figure(
        "eval_overhead_runtime_memory",
        "PerformanceEval overhead per iteration, runtime + memory, trivial function",
        kind="overhead",
        target=Target("lower than Agno's", _below(1.0), "agno"),
    ),
    Figure(
        "eval_overhead_growth",
        "PerformanceEval overhead per iteration, memory growth tracking, trivial function",
        kind="overhead",
        target=Target("lower than Agno's", _below(1.0), "agno"),
    ),
    *(
        Figure(
            f"{key}_openai{line}",
            f"{label}, openai {line}.x (vs the same run on the scripted mock)",
            target=Target("<= 1.2x the scripted run", _at_most(1.2), "reference"),
        )
        for line in (2, 3)
        for key, label in (
            ("cassette_replay", "`await agent.arun()` replayed from a cassette"),
            ("cassette_replay_stream", "`agent.arun(stream=True)` replayed from a cassette"),
        )
    ),
    Figure(
        "httpx2_patch",
        "Bare SDK call on openai 3.x through the mock's httpx2 transport patch "
        "(vs an injected `httpx2.MockTransport` client, same handler)",
    ),
]
MEMORY_TARGETS = {"agent_init": 3 * 1024}


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.2f} us"
    return f"{value * 1e9:.0f} ns"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _bytes(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1024:.2f} KiB" if value >= 1024 else f"{value:.0f} B"


@dataclass
class _Measured:
    """One implementation's measurement of one figure."""

    per_op: float  # seconds per operation (or per eval iteration)
    vs_floor: float | None
    vs_reference: float | None
    reference: str | None
    info: dict[str, Any]

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> _Measured:
        info = entry["extra_info"]
        reference = info.get("reference")
        ratio = info.get("ratio_to_reference")
        floor = ratio if isinstance(reference, str) and reference.startswith("floor") else None
        per_op = entry["stats"]["median"] / info.get("calls", 1)
        return cls(
            per_op=per_op, vs_floor=floor, vs_reference=ratio, reference=reference, info=info
        )

    def value(self, kind: str) -> float:
        if kind == "throughput":
            return 1.0 / self.per_op
        if kind == "overhead":
            return float(self.info.get("overhead_per_iteration", self.per_op))
        # Submit latency: as the awaiting coroutine sees it (see bench_background.py).
        return float(self.info.get("awaited_median", self.per_op))


def _collect(data: dict[str, Any]) -> dict[str, dict[str, _Measured]]:
    """``figure -> impl -> measurement``."""
    out: dict[str, dict[str, _Measured]] = {}
    for entry in data.get("benchmarks", []):
        info = entry.get("extra_info", {})
        if "figure" in info:
            out.setdefault(info["figure"], {})[info["impl"]] = _Measured.from_entry(entry)
    return out


def _vs_agno(figure: Figure, ours: _Measured, agno: _Measured | None) -> float | None:
    if agno is None:
        return None
    if figure.kind == "overhead":
        return ours.value("overhead") / agno.value("overhead")
    if ours.reference == "agno" and ours.vs_reference is not None:
        return ours.vs_reference  # interleaved with Agno directly
    if ours.vs_floor is not None and agno.vs_floor is not None:
        return ours.vs_floor / agno.vs_floor  # each against its interleaved floor
    return ours.per_op / agno.per_op


def _format(figure: Figure, value: float | None) -> str:
    if value is None:
        return "—"
    if figure.kind == "throughput":
        return f"{value:.0f} runs/s"
    return _seconds(value)


def _status(figure: Figure, ours: _Measured | None, vs_agno: float | None) -> str:
    target = figure.target
    if target is None or ours is None:
        return ""
    subject = {
        "value": ours.value(figure.kind),
        "floor": ours.vs_floor,
        "agno": vs_agno,
        "reference": ours.vs_reference,
    }[target.on]
    if subject is None:
        return f"{target.text}: not measured"
    return f"{target.text}: **{'pass' if target.check(subject) else 'MISS'}**"


def _rows(figures: dict[str, dict[str, _Measured]]) -> list[list[str]]:
    rows: list[list[str]] = []
    for figure in FIGURES:
        measured = figures.get(figure.key)
        if not measured:
            continue
        ours = measured.get("agno_core") or measured.get("sdk")
        agno = measured.get("agno")
        vs_agno = _vs_agno(figure, ours, agno) if ours is not None else None
        rows.append(
            [
                figure.label,
                _format(figure, ours.value(figure.kind)) if ours else "—",
                _vs_floor_cell(ours),
                _format(figure, agno.value(figure.kind)) if agno else "—",
                _ratio(agno.vs_floor) if agno else "—",
                _ratio(vs_agno),
                _status(figure, ours, vs_agno),
            ]
        )
        if figure.key == "session_runs_901_1000":
            rows.append(_growth_row(figures))
        if figure.key in ("agent_init", "team_init"):
            rows.append(_memory_row(figure, ours, agno))
    return rows


def _vs_floor_cell(ours: _Measured | None) -> str:
    """The floor ratio; for a figure timed against another reference, that ratio, named."""
    if ours is None:
        return "—"
    if ours.vs_floor is None and ours.vs_reference is not None and ours.reference:
        return f"{_ratio(ours.vs_reference)} vs {ours.reference}"
    return _ratio(ours.vs_floor)


def _growth_row(figures: dict[str, dict[str, _Measured]]) -> list[str]:
    """Runs 901-1000 against runs 1-100, each normalised by its interleaved floor."""
    early, late = figures.get("session_runs_1_100", {}), figures.get("session_runs_901_1000", {})

    def growth(impl: str) -> float | None:
        a, b = early.get(impl), late.get(impl)
        if a is None or b is None:
            return None
        if a.vs_floor is not None and b.vs_floor is not None:
            return b.vs_floor / a.vs_floor
        return b.per_op / a.per_op

    ours, agno = growth("agno_core"), growth("agno")
    status = "" if ours is None else f"<= 1.2x: **{'pass' if ours <= 1.2 else 'MISS'}**"
    return [
        "Per-run cost growth: runs 901-1000 / runs 1-100 (floor-normalised)",
        _ratio(ours),
        "",
        _ratio(agno),
        "",
        _ratio(ours / agno) if ours and agno else "—",
        status,
    ]


def _memory_row(figure: Figure, ours: _Measured | None, agno: _Measured | None) -> list[str]:
    def size(m: _Measured | None) -> float | None:
        return None if m is None else m.info.get("bytes_per_instance")

    mine, theirs = size(ours), size(agno)
    limit = MEMORY_TARGETS.get(figure.key)
    status = ""
    if limit is not None and mine is not None:
        status = f"< {_bytes(limit)}: **{'pass' if mine < limit else 'MISS'}**"
    name = "`Agent(...)`" if figure.key == "agent_init" else "`Team(...)`"
    return [
        f"{name} memory per live instance (tracemalloc)",
        _bytes(mine),
        "",
        _bytes(theirs),
        "",
        _ratio(mine / theirs) if mine and theirs else "—",
        status,
    ]


def _notes(figures: dict[str, dict[str, _Measured]]) -> list[str]:
    notes: list[str] = []
    floor = figures.get("floor", {}).get("sdk")
    if floor is not None and floor.vs_reference is not None:
        notes.append(
            f"- Noise check: the floor timed against itself, round by round, gives "
            f"{floor.vs_reference:.2f}x."
        )
    for impl, m in figures.get("pg_throughput", {}).items():
        notes.append(
            f"- Throughput ({impl}): {m.info.get('persisted_completed')} of "
            f"{m.info.get('submitted')} submitted runs read back COMPLETED; the floor (the same "
            f"number of bare SDK calls, 100 at a time, same 50 ms mock) ran at "
            f"{1 / m.info['reference_per_op']:.0f} calls/s in the same rounds."
        )
    for impl, m in figures.get("bg_submit", {}).items():
        if "awaited_median" in m.info:
            notes.append(
                f"- Background submit ({impl}): {_seconds(m.info['awaited_median'])} as the "
                f"awaiting coroutine sees it (the figure); {_seconds(m.per_op)} per round, which "
                "also holds the loop's stop and the first step of the run's task."
            )
    cancel = figures.get("cancel_in_process", {}).get("agno")
    if cancel is not None:
        notes.append(
            "- Agno's in-process cancel cannot interrupt a model call: its figure is the rest "
            f"of a {cancel.info.get('model_call_latency')} s mocked call. agno_core's mocked "
            "call would have lasted 30 s; it is interrupted."
        )
    for key in ("agent_init", "team_init"):
        for impl, m in figures.get(key, {}).items():
            peak = m.info.get("eval_peak_bytes")
            if peak is not None:
                notes.append(
                    f"- {key} ({impl}): median peak per call measured by agno_core's "
                    f"PerformanceEval: {_bytes(peak)}."
                )
    return notes


def render(data: dict[str, Any]) -> str:
    """The Markdown report of a pytest-benchmark JSON document."""
    figures = _collect(data)
    machine = data.get("machine_info", {}).get("agno_bench", {})
    versions = machine.get("versions", {})
    load = ", ".join(f"{x:.2f}" for x in machine.get("load_average", []))
    header = [
        "# Benchmark results",
        "",
        f"- Command: `{machine.get('command', '?')}`",
        f"- Date: {machine.get('date', data.get('datetime', '?'))}",
        f"- Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores; "
        f"load average at the end of the run: {load or '?'}",
        f"- Python {machine.get('python', '?')}; "
        + ", ".join(f"{name} {ver}" for name, ver in versions.items() if ver),
        "",
        "Medians per operation. `x floor` is the median of per-round ratios against the bare "
        "SDK call on the same mock, timed in alternation with the subject (a team run against "
        "3 SDK calls, throughput against the same calls made 100 at a time). `agno_core / "
        "Agno` divides the two floor ratios (instantiation and PerformanceEval: agno_core "
        "and Agno interleaved directly). Below 1 means agno_core is faster.",
        "",
    ]
    table = [
        "| Figure | agno_core | x floor | Agno | Agno x floor | agno_core / Agno | Target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    table += ["| " + " | ".join(row) + " |" for row in _rows(figures)]
    notes = _notes(figures)
    return "\n".join(header + table + (["", *notes] if notes else [])) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "json",
        type=Path,
        nargs="+",
        help="pytest-benchmark JSON (--benchmark-json); more files add their figures (e.g. the "
        "openai 3.x run), the first one's machine facts head the report",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args(argv)
    documents = [json.loads(path.read_text()) for path in args.json]
    data = documents[0]
    for extra in documents[1:]:
        data["benchmarks"] = [*data.get("benchmarks", []), *extra.get("benchmarks", [])]
        extra_versions = extra.get("machine_info", {}).get("agno_bench", {}).get("versions", {})
        versions = data.setdefault("machine_info", {}).setdefault("agno_bench", {})
        versions = versions.setdefault("versions", {})
        for name in ("openai", "httpx2"):
            if extra_versions.get(name):
                versions[f"{name} (second run)"] = extra_versions[name]
    text = render(data)
    print(text)
    args.out.write_text(text + _kept_sections(args.out))


#: Sections of RESULTS.md written by the standalone scripts (``eval_overhead.py``,
#: ``gate_stability.py``, ``plugin_suite.py``) start at one of these lines; regenerating the
#: table keeps everything from the first of them on.
KEPT_MARKER = "<!-- sections below are kept when the table is regenerated -->"
KEPT_MARKERS = (KEPT_MARKER, "<!-- plugin-suite -->")


def _kept_sections(path: Path) -> str:
    try:
        previous = path.read_text()
    except OSError:
        return ""
    found = [at for at in (previous.find(marker) for marker in KEPT_MARKERS) if at >= 0]
    return "\n" + previous[min(found) :] if found else ""


if __name__ == "__main__":
    main()
