"""The ``--agno-eval`` report: what each test's runs and perf evals recorded, merged and rendered.

Owns the records (``_records``: plain data that travels from xdist workers to the controller), the
session plugin object that collects and merges them (``_session``), and the renderings: terminal
table (``_terminal``), JSON report and its schema (``_json``), HTML page (``_html``) with SVG plots
(``_svg``), and number formatting (``_format``). It may import the standard library, pytest and
agno_core's public run-end listener: no other part of pytest_agno (the settings it reads are
named by the `~pytest_agno.report._view.ReportSettings` protocol, so perf may build on the report
and not the other way round).

Its names load on first access, so that importing one of its modules loads no other.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.report._json import REPORT_SCHEMA
    from pytest_agno.report._records import EvalRecord, GateCheck, RunRecord, TestRecord, TokenTally

__all__ = [
    "REPORT_SCHEMA",
    "EvalRecord",
    "GateCheck",
    "RunRecord",
    "TestRecord",
    "TokenTally",
]

_HOMES = {
    "REPORT_SCHEMA": "_json",
    "EvalRecord": "_records",
    "GateCheck": "_records",
    "RunRecord": "_records",
    "TestRecord": "_records",
    "TokenTally": "_records",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
