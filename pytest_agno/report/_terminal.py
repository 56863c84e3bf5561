"""The ``--agno-eval`` terminal summary: a table of perf evals and one of run metrics per test."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pytest_agno.report._format import (
    clip_middle,
    format_bytes,
    format_duration,
    format_signed_bytes,
)

if TYPE_CHECKING:
    from pytest_agno.report._records import EvalRecord, TestRecord
    from pytest_agno.report._view import SessionView

__all__ = ["eval_verdict", "write_summary"]

_MIN_NAME_WIDTH = 56


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """Aligned lines; the first column (a name) is clipped so that a line fits ``width``."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    room = width - 2 - sum(widths[1:]) - 2 * (len(widths) - 1)
    if widths[0] > room:
        widths[0] = max(room, _MIN_NAME_WIDTH)
        rows = [[clip_middle(row[0], widths[0]), *row[1:]] for row in rows]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)]
        cells.append(row[-1])
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def eval_verdict(record: EvalRecord) -> str:
    """``pass``, ``FAIL``, ``ERROR`` or ``expected`` (a failure its test expected: ``expected
    FAIL``), with the baseline comparison's verdict when one was asked for."""
    verdict = {"fail": "FAIL", "error": "ERROR"}.get(record.verdict, "pass")
    if record.expected:
        verdict = f"expected {verdict}"
    if record.baseline == "missing":
        return f"{verdict} (no baseline)"
    if record.comparison is not None:
        return f"{verdict} ({_comparison_verdict(record.comparison)})"
    return verdict


# The metrics in the words of --agno-eval-fail rules.
_SHORT_NAMES = {
    "median_run_time": "runtime",
    "p95_run_time": "p95",
    "median_peak_memory": "memory",
    "avg_growth_per_iteration": "growth",
}


def _comparison_verdict(comparison: dict[str, Any]) -> str:
    """The comparison's verdict; for a regression, which metrics regressed (``regression:
    p95``): a p95 regression alone fails no ``regression`` rule, and the row must say why its
    eval passed."""
    verdict = str(comparison["verdict"])
    if verdict != "regression":
        return verdict
    names = [
        _SHORT_NAMES.get(str(metric["metric"]), str(metric["metric"]))
        for metric in comparison.get("metrics") or ()
        if metric.get("verdict") == "regression"
    ]
    return f"regression: {', '.join(names)}" if names else verdict


def _eval_row(record: EvalRecord) -> list[str]:
    result: dict[str, Any] = record.result
    timed = bool(result.get("run_times"))
    peaks = result.get("peak_memory_usages") or []
    tracked = bool(result.get("growth_per_iteration"))
    per_run = record.tokens.tokens_per_run
    return [
        record.key,
        format_duration(result["median_run_time"]) if timed else "-",
        format_duration(result["p95_run_time"]) if timed else "-",
        format_bytes(max(peaks)) if peaks else "-",
        format_signed_bytes(result["avg_growth_per_iteration"]) if tracked else "-",
        f"{per_run:.0f}" if per_run is not None else "-",
        eval_verdict(record),
    ]


def _test_row(test: TestRecord) -> list[str]:
    totals = test.totals()
    statuses = Counter(run.status for run in test.runs)
    status = ", ".join(
        status if count == 1 else f"{status} x{count}" for status, count in statuses.items()
    )
    durations = [run.duration for run in test.runs if run.duration is not None]
    ttfts = [run.time_to_first_token for run in test.runs if run.time_to_first_token is not None]
    return [
        test.nodeid,
        str(totals.runs),
        str(totals.input_tokens),
        str(totals.output_tokens),
        str(totals.total_tokens),
        format_duration(statistics.median(durations)) if durations else "-",
        format_duration(statistics.median(ttfts)) if ttfts else "-",
        status,
    ]


def write_summary(terminal: Any, session: SessionView) -> None:
    """Write the report section (``terminal`` is pytest's ``TerminalReporter``)."""
    tests = session.reported()
    evals = session.evals()
    settings = session.settings
    writer = getattr(terminal, "_tw", None)  # pytest's TerminalWriter knows the width
    width = int(getattr(writer, "fullwidth", 0) or 100)
    terminal.write_sep("=", "agno eval")
    if settings.fail_expression and not settings.compare:
        terminal.write_line(
            f"agno_eval_fail {settings.fail_expression!r} gated nothing: no "
            "--agno-eval-compare baseline to compare with"
        )
    if settings.compare and not settings.baseline_found:
        terminal.write_line(
            f"baseline {settings.compare!r} not found at {settings.compare_path}: "
            "nothing compared (recorded as 'no baseline')"
        )
    if evals:
        failed = sum(1 for record in evals if record.failed)
        expected = sum(1 for record in evals if record.expected)
        also = f", {expected} expected to" if expected else ""
        terminal.write_line(f"perf evals: {len(evals)} ({failed} crossed a gate{also})")
        header = ["eval", "median", "p95", "peak", "growth/iter", "tokens/run", "verdict"]
        for line in _table(header, [_eval_row(record) for record in evals], width):
            terminal.write_line(f"  {line}")
        for record in evals:
            tag = "expected" if record.expected else "FAIL"
            for failure in record.failures:
                terminal.write_line(f"  {tag} {record.key}: {failure}")
    else:
        terminal.write_line("perf evals: none")
    with_runs = [test for test in tests if test.runs]
    if with_runs:
        count = sum(len(test.runs) for test in with_runs)
        terminal.write_line(f"agent/team runs: {count} in {len(with_runs)} tests")
        header = ["test", "runs", "input", "output", "total", "duration", "ttft", "status"]
        for line in _table(header, [_test_row(test) for test in with_runs], width):
            terminal.write_line(f"  {line}")
    else:
        terminal.write_line("agent/team runs: none")
    for label, path in session.written:
        terminal.write_line(f"{label} written to {path}")
    for note in session.notes:
        terminal.write_line(note)
