"""pytest_agno: test agno_core agents offline, deterministically, in CI.

The plugin module (`pytest_agno.plugin`) is registered through the `pytest11` entry point. This
package is what test code imports; everything a user touches is exported here::

    from pytest_agno import MockOpenAI, PerfGateError, assert_metrics

- the mock model: `MockOpenAI` (the ``mock_model`` fixture's type), its scripted replies
  (`Reply`, `ReplyOptions`, `RequestPredicate`), the requests it records (`RecordedRequest`), and
  `UnusedRepliesWarning`; `YahooStub` (Yahoo Finance, offline, for `YFinanceTools`) and
  `UnexpectedYahooRequest`;
- assertion helpers: `assert_metrics`, `assert_metrics_consistent`, `assert_background_parity`,
  and `arun_background`;
- performance: `PerfEval` (the ``perf_eval`` fixture's type) and `PerfGateError`;
- scenarios: `CancelScenario` (the ``cancel_scenario`` fixture's type);
- the ``--agno-eval`` report: `REPORT_SCHEMA` (its JSON Schema) and its records (`TestRecord`,
  `RunRecord`, `EvalRecord`, `GateCheck`, `TokenTally`).

Importing this package stays cheap: the mock and the Yahoo stub (which pull in httpx and respx)
load on first access, so a suite that does not use them imports neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pytest_agno._assertions import (
    assert_background_parity,
    assert_metrics,
    assert_metrics_consistent,
)
from pytest_agno._perf import PerfEval, PerfGateError
from pytest_agno._records import EvalRecord, GateCheck, RunRecord, TestRecord, TokenTally
from pytest_agno._report_json import REPORT_SCHEMA
from pytest_agno._scenarios import CancelScenario, arun_background

if TYPE_CHECKING:
    from pytest_agno._mock_openai import MockOpenAI
    from pytest_agno._mock_replies import (
        Reply,
        ReplyOptions,
        RequestPredicate,
        UnusedRepliesWarning,
    )
    from pytest_agno._mock_wire import RecordedRequest
    from pytest_agno._yfinance_stub import UnexpectedYahooRequest, YahooStub

__all__ = [
    "REPORT_SCHEMA",
    "CancelScenario",
    "EvalRecord",
    "GateCheck",
    "MockOpenAI",
    "PerfEval",
    "PerfGateError",
    "RecordedRequest",
    "Reply",
    "ReplyOptions",
    "RequestPredicate",
    "RunRecord",
    "TestRecord",
    "TokenTally",
    "UnexpectedYahooRequest",
    "UnusedRepliesWarning",
    "YahooStub",
    "arun_background",
    "assert_background_parity",
    "assert_metrics",
    "assert_metrics_consistent",
]

_LAZY = {
    "MockOpenAI": "pytest_agno._mock_openai",
    "RecordedRequest": "pytest_agno._mock_wire",
    "Reply": "pytest_agno._mock_replies",
    "ReplyOptions": "pytest_agno._mock_replies",
    "RequestPredicate": "pytest_agno._mock_replies",
    "UnusedRepliesWarning": "pytest_agno._mock_replies",
    "UnexpectedYahooRequest": "pytest_agno._yfinance_stub",
    "YahooStub": "pytest_agno._yfinance_stub",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_agno' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
