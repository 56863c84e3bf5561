"""``--agno-eval-history=DIR``: a bounded record of every run's perf evals, for trend plots.

Format (``DIR/history.jsonl``, schema ``"pytest-agno-history/1"``): one JSON object per line,
one line per pytest session, oldest first::

    {"schema": "pytest-agno-history/1", "created_at": 1733300000.0,
     "provenance": {"machine": "ci-7", "cpu": "...", "cores": 2, "job": "test",
                    "commit": "ab12..."},
     "evals": {"<nodeid>::<name>": {
         "verdict": "pass",
         "median_run_time": 0.0012,          # seconds, or null when runtime was not measured
         "avg_growth_per_iteration": 512.0,  # bytes, or null when growth was not tracked
         "baseline": {"median_run_time": [0.0011, 0.0002],      # [baseline value, threshold]
                      "avg_growth_per_iteration": [480.0, 1024.0]},   # only when compared
         "regressions": ["median_run_time"]}}}                  # metrics that regressed

After each append only the last ``limit`` lines are kept (``--agno-eval-history-size``, default
50), so the file stays a few kilobytes per eval whatever the number of runs. Lines that do not
parse (a run killed mid-write) are skipped when reading.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_SIZE", "HISTORY_FILE", "SCHEMA", "append_history", "history_entry"]

SCHEMA = "pytest-agno-history/1"
HISTORY_FILE = "history.jsonl"
DEFAULT_SIZE = 50
_PLOTTED = ("median_run_time", "avg_growth_per_iteration")


def _eval_entry(record: dict[str, Any]) -> dict[str, Any]:
    result = record["result"]
    entry: dict[str, Any] = {
        "verdict": record["verdict"],
        "median_run_time": result["median_run_time"] if result["run_times"] else None,
        "avg_growth_per_iteration": (
            result["avg_growth_per_iteration"] if result["growth_per_iteration"] else None
        ),
        "baseline": {},
        "regressions": [],
    }
    comparison = record.get("comparison")
    if comparison is not None:
        for item in comparison["metrics"]:
            if item["metric"] in _PLOTTED:
                entry["baseline"][item["metric"]] = [item["baseline"], item["threshold"]]
            if item["verdict"] == "regression":
                entry["regressions"].append(item["metric"])
    return entry


def history_entry(document: dict[str, Any]) -> dict[str, Any]:
    """The history line of one report document (see the module docstring)."""
    return {
        "schema": SCHEMA,
        "created_at": document["created_at"],
        "provenance": document.get("provenance"),
        "evals": {record["key"]: _eval_entry(record) for record in document["evals"]},
    }


def read_history(directory: Path) -> list[dict[str, Any]]:
    """Every readable line of ``directory``'s history, oldest first ([] when there is none)."""
    path = directory / HISTORY_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("schema") == SCHEMA:
            entries.append(entry)
    return entries


def append_history(directory: Path, entry: dict[str, Any], *, limit: int) -> list[dict[str, Any]]:
    """Append ``entry``, keep the last ``limit`` runs, and return them (oldest first).

    The file is rewritten through a temporary file and an atomic rename, so a reader never sees
    half of it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    entries = [*read_history(directory), entry][-limit:]
    path = directory / HISTORY_FILE
    temporary = path.with_name(f".{HISTORY_FILE}.{os.getpid()}.tmp")
    text = "".join(json.dumps(item, separators=(",", ":")) + "\n" for item in entries)
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return entries
