"""Measurement in tests: the ``perf_eval`` fixture's engine, its gates, settings and baselines.

Owns `PerfEval` (``_eval``: runs agno_core's `PerformanceEval`, records the result, fails the test
on a crossed gate), the gates and regression rules (``_gates``), the ``--agno-eval*`` settings and
the baseline they point at (``_settings``), and the validation of every plugin marker's arguments
(``_markers``: ``agno_perf`` keywords are the gates; ``agno_background``/``agno_cancel`` options are
parsed by the same validator). It may import `pytest_agno.report` (it hands its records to the
report) and agno_core's public eval API: nothing else of pytest_agno.

Its names load on first access: the plugin imports this package's light modules (marker
validation, settings) without loading the eval engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.perf._eval import PerfEval, PerfGateError

__all__ = [
    "PerfEval",
    "PerfGateError",
]

_HOMES = {
    "PerfEval": "_eval",
    "PerfGateError": "_eval",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
