"""The ``--agno-eval-html`` page: one self-contained file (inline CSS and SVG, no script).

Built from the JSON report document, so both always agree. Every piece of text from the run
(test ids, eval names, file names, failure messages) is HTML-escaped.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from pytest_agno.report._format import format_bytes, format_duration, format_signed_bytes
from pytest_agno.report._svg import bar_chart, strip_plot

__all__ = ["render_html"]

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px;
       color: #1d2330; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #dde1e8; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; word-break: break-all; }
td:not(:first-child) { white-space: nowrap; }
.sites td:nth-child(4) { white-space: normal; text-align: left; word-break: break-all;
                         font-size: 12px; }
.pass { color: #17753a; } .fail { color: #b3261e; font-weight: 600; }
.eval { border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
.failures { color: #b3261e; white-space: pre-wrap; font-family: monospace; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
svg.plot { background: #fafbfc; border: 1px solid #e4e7ec; }
svg text { font: 11px system-ui, sans-serif; fill: #3b4252; }
svg text.heading { font-weight: 600; font-size: 12px; } svg .line-label { fill: #b3261e; }
svg .muted, .muted { fill: #7b8494; color: #7b8494; }
svg .axis, svg .tick { stroke: #7b8494; } svg .grid { stroke: #e4e7ec; }
svg .sample { fill: #3465a4; fill-opacity: 0.75; }
svg .marker { stroke: #b3261e; stroke-width: 1.5; } svg .marker.m1 { stroke-dasharray: 4 3; }
svg .bar { fill: #5b8bd0; } svg .line { fill: none; stroke: #b3261e; stroke-width: 2; }
svg .line.trend { stroke: #3465a4; } svg .band { fill: #17753a; fill-opacity: 0.12; }
svg .regression { fill: #b3261e; }
code { font-size: 12px; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False) -> str:
    """A table; cells are escaped unless ``raw`` (then the caller escaped them)."""
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if raw else _e(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _verdict(record: dict[str, Any]) -> str:
    expected = bool(record.get("expected"))
    failed = record["verdict"] != "pass" and not expected
    text = {"fail": "FAIL", "error": "ERROR"}.get(record["verdict"], "pass")
    if expected:
        text = f"expected {text}"
    if record["baseline"] == "missing":
        text += " (no baseline)"
    elif record["comparison"] is not None:
        text += f" ({record['comparison']['verdict']})"
    return f'<span class="{"fail" if failed else "pass"}">{_e(text)}</span>'


def _label(record: dict[str, Any]) -> str:
    """The eval's key, prefixed with its source's index in a merged report."""
    source = record.get("source")
    return record["key"] if source is None else f"[{source}] {record['key']}"


def _sources(document: dict[str, Any]) -> str:
    rows = [
        [
            f"[{index}]",
            source["path"],
            source["provenance"]["machine"],
            source["provenance"].get("job") or "-",
            (source["provenance"].get("commit") or "-")[:12],
            time.strftime("%Y-%m-%d %H:%M", time.localtime(source["created_at"])),
        ]
        for index, source in enumerate(document["sources"])
    ]
    header = ["source", "report", "machine", "job", "commit", "created"]
    return "<h2>Merged reports</h2>" + _table(header, rows)


def _eval_row(record: dict[str, Any]) -> list[str]:
    result, tokens = record["result"], record["tokens"]
    timed = bool(result["run_times"])
    peaks = result["peak_memory_usages"]
    return [
        f'<a href="#eval-{_e(record["index"])}">{_e(_label(record))}</a>',
        _e(format_duration(result["median_run_time"]) if timed else "-"),
        _e(format_duration(result["p95_run_time"]) if timed else "-"),
        _e(format_bytes(max(peaks)) if peaks else "-"),
        _e(
            format_signed_bytes(result["avg_growth_per_iteration"])
            if result["growth_per_iteration"]
            else "-"
        ),
        _e(f"{tokens['total_tokens'] / tokens['runs']:.0f}" if tokens["runs"] else "-"),
        _verdict(record),
    ]


def _plots(record: dict[str, Any]) -> str:
    result = record["result"]
    name = record["key"]
    runtime = strip_plot(
        "runtime",
        f"Runtime distribution of {name}",
        result["run_times"],
        format_duration,
        [("median", result["median_run_time"]), ("p95", result["p95_run_time"])],
    )
    memory = bar_chart(
        "memory", f"Peak memory per iteration of {name}", result["peak_memory_usages"], format_bytes
    )
    parts = [runtime, memory]
    growth = result["growth_per_iteration"]
    if growth:
        cumulative = list(itertools.accumulate(growth))
        parts.append(
            bar_chart(
                "growth",
                f"Memory growth per iteration of {name}",
                growth,
                format_signed_bytes,
                line=cumulative,
                line_label="cumulative growth",
            )
        )
    return '<div class="plots">' + "".join(parts) + "</div>"


def _eval_section(record: dict[str, Any], history: list[dict[str, Any]] | None = None) -> str:
    result = record["result"]
    parts = [
        f'<section class="eval" id="eval-{_e(record["index"])}">',
        f"<h3>{_e(_label(record))} {_verdict(record)}</h3>",
    ]
    if record["failures"]:
        parts.append(f'<div class="failures">{_e(chr(10).join(record["failures"]))}</div>')
    samples = len(result["run_times"])
    parts.append(
        f'<p class="muted">{_e(samples)} timed samples, {_e(len(result["memory_usages"]))} '
        f"memory-measured iterations, {_e(result.get('warmup_runs', 0))} warm-up runs; "
        f"{_e(record['tokens']['runs'])} agent/team runs while measuring</p>"
    )
    parts.append(_plots(record))
    if history:
        from pytest_agno.report._trends import trend_section

        parts.append(trend_section(record["key"], history))
    if record["gates"]:
        rows = [
            [
                gate["metric"],
                f"{gate['limit']:g} {gate['unit']}",
                f"{gate['measured']:.3f} {gate['unit']}",
                "pass" if gate["passed"] else "FAIL",
            ]
            for gate in record["gates"]
        ]
        parts.append(_table(["gate", "limit", "measured", "verdict"], rows))
    comparison = record["comparison"]
    if comparison is not None:
        rows = [
            [
                item["metric"],
                _amount(item["unit"], item["baseline"]),
                _amount(item["unit"], item["current"]),
                _amount(item["unit"], item["change"], signed=True)
                + ("" if item["relative_change"] is None else f" ({item['relative_change']:+.1%})"),
                "±" + _amount(item["unit"], item["noise"]),
                item["verdict"],
            ]
            for item in comparison["metrics"]
        ]
        parts.append(_table(["metric", "baseline", "current", "change", "noise", "verdict"], rows))
    sites = result["growth_sites"]
    if sites:
        rows = [
            [
                f"{site['filename']}:{site['lineno']}",
                format_signed_bytes(site["size_diff"]),
                f"{site['count_diff']:+d}",
                " <- ".join(site["traceback"][1:5]),
            ]
            for site in sites
        ]
        header = ["line", "grew", "blocks", "called from"]
        parts.append(f'<h4>Top growth sites</h4><div class="sites">{_table(header, rows)}</div>')
    parts.append("</section>")
    return "".join(parts)


def _amount(unit: str, value: float, *, signed: bool = False) -> str:
    if unit == "s":
        text = format_duration(value)
        return f"+{text}" if signed and value >= 0 else text
    return format_signed_bytes(value) if signed else format_bytes(value)


def _test_rows(tests: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for test in tests:
        for run in test["runs"]:
            rows.append(
                [
                    test["nodeid"],
                    f"{run['kind']} {run['name'] or ''}".strip(),
                    run["status"],
                    str(run["input_tokens"]),
                    str(run["output_tokens"]),
                    str(run["total_tokens"]),
                    format_duration(run["duration"]),
                    format_duration(run["time_to_first_token"]),
                    ", ".join(run["models"]),
                ]
            )
    return rows


def render_html(document: dict[str, Any], history: list[dict[str, Any]] | None = None) -> str:
    """The whole page for a report document (see `pytest_agno.report._json`).

    With ``history`` (``--agno-eval-history`` entries, this run last), each eval also gets its
    trend plots.
    """
    evals = [dict(record, index=index) for index, record in enumerate(document["evals"])]
    summary = document["summary"]
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(document["created_at"]))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>agno eval report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>agno eval report</h1>",
        f'<p class="muted">{_e(created)} · Python {_e(document["python_version"])} · '
        f"{_e(document['platform'])}</p>",
        f"<p>{_e(summary['evals'])} perf evals ({_e(summary['failed_evals'])} crossed a gate, "
        f"{_e(summary['regressions'])} regressed), {_e(summary['runs'])} agent/team runs in "
        f"{_e(summary['tests'])} tests.</p>",
    ]
    baseline = document["baseline"]
    if baseline is not None:
        state = "found" if baseline["found"] else "not found: nothing compared"
        parts.append(
            f"<p>Baseline <code>{_e(baseline['source'])}</code> ({_e(baseline['path'])}): "
            f"{_e(state)}.</p>"
        )
    if document.get("sources"):
        parts.append(_sources(document))
    parts.append("<h2>Perf evals</h2>")
    if evals:
        header = ["eval", "median", "p95", "peak", "growth/iter", "tokens/run", "verdict"]
        parts.append(_table(header, [_eval_row(record) for record in evals], raw=True))
        parts.extend(_eval_section(record, history) for record in evals)
    else:
        parts.append('<p class="muted">No perf evals.</p>')
    parts.append("<h2>Agent and team runs</h2>")
    rows = _test_rows(document["tests"])
    if rows:
        header = ["test", "runner", "status", "input", "output", "total", "duration", "ttft"]
        parts.append(_table([*header, "models"], rows))
    else:
        parts.append('<p class="muted">No runs.</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
