"""Trend plots for the HTML report: each eval's runtime and growth over the last runs.

Built from ``--agno-eval-history`` entries (see `pytest_agno.report._history`), the current run
last. The band is the most recent baseline's value plus and minus its comparison threshold; runs
whose comparison called the metric a regression are marked.
"""

from __future__ import annotations

import time
from typing import Any

from pytest_agno.report._format import format_duration, format_signed_bytes
from pytest_agno.report._svg import trend_plot

__all__ = ["trend_section"]

_METRICS = (
    ("median_run_time", "trend-runtime", "Median runtime", format_duration),
    (
        "avg_growth_per_iteration",
        "trend-growth",
        "Memory growth per iteration",
        format_signed_bytes,
    ),
)


def _label(entry: dict[str, Any]) -> str:
    provenance = entry.get("provenance") or {}
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry["created_at"]))
    commit = (provenance.get("commit") or "")[:8]
    machine = provenance.get("machine") or ""
    return " ".join(part for part in (when, commit, machine) if part)


def trend_section(key: str, history: list[dict[str, Any]]) -> str:
    """The trend plots of eval ``key`` (empty when it was in fewer than two runs)."""
    runs = [entry for entry in history if key in entry["evals"]]
    if len(runs) < 2:
        return ""
    labels = [_label(entry) for entry in runs]
    plots = []
    for metric, kind, heading, fmt in _METRICS:
        values = [entry["evals"][key].get(metric) for entry in runs]
        regressions = [
            index
            for index, entry in enumerate(runs)
            if metric in entry["evals"][key].get("regressions", ())
        ]
        band = None
        for entry in reversed(runs):
            baseline = entry["evals"][key].get("baseline", {}).get(metric)
            if baseline is not None:
                value, threshold = baseline
                band = (value - threshold, value + threshold)
                break
        plots.append(
            trend_plot(
                kind,
                f"{heading} over the last {len(runs)} runs of {key}",
                values,
                fmt,
                band=band,
                regressions=regressions,
                labels=labels,
            )
        )
    return f'<h4>Trend</h4><div class="plots trends">{"".join(plots)}</div>'
