"""pytest_agno: test agno_core agents offline, deterministically, in CI.

The plugin module (`pytest_agno.plugin`) is registered through the `pytest11` entry point. This
package is what test code imports; everything a user touches is exported here::

    from pytest_agno import MockOpenAI, PerfGateError, assert_metrics

- the mock model: `MockOpenAI` (the ``mock_model`` fixture's type), its scripted replies
  (`Reply`, `ReplyOptions`, `RequestPredicate`), the requests it records (`RecordedRequest`),
  `UnusedRepliesWarning`, and record/replay cassettes (`CassetteMock`, `CassetteOptions`);
  `YahooStub` (Yahoo Finance, offline, for `YFinanceTools`), `StubRequest` (a request it
  served), `UnexpectedYahooRequest` and `YFINANCE_WARNING_FILTERS` (yfinance's own warnings);
- assertion helpers: `assert_metrics`, `assert_metrics_consistent`, `assert_background_parity`,
  and `arun_background`;
- performance: `PerfEval` (the ``perf_eval`` fixture's type) and `PerfGateError`;
- scenarios: `CancelScenario` (the ``cancel_scenario`` fixture's type);
- PostgreSQL: `PostgresServer` (the ``agno_pg_server`` fixture's type), `DatabasePool` (the
  per-test databases' pool fixtures' type), `start_postgres` and
  `connect_external` (a throwaway server from the machine's binaries, or an existing one) and
  `PostgresUnavailable`;
- the ``--agno-eval`` report: `REPORT_SCHEMA` (its JSON Schema) and its records (`TestRecord`,
  `RunRecord`, `EvalRecord`, `GateCheck`, `TokenTally`).

Importing this package stays cheap: the mock and the Yahoo stub (which pull in httpx)
and the PostgreSQL launcher load on first access, so a suite that does not use them imports none.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pytest_agno.perf import PerfEval, PerfGateError
from pytest_agno.report import (
    REPORT_SCHEMA,
    EvalRecord,
    GateCheck,
    RunRecord,
    TestRecord,
    TokenTally,
)
from pytest_agno.scenarios import (
    CancelScenario,
    arun_background,
    assert_background_parity,
    assert_metrics,
    assert_metrics_consistent,
)

if TYPE_CHECKING:
    from pytest_agno.mock import (
        CassetteMock,
        CassetteOptions,
        MockOpenAI,
        RecordedRequest,
        Reply,
        ReplyOptions,
        RequestPredicate,
        UnusedRepliesWarning,
    )
    from pytest_agno.postgres import (
        DatabasePool,
        PostgresServer,
        PostgresUnavailable,
        connect_external,
        start_postgres,
    )
    from pytest_agno.stubs import (
        YFINANCE_WARNING_FILTERS,
        StubRequest,
        UnexpectedYahooRequest,
        YahooStub,
    )

__all__ = [
    "REPORT_SCHEMA",
    "YFINANCE_WARNING_FILTERS",
    "CancelScenario",
    "CassetteMock",
    "CassetteOptions",
    "DatabasePool",
    "EvalRecord",
    "GateCheck",
    "MockOpenAI",
    "PerfEval",
    "PerfGateError",
    "PostgresServer",
    "PostgresUnavailable",
    "RecordedRequest",
    "Reply",
    "ReplyOptions",
    "RequestPredicate",
    "RunRecord",
    "StubRequest",
    "TestRecord",
    "TokenTally",
    "UnexpectedYahooRequest",
    "UnusedRepliesWarning",
    "YahooStub",
    "arun_background",
    "assert_background_parity",
    "assert_metrics",
    "assert_metrics_consistent",
    "connect_external",
    "start_postgres",
]

# Loaded on first access: the mock and the stub pull in httpx, the launcher psycopg.
_LAZY = {
    **dict.fromkeys(
        (
            "CassetteMock",
            "CassetteOptions",
            "MockOpenAI",
            "RecordedRequest",
            "Reply",
            "ReplyOptions",
            "RequestPredicate",
            "UnusedRepliesWarning",
        ),
        "pytest_agno.mock",
    ),
    **dict.fromkeys(
        (
            "DatabasePool",
            "PostgresServer",
            "PostgresUnavailable",
            "connect_external",
            "start_postgres",
        ),
        "pytest_agno.postgres",
    ),
    **dict.fromkeys(
        ("StubRequest", "UnexpectedYahooRequest", "YFINANCE_WARNING_FILTERS", "YahooStub"),
        "pytest_agno.stubs",
    ),
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
