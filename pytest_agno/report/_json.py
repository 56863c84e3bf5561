"""The ``--agno-eval-json`` report, and its JSON Schema.

A saved baseline (``--agno-eval-save``) is this same document, so ``--agno-eval-compare`` accepts
either. Top level (``REPORT_SCHEMA`` is the exact contract, JSON Schema 2020-12):

- ``schema``: ``"pytest-agno-eval/1"``; ``created_at`` (Unix time), ``python_version``,
  ``platform``; ``provenance``: ``machine`` (host name), ``cpu``, ``cores``, ``job`` and
  ``commit`` (null when unknown; see ``pytest_agno.report._provenance``);
- only in a merged report (``python -m pytest_agno merge``): ``sources``, one entry per merged
  report (``path``, ``created_at``, ``python_version``, ``platform``, ``provenance``), and a
  ``source`` index in every eval and test;
- ``baseline``: null, or ``{"source", "path", "found"}`` for ``--agno-eval-compare``;
  ``fail_expression``: the ``--agno-eval-fail`` expression or null;
- ``summary``: counts: ``tests`` (every test), ``runs``, ``evals``, ``failed_evals`` (failed or
  errored, and not expected), ``regressions``;
- ``evals``: one object per ``perf_eval`` call: ``key`` (``"<nodeid>::<name>"``, what baselines
  match on), ``nodeid``, ``name``, ``verdict`` (``"pass"``/``"fail"``/``"error"``: the function
  raised), ``failures`` (lines),
  ``gates`` (``gate``, ``metric``, ``unit``, ``limit``, ``measured``, ``passed``), ``baseline``
  (``"not requested"``/``"missing"``/``"compared"``), ``comparison`` (null or ``verdict``,
  ``metrics`` [``metric``, ``unit``, ``baseline``, ``current``, ``change``, ``relative_change``,
  ``noise``, ``threshold``, ``verdict``, ``basis``: ``"reference"`` when runtime was compared
  as steady time over the reference workload, load-independent, else ``"wall"`` or
  ``"memory"``; ``statistic`` (``"p25"`` for ``median_run_time`` on basis ``"reference"``)
  and ``load_allowance`` (the part of ``threshold`` added for machine load; both absent in
  reports of older versions)], ``skipped``), ``tokens`` (``runs``, ``input_tokens``,
  ``output_tokens``, ``total_tokens``, ``errors`` (runs that ended ERROR) counted while it
  measured), ``rerun`` (null, or
  ``first_failures`` and ``confirmed`` when a regression was measured again), ``expected``
  (true: it failed or errored in a test that passed anyway, having caught the
  ``PerfGateError``; absent in reports of older versions) and ``result``
  (the full ``PerformanceResult.to_dict()``: ``run_times`` in seconds, ``memory_usages`` in MiB,
  ``peak_memory_usages`` and ``growth_per_iteration`` in bytes, statistics, ``growth_sites``);
- ``tests``: every test of the session, with its outcome: ``nodeid``, ``outcome``,
  ``duration``, ``runs`` (``kind``, ``name``, ``run_id``, ``status``, the three token totals,
  ``duration``, ``time_to_first_token``, ``queue_wait``, ``models``, ``member_runs``),
  ``totals`` and ``evals`` (their keys).
"""

from __future__ import annotations

import platform
import time
from typing import TYPE_CHECKING, Any

from pytest_agno.report._provenance import provenance

if TYPE_CHECKING:
    from pytest_agno.report._view import SessionView

__all__ = ["REPORT_SCHEMA", "SCHEMA_ID", "build_report"]

SCHEMA_ID = "pytest-agno-eval/1"

_NUMBER = {"type": "number"}
_INT = {"type": "integer", "minimum": 0}
_OPT_NUMBER = {"type": ["number", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_NUMBERS = {"type": "array", "items": _NUMBER}


def _object(
    properties: dict[str, Any], *, extra: bool = False, optional: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": {**properties, **(optional or {})},
        "additionalProperties": extra,
    }


_OPT_STRING = {"type": ["string", "null"]}
_PROVENANCE = _object(
    {
        "machine": {"type": "string"},
        "cpu": {"type": "string"},
        "cores": _INT,
        "job": _OPT_STRING,
        "commit": _OPT_STRING,
    }
)
# Only in a merged report (``python -m pytest_agno merge``): where each eval and test came from.
_SOURCE = {"source": {"type": "integer", "minimum": 0}}


_TOKENS = _object(
    {
        "runs": _INT,
        "input_tokens": _INT,
        "output_tokens": _INT,
        "total_tokens": _INT,
        "errors": _INT,
    }
)
_GATE = _object(
    {
        "gate": {"enum": ["max_runtime_ms", "max_p95_ms", "max_peak_mib", "max_growth_kib"]},
        "metric": {"type": "string"},
        "unit": {"enum": ["ms", "MiB", "KiB"]},
        "limit": _NUMBER,
        "measured": _NUMBER,
        "passed": {"type": "boolean"},
    }
)
_METRIC_COMPARISON = _object(
    {
        "metric": {"type": "string"},
        "unit": {"enum": ["s", "bytes"]},
        "baseline": _NUMBER,
        "current": _NUMBER,
        "change": _NUMBER,
        "relative_change": _OPT_NUMBER,
        "noise": _NUMBER,
        "threshold": _NUMBER,
        "verdict": {"enum": ["regression", "improvement", "unchanged"]},
        "basis": {"enum": ["wall", "reference", "memory"]},
    },
    optional={
        "statistic": {"enum": ["median", "p25", "p95", "mean"]},
        "load_allowance": _NUMBER,
    },
)
_COMPARISON = {
    "oneOf": [
        {"type": "null"},
        _object(
            {
                "verdict": {"enum": ["regression", "improvement", "unchanged"]},
                "metrics": {"type": "array", "items": _METRIC_COMPARISON},
                "skipped": _STRINGS,
            }
        ),
    ]
}
_GROWTH_SITE = _object(
    {
        "filename": {"type": "string"},
        "lineno": {"type": "integer"},
        "size_diff": {"type": "integer"},
        "count_diff": {"type": "integer"},
        "traceback": _STRINGS,
    }
)
# The measured samples the report's plots and the comparison use; the result carries more
# (every statistic, CPU times, outliers), which stays open for PerformanceResult to grow.
_RESULT = {
    "type": "object",
    "required": [
        "name",
        "run_times",
        "memory_usages",
        "peak_memory_usages",
        "growth_per_iteration",
        "growth_sites",
        "median_run_time",
        "p95_run_time",
        "max_memory_usage",
        "avg_growth_per_iteration",
    ],
    "properties": {
        "name": {"type": ["string", "null"]},
        "run_times": _NUMBERS,
        "memory_usages": _NUMBERS,
        "peak_memory_usages": _NUMBERS,
        "growth_per_iteration": _NUMBERS,
        "growth_sites": {"type": "array", "items": _GROWTH_SITE},
        "median_run_time": _NUMBER,
        "p95_run_time": _NUMBER,
        "max_memory_usage": _NUMBER,
        "avg_growth_per_iteration": _NUMBER,
    },
}
_EVAL = _object(
    {
        "key": {"type": "string"},
        "nodeid": {"type": "string"},
        "name": {"type": "string"},
        "verdict": {"enum": ["pass", "fail", "error"]},
        "failures": _STRINGS,
        "gates": {"type": "array", "items": _GATE},
        "baseline": {"enum": ["not requested", "missing", "compared"]},
        "comparison": _COMPARISON,
        "tokens": _TOKENS,
        "result": _RESULT,
        "rerun": {
            "oneOf": [
                {"type": "null"},
                _object({"first_failures": _STRINGS, "confirmed": {"type": "boolean"}}),
            ]
        },
    },
    optional={**_SOURCE, "expected": {"type": "boolean"}},
)
_RUN = _object(
    {
        "kind": {"enum": ["agent", "team"]},
        "name": {"type": ["string", "null"]},
        "run_id": {"type": "string"},
        "status": {"enum": ["PENDING", "RUNNING", "COMPLETED", "PAUSED", "CANCELLED", "ERROR"]},
        "input_tokens": _INT,
        "output_tokens": _INT,
        "total_tokens": _INT,
        "duration": _OPT_NUMBER,
        "time_to_first_token": _OPT_NUMBER,
        "queue_wait": _OPT_NUMBER,
        "models": _STRINGS,
        "member_runs": _INT,
    }
)
_TEST = _object(
    {
        "nodeid": {"type": "string"},
        "outcome": {"enum": ["passed", "failed", "error", "skipped", "xfailed", "xpassed"]},
        "duration": _NUMBER,
        "runs": {"type": "array", "items": _RUN},
        "totals": _TOKENS,
        "evals": _STRINGS,
    },
    optional=_SOURCE,
)

_SOURCE_ENTRY = _object(
    {
        "path": {"type": "string"},
        "created_at": _NUMBER,
        "python_version": {"type": "string"},
        "platform": {"type": "string"},
        "provenance": _PROVENANCE,
    }
)

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pytest --agno-eval report",
    **_object(
        {
            "schema": {"const": SCHEMA_ID},
            "created_at": _NUMBER,
            "python_version": {"type": "string"},
            "platform": {"type": "string"},
            "provenance": _PROVENANCE,
            "baseline": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "source": {"type": "string"},
                            "path": {"type": "string"},
                            "found": {"type": "boolean"},
                        }
                    ),
                ]
            },
            "fail_expression": {"type": ["string", "null"]},
            "summary": _object(
                {
                    "tests": _INT,
                    "runs": _INT,
                    "evals": _INT,
                    "failed_evals": _INT,
                    "regressions": _INT,
                }
            ),
            "evals": {"type": "array", "items": _EVAL},
            "tests": {"type": "array", "items": _TEST},
        },
        optional={"sources": {"type": "array", "items": _SOURCE_ENTRY}},
    ),
}


def build_report(session: SessionView) -> dict[str, Any]:
    """The report document for what ``session`` merged (valid against `REPORT_SCHEMA`)."""
    settings = session.settings
    tests = session.reported()
    evals = session.evals()
    compare_path = settings.compare_path
    baseline = None
    if settings.compare and compare_path is not None:
        baseline = {
            "source": settings.compare,
            "path": str(compare_path),
            "found": settings.baseline_found,
        }
    regressions = sum(
        1
        for record in evals
        if record.comparison is not None and record.comparison["verdict"] == "regression"
    )
    return {
        "schema": SCHEMA_ID,
        "created_at": time.time(),
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "provenance": provenance(session.config.rootpath),
        "baseline": baseline,
        "fail_expression": settings.fail_expression,
        "summary": {
            "tests": len(tests),
            "runs": sum(len(test.runs) for test in tests),
            "evals": len(evals),
            "failed_evals": sum(1 for record in evals if record.failed),
            "regressions": regressions,
        },
        "evals": [record.to_dict() for record in evals],
        "tests": [test.to_dict() for test in tests],
    }
