"""Run scenarios and checks on runs: background and cancel scenarios, assertions on run outputs.

Owns what the ``agno_background``/``agno_cancel`` markers make the agent and team fixtures do
(``_runs``: `RunPlan`, `CancelScenario`, `arun_background`) and the assertion helpers on a run's
metrics and on background/sync parity (``_assertions``). It may import `pytest_agno.perf` (for the
parsed marker options), `pytest_agno.mock` (the mock a scenario waits on, type-only) and agno_core's
public API: nothing else of pytest_agno.

Its names load on first access (the plugin imports it only for a test that uses a scenario).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.scenarios._assertions import (
        assert_background_parity,
        assert_metrics,
        assert_metrics_consistent,
    )
    from pytest_agno.scenarios._runs import CancelScenario, arun_background

__all__ = [
    "CancelScenario",
    "arun_background",
    "assert_background_parity",
    "assert_metrics",
    "assert_metrics_consistent",
]

_HOMES = {
    "CancelScenario": "_runs",
    "arun_background": "_runs",
    "assert_background_parity": "_assertions",
    "assert_metrics": "_assertions",
    "assert_metrics_consistent": "_assertions",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
