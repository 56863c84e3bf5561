"""Merge ``--agno-eval-json`` reports of several CI jobs into one report and one verdict.

Every eval and test of the merged document keeps a ``source`` index into ``sources`` (the path,
machine, job and commit each report came from). With a baseline (``compare``), each eval is
compared again with the baseline's eval of the same key (preferring one measured on the same
machine). Runtime is compared across machines only as steady time over each machine's own
reference workload (see ``agno_core.eval._compare``): when either side lacks reference samples,
runtime metrics of results from different machines are skipped, never compared as absolute
times. Memory metrics (bytes) compare anywhere.

The exit status is 1 when any merged test failed or errored, any eval failed a gate or errored,
or (with ``rules``) any comparison breaks a rule; else 0. An eval whose test expected it to fail
(``expected``: the test passed, having caught the `PerfGateError`) fails nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_agno.perf._gates import Rule, comparison_dict, evaluate_rules
from pytest_agno.report._json import SCHEMA_ID

__all__ = ["MergeError", "load_report", "merge_reports", "merged_status"]

_RUNTIME_METRICS = ("median_run_time", "p95_run_time")
_MEMORY_METRICS = ("median_peak_memory", "avg_growth_per_iteration")


class MergeError(ValueError):
    """A file that is not an ``--agno-eval`` JSON report."""


def load_report(path: Path) -> dict[str, Any]:
    """Read and check one report (or a saved baseline: the same document).

    Raises:
        MergeError: naming the file and what is wrong with it.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MergeError(f"{path}: cannot read a JSON report: {error}") from error
    if not isinstance(document, dict) or document.get("schema") != SCHEMA_ID:
        raise MergeError(f"{path}: not an --agno-eval JSON report (schema {SCHEMA_ID!r})")
    return document


def _machine(document: dict[str, Any], record: dict[str, Any]) -> str | None:
    sources = document.get("sources")
    if sources and "source" in record:
        provenance = sources[record["source"]].get("provenance") or {}
    else:
        provenance = document.get("provenance") or {}
    machine = provenance.get("machine")
    return str(machine) if machine else None


def _baseline_index(
    baseline: dict[str, Any],
) -> dict[str, list[tuple[str | None, dict[str, Any]]]]:
    index: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
    for record in baseline["evals"]:
        index.setdefault(record["key"], []).append((_machine(baseline, record), record))
    return index


def _recompare(
    record: dict[str, Any],
    machine: str | None,
    candidates: list[tuple[str | None, dict[str, Any]]] | None,
    rules: Sequence[Rule],
) -> None:
    """Compare ``record`` (in place) with its baseline, re-deriving verdict and failures."""
    from agno_core.eval.performance import PerformanceResult

    if record["verdict"] == "error":  # no measurement to compare
        return
    # The job's own absolute gates and errored runs stand; its regression lines (each ends with
    # the rule it broke, see `evaluate_rules`) are replaced by this comparison's.
    failures = [line for line in record["failures"] if "(rule: " not in line]
    record["comparison"] = None
    record["baseline"] = "missing"
    if candidates:
        same = [found for where, found in candidates if where == machine]
        base_machine, base = (machine, same[0]) if same else candidates[0]
        current = PerformanceResult.from_dict(record["result"])
        baseline = PerformanceResult.from_dict(base["result"])
        comparison = current.compare(baseline)
        skipped: list[str] = []
        cross_machine = base_machine is None or machine is None or base_machine != machine
        if cross_machine and any(item.basis == "wall" for item in comparison.metrics):
            comparison = current.compare(baseline, metrics=_MEMORY_METRICS)
            skipped = [name for name in _RUNTIME_METRICS if current.run_times]
        data = comparison_dict(comparison)
        data["skipped"] = sorted({*data["skipped"], *skipped})
        record["comparison"] = data
        record["baseline"] = "compared"
        failures += evaluate_rules(comparison, rules)
    record["failures"] = failures
    record["verdict"] = "fail" if failures else "pass"


def merge_reports(
    reports: Sequence[tuple[Path, dict[str, Any]]],
    *,
    baseline: dict[str, Any] | None = None,
    baseline_source: str | None = None,
    baseline_path: Path | None = None,
    rules: Sequence[Rule] = (),
    fail_expression: str | None = None,
) -> dict[str, Any]:
    """One report document (valid against ``REPORT_SCHEMA``) from several.

    Args:
        reports: (path, document) of each report, in order.
        baseline: A report document to compare every eval with, or None (then each eval keeps
            the comparison its own job made).
        baseline_source: How the user named the baseline, for the report.
        baseline_path: Its file.
        rules: Regression rules (``--fail``) applied to the new comparisons.
        fail_expression: The rules as written.
    """
    index = _baseline_index(baseline) if baseline is not None else None
    sources: list[dict[str, Any]] = []
    evals: list[dict[str, Any]] = []
    tests: list[dict[str, Any]] = []
    for number, (path, document) in enumerate(reports):
        sources.append(
            {
                "path": str(path),
                "created_at": document["created_at"],
                "python_version": document["python_version"],
                "platform": document["platform"],
                "provenance": document.get("provenance")
                or {"machine": "unknown", "cpu": "", "cores": 0, "job": None, "commit": None},
            }
        )
        for record in document["evals"]:
            merged = dict(record, source=number)
            if index is not None:
                machine = _machine(document, record)
                _recompare(merged, machine, index.get(record["key"]), rules)
            evals.append(merged)
        tests.extend(dict(test, source=number) for test in document["tests"])
    return {
        "schema": SCHEMA_ID,
        "created_at": time.time(),
        "python_version": reports[0][1]["python_version"] if reports else "",
        "platform": reports[0][1]["platform"] if reports else "",
        "provenance": sources[0]["provenance"]
        if sources
        else {"machine": "unknown", "cpu": "", "cores": 0, "job": None, "commit": None},
        "baseline": None
        if baseline_source is None
        else {
            "source": baseline_source,
            "path": str(baseline_path),
            "found": baseline is not None,
        },
        "fail_expression": fail_expression,
        "summary": {
            "tests": len(tests),
            "runs": sum(len(test["runs"]) for test in tests),
            "evals": len(evals),
            "failed_evals": sum(1 for record in evals if _failed(record)),
            "regressions": sum(
                1
                for record in evals
                if record["comparison"] is not None
                and record["comparison"]["verdict"] == "regression"
            ),
        },
        "evals": evals,
        "tests": tests,
        "sources": sources,
    }


def _failed(record: dict[str, Any]) -> bool:
    """Whether an eval did not pass, and its test did not expect that (see ``expected``)."""
    return record["verdict"] != "pass" and not record.get("expected", False)


def merged_status(document: dict[str, Any]) -> int:
    """1 when a test failed or errored or an eval failed unexpectedly; else 0."""
    bad_test = any(test["outcome"] in ("failed", "error") for test in document["tests"])
    bad_eval = any(_failed(record) for record in document["evals"])
    return 1 if bad_test or bad_eval else 0
