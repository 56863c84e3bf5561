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

Importing this package costs nothing: pytest imports it on every start (the plugin entry point
is its submodule), so every name loads on first access, from its part (the mock and the Yahoo
stub pull in httpx, the launcher psycopg, the perf and report parts agno_core). A name whose
part needs what the ``[pytest]`` extra installs (pytest, httpx) and finds it missing fails with
one line naming ``pip install 'agno-core[pytest]'``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    from pytest_agno.perf import PerfEval, PerfGateError
    from pytest_agno.postgres import (
        DatabasePool,
        PostgresServer,
        PostgresUnavailable,
        connect_external,
        start_postgres,
    )
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

# Each name's part, loaded on first access.
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
    **dict.fromkeys(("PerfEval", "PerfGateError"), "pytest_agno.perf"),
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
        ("REPORT_SCHEMA", "EvalRecord", "GateCheck", "RunRecord", "TestRecord", "TokenTally"),
        "pytest_agno.report",
    ),
    **dict.fromkeys(
        (
            "CancelScenario",
            "arun_background",
            "assert_background_parity",
            "assert_metrics",
            "assert_metrics_consistent",
        ),
        "pytest_agno.scenarios",
    ),
    **dict.fromkeys(
        ("StubRequest", "UnexpectedYahooRequest", "YFINANCE_WARNING_FILTERS", "YahooStub"),
        "pytest_agno.stubs",
    ),
}

# What ``pip install 'agno-core[pytest]'`` adds to the base install (see pyproject.toml).
_EXTRA_MODULES = ("pytest", "httpx")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_agno' has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        if error.name not in _EXTRA_MODULES:
            raise
        raise ModuleNotFoundError(
            f"pytest_agno.{name} needs {error.name}, which is not installed: "
            "pip install 'agno-core[pytest]'",
            name=error.name,
        ) from None
    # Not cached in this module's globals: pytester's in-process runs drop the parts a run
    # imported from sys.modules, and a cached class (PerfGateError) would then differ from the
    # one the re-imported part raises. The import system's own cache keeps this a dict lookup.
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
