"""pytest_agno: test agno_core agents offline, deterministically, in CI.

The plugin module (`pytest_agno.plugin`) is registered through the `pytest11` entry point. Importing
this package is cheap: the helpers below import agno_core only when called, and heavy pieces
(respx, the PostgreSQL launcher, the report) load only when a fixture or option asks for them.

Helpers for test code::

    from pytest_agno import assert_metrics, assert_metrics_consistent, assert_background_parity

``REPORT_SCHEMA`` is the JSON Schema of the ``--agno-eval-json`` report.
"""

from __future__ import annotations

from pytest_agno.perf import PerfEval, PerfGateError
from pytest_agno.report import REPORT_SCHEMA
from pytest_agno.scenarios import (
    CancelScenario,
    arun_background,
    assert_background_parity,
    assert_metrics,
    assert_metrics_consistent,
)

__all__ = [
    "REPORT_SCHEMA",
    "CancelScenario",
    "PerfEval",
    "PerfGateError",
    "arun_background",
    "assert_background_parity",
    "assert_metrics",
    "assert_metrics_consistent",
]
