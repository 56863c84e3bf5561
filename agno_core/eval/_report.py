"""Summaries of a result: plain text, or ``rich`` tables when rich is installed.

The content is built once as :class:`_Table` values; two small renderers turn them into text or
into rich tables. ``rich`` is imported only when something is printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agno_core.eval._stats import summarize
from agno_core.eval._units import MIB, format_bytes, format_duration, format_signed_bytes

if TYPE_CHECKING:
    from rich.console import Console

    from agno_core.eval._measured import Measured, MeasuredSite

__all__ = ["print_results", "print_summary", "results_text", "summary_text"]

_STAT_COLUMNS = ("Metric", "Average", "Min", "Max", "Std Dev", "Median", "P95")


@dataclass(frozen=True, kw_only=True, slots=True)
class _Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    notes: list[str] = field(default_factory=list)


def _display_path(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if relative.startswith("..") else relative


def _stat_row(label: str, values: Sequence[float], fmt: Callable[[float], str]) -> tuple[str, ...]:
    stats = summarize(values)
    return (
        label,
        *(fmt(value) for value in (stats.avg, stats.min, stats.max, stats.std_dev)),
        fmt(stats.median),
        fmt(stats.p95),
    )


def _title(result: Measured, what: str) -> str:
    label = f" '{result.name}'" if result.name else ""
    when = datetime.fromtimestamp(result.created_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{what}{label} ({result.num_iterations} iterations, {when})"


def _statistics_table(result: Measured) -> _Table:
    rows: list[tuple[str, ...]] = []
    notes: list[str] = [f"eval_id {result.eval_id}; warm-up runs: {result.warmup_runs}"]
    if result.run_times:
        rows.append(_stat_row("Wall time per call", result.run_times, format_duration))
        rows.append(_stat_row("CPU time per call", result.cpu_times, format_duration))
        notes.append(f"calls per timed sample: {result.calls_per_sample}")
        if result.outliers:
            flagged = ", ".join(str(index) for index in result.outliers)
            notes.append(f"runtime outliers (flagged, kept): samples {flagged}")
    if result.memory_usages:
        peaks: list[float] = [*result.peak_memory_usages] or [
            usage * MIB for usage in result.memory_usages
        ]
        rows.append(_stat_row("Peak memory", peaks, format_bytes))
        rows.append(_stat_row("Retained per call", result.retained_memory_per_call, format_bytes))
    return _Table(
        title=_title(result, "Performance summary"), columns=_STAT_COLUMNS, rows=rows, notes=notes
    )


def _site_row(rank: int, site: MeasuredSite, iterations: int) -> tuple[str, ...]:
    per_iteration = site.size_diff / iterations if iterations else 0.0
    return (
        str(rank),
        f"{_display_path(site.filename)}:{site.lineno}",
        format_signed_bytes(site.size_diff),
        format_signed_bytes(per_iteration),
        f"{site.count_diff:+d}",
        " <- ".join(_display_path(entry) for entry in site.traceback[1:4]) or "-",
    )


def _growth_table(result: Measured) -> _Table:
    if not result.growth_tracked:
        return _Table(
            title="Memory growth",
            columns=(),
            rows=[],
            notes=["not tracked (set memory_growth_tracking=True)"],
        )
    iterations = len(result.growth_per_iteration)
    per_iteration = ", ".join(format_signed_bytes(size) for size in result.growth_per_iteration)
    notes = [
        f"average growth per iteration: {format_signed_bytes(result.avg_growth_per_iteration)}"
        f" ({result.avg_growth_per_iteration:.0f} bytes)",
        f"per iteration: {per_iteration}",
    ]
    if not result.growth_sites:
        notes.append("no line grew")
    return _Table(
        title="Memory growth: top sites over the measured iterations",
        columns=("#", "Site", "Total", "Per iteration", "Blocks", "Called from")
        if result.growth_sites
        else (),
        rows=[
            _site_row(rank, site, iterations)
            for rank, site in enumerate(result.growth_sites, start=1)
        ],
        notes=notes,
    )


def _results_table(result: Measured) -> _Table:
    columns = {
        "Wall time/call": [format_duration(value) for value in result.run_times],
        "CPU time/call": [format_duration(value) for value in result.cpu_times],
        "Peak memory": [format_bytes(value) for value in result.peak_memory_usages],
        "Retained": [format_signed_bytes(value) for value in result.retained_memory_per_call],
        "Growth": [format_signed_bytes(value) for value in result.growth_per_iteration],
    }
    columns = {name: values for name, values in columns.items() if values}
    count = max((len(values) for values in columns.values()), default=0)
    outliers = set(result.outliers)
    rows = [
        (
            f"{index + 1}{' *' if index in outliers else ''}",
            *(values[index] if index < len(values) else "-" for values in columns.values()),
        )
        for index in range(count)
    ]
    notes = ["* runtime outlier (Tukey's fences)"] if outliers else []
    return _Table(
        title=_title(result, "Performance results"),
        columns=("Iteration", *columns),
        rows=rows,
        notes=notes,
    )


def _render_text(table: _Table) -> str:
    lines = [table.title]
    if table.columns:
        grid = [table.columns, *table.rows]
        widths = [max(len(row[column]) for row in grid) for column in range(len(table.columns))]
        for row in grid:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            lines.append("  " + "  ".join(cells).rstrip())
    lines.extend(f"  {note}" for note in table.notes)
    return "\n".join(lines)


def _print_rich_or_text(tables: list[_Table], console: Console | None) -> None:
    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        print("\n\n".join(_render_text(table) for table in tables))
        return
    console = console or Console()
    for table in tables:
        if not table.columns:
            console.print(f"[bold]{escape(table.title)}[/bold]: " + escape("; ".join(table.notes)))
            continue
        rich_table = Table(
            title=escape(table.title), caption=escape("\n".join(table.notes)) or None
        )
        for column in table.columns:
            rich_table.add_column(column, overflow="fold")  # paths: wrap, never truncate
        for row in table.rows:
            rich_table.add_row(*(Text(cell) for cell in row))
        console.print(rich_table)


def summary_text(result: Measured) -> str:
    """Statistics, outliers, memory growth and growth sites as plain text."""
    return "\n\n".join(_render_text(table) for table in _summary_tables(result))


def results_text(result: Measured) -> str:
    """Every sample, iteration by iteration, as plain text."""
    return _render_text(_results_table(result))


def _summary_tables(result: Measured) -> list[_Table]:
    return [_statistics_table(result), _growth_table(result)]


def print_summary(result: Measured, console: Console | None = None) -> None:
    """Print :func:`summary_text`'s content (rich tables if rich is installed)."""
    _print_rich_or_text(_summary_tables(result), console)


def print_results(result: Measured, console: Console | None = None) -> None:
    """Print :func:`results_text`'s content (a rich table if rich is installed)."""
    _print_rich_or_text([_results_table(result)], console)
