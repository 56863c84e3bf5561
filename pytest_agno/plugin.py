"""The pytest plugin entry point (`pytest11`).

Inert until used: for a suite that does not touch them, registering options, markers and fixture
definitions (and a glance at each collected test's markers) is all that happens, and importing
this module loads only the fixture definitions' modules (``python -X importtime -c "import
pytest_agno.plugin"``; guarded by tests/plugin/test_plugin_inert.py). Everything else (httpx,
agno_core, SQLAlchemy, the PostgreSQL launcher's driver, the marker parsers, the perf engine and
the report) is imported inside fixtures, for a test with one of the plugin's markers, or behind
the ``--agno-eval`` options.

This module is what pytest registers: the hooks and the fixtures are defined (or, for the database
fixtures, re-exported) here; the hooks delegate to ``_plugin_options`` (the options, ini keys and
``pytest_configure``), ``_plugin_markers`` (marker checks and the scenario markers' run plan) and
``_asyncio_support``.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_agno._asyncio_support import OWN_LOOP, RUNNER_FIXTURE
from pytest_agno._plugin_markers import (
    CANCEL_MARKED,
    build,
    check_cancelled,
    check_markers,
    fail_on_marker_errors,
    run_plan,
)
from pytest_agno._plugin_options import add_options, configure, db_backend
from pytest_agno._sqlite_fixtures import agno_sqlite_template, copied_db, sqlite_db
from pytest_agno.postgres._db_fixtures import agno_pg_tables_pool, pg_db
from pytest_agno.postgres._fixtures import agno_pg_pool, agno_pg_server, pg_url

if TYPE_CHECKING:
    from asyncio import Runner

    from agno_core.agent import Agent
    from agno_core.db import SqlDb
    from agno_core.team import Team
    from pytest_agno.mock._openai import MockOpenAI
    from pytest_agno.perf._eval import PerfEval
    from pytest_agno.scenarios._runs import CancelScenario

__all__ = [
    "agno_pg_pool",
    "agno_pg_server",
    "agno_pg_tables_pool",
    "agno_sqlite_template",
    "event_loop_runner",
    "pg_db",
    "pg_url",
    "sqlite_db",
]

MOCK_API_KEY = "sk-agno-mock-key"
CALL_RAISED = pytest.StashKey[bool]()
"""Set on a test whose call phase raised (a failure, a skip, an xfail)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    configure(config)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> Generator[None, Any, Any]:
    # trylast: the innermost wrapper, so the asyncio marker is on the item before pytest-asyncio's
    # wrapper decides which of the collected functions are its coroutine items.
    result = yield
    if result and inspect.iscoroutinefunction(obj):
        from pytest_agno._asyncio_support import make_items_async

        make_items_async(result if isinstance(result, list) else [result], collector.config)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if OWN_LOOP not in pyfuncitem.stash:
        return None
    from pytest_agno._asyncio_support import run_test

    return run_test(pyfuncitem)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    if OWN_LOOP not in request.node.stash:
        return (yield)
    from pytest_agno._asyncio_support import fixture_setup

    replacement = fixture_setup(fixturedef, request)
    if replacement is None:
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fixturedef, "func", replacement)
        return (yield)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    check_markers(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    fail_on_marker_errors(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        result = yield
    except BaseException:
        # A test that failed (or skipped, or xfailed) fails with its own error: not with this
        # check, nor with the replies it never got to use (see mock_model).
        item.stash[CALL_RAISED] = True
        raise
    if item.stash.get(CANCEL_MARKED, False):
        check_cancelled(item)
    return result


# Defined here, not in _asyncio_support: `pytest --fixtures` lists fixtures by the module that
# defines them and hides private ones, so a module with only this one showed an empty section.
@pytest.fixture(name=RUNNER_FIXTURE)
def event_loop_runner() -> Iterator[Runner]:
    """The event loop of an async test pytest_agno runs itself (no pytest-asyncio)."""
    from asyncio import Runner

    with Runner() as runner:
        yield runner


@pytest.fixture
def mock_model(request: pytest.FixtureRequest) -> Iterator[MockOpenAI]:
    """A scripted OpenAI server (`pytest_agno.MockOpenAI`) for the real ``openai`` SDK, offline.

    Script replies with ``add_text``, ``add_tool_call(s)``, ``add_json``, ``add_error`` and
    ``add_raw`` (usage, ``latency=``, ``chunks=``, ``model=``/``match=`` routing, ``times=``);
    unscripted, every call gets a default reply with non-zero usage. A request nothing scripted
    answers fails the test, so does one to a URL the mock does not serve (``unmocked``; clear it
    in a test that means it), and replies never used are named in an `UnusedRepliesWarning` at
    teardown (``warn_unused = False`` to silence; not after a test that failed). ``requests``
    records what was sent (not while a ``perf_eval`` measures, unless ``keep_requests = N``
    bounds it). It serves the URL the SDK
    uses (``OPENAI_BASE_URL`` when set); a dummy ``OPENAI_API_KEY`` is set when none is. Under
    ``@pytest.mark.agno_cassette(...)`` it replays the test's cassette instead (and records per
    ``--agno-record``).
    """
    __tracebackhide__ = True
    mock_class = _mock_class()

    # Set and put back here rather than through the monkeypatch fixture (one fixture less per
    # test); the value found is restored, as monkeypatch would.
    previous = os.environ.get("OPENAI_API_KEY")
    if not previous:
        os.environ["OPENAI_API_KEY"] = MOCK_API_KEY
    try:
        mark = request.node.get_closest_marker("agno_cassette")
        if mark is not None:
            from pytest_agno.mock._cassette_mock import CassetteMock
            from pytest_agno.mock._cassette_options import cassette_options

            mock: MockOpenAI = CassetteMock(cassette_options(request.node, mark))
        else:
            mock = mock_class()
        with mock:
            yield mock
    finally:
        if previous is None:
            os.environ.pop("OPENAI_API_KEY", None)
        elif not previous:
            os.environ["OPENAI_API_KEY"] = previous
    if request.node.stash.get(CALL_RAISED, False):
        return  # a test that stopped early left replies unused: its failure says what happened
    unused = mock.unused
    if unused and mock.warn_unused and not mock.assert_all_called:
        import warnings

        from pytest_agno.mock._replies import UnusedRepliesWarning, unused_message

        warnings.warn(UnusedRepliesWarning(unused_message(unused)), stacklevel=1)


def _mock_class() -> type[MockOpenAI]:
    """`MockOpenAI`, or a one-line failure when the ``[pytest]`` extra (httpx) is missing."""
    try:
        from pytest_agno.mock._openai import MockOpenAI
    except ModuleNotFoundError as error:
        if error.name != "httpx":
            raise
    else:
        return MockOpenAI
    # Out of the except block: the failure is the one line, with no chained ImportError.
    pytest.fail(
        "pytest_agno: mock_model needs httpx, which is not installed: "
        "pip install 'agno-core[pytest]'",
        pytrace=False,
    )


@pytest.fixture
def agno_db(request: pytest.FixtureRequest) -> Iterator[SqlDb]:
    """The test's db: `SqliteDb` in tmp by default, `PostgresDb` with ``--agno-db=postgres``."""
    if db_backend(request.config) == "postgres":
        yield request.getfixturevalue("pg_db")
    elif "sqlite_db" in request.fixturenames:  # the test's own sqlite_db is this db too
        yield request.getfixturevalue("sqlite_db")
    else:  # sqlite_db's body without its fixture layer (the most common case: a cheaper test)
        template: Path = request.getfixturevalue("agno_sqlite_template")
        yield from copied_db(request, template)


@pytest.fixture
def agent_factory(
    request: pytest.FixtureRequest, mock_model: MockOpenAI, agno_db: SqlDb
) -> Callable[..., Agent]:
    """Build agents on the mock model and the test's db: ``agent_factory(tools=[...], ...)``.

    Any `Agent` argument can be given; ``model`` defaults to
    ``OpenAIChat(id="gpt-4o-mini", max_retries=0)`` (a scripted error is not retried by the SDK)
    and ``db`` to ``agno_db``. Under ``@pytest.mark.agno_background`` / ``agno_cancel`` the
    agents carry out that scenario (see the markers).
    """
    from agno_core.agent import Agent
    from agno_core.models.openai import OpenAIChat

    plan = run_plan(request, mock_model)

    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", OpenAIChat(id="gpt-4o-mini", max_retries=0))
        kwargs.setdefault("db", agno_db)
        agent: Agent = build(Agent, plan, kwargs)
        return agent

    return make


@pytest.fixture
def agent(agent_factory: Callable[..., Agent]) -> Agent:
    """An `Agent` ready to run: mock model (``gpt-4o-mini``) and the test's db.

    ``@pytest.mark.agno_background``: ``await agent.arun(...)`` submits a background run and
    returns it polled to its end. ``@pytest.mark.agno_cancel(when=...)``: its first run is
    cancelled at that moment (see ``cancel_scenario``).
    """
    return agent_factory(name="Test Agent")


@pytest.fixture
def team_factory(
    request: pytest.FixtureRequest,
    mock_model: MockOpenAI,
    agno_db: SqlDb,
    agent_factory: Callable[..., Agent],
) -> Callable[..., Team]:
    """Build teams on the mock model and the test's db: ``team_factory(members=[...])``.

    ``members`` defaults to one member agent named "Member"; ``model`` to
    ``OpenAIChat(id="gpt-4o")``; ``store_member_responses`` to True. The scenario markers apply
    as for ``agent_factory``.
    """
    from agno_core.models.openai import OpenAIChat
    from agno_core.team import Team

    plan = run_plan(request, mock_model)

    def make(**kwargs: Any) -> Team:
        kwargs.setdefault("members", [agent_factory(name="Member")])
        kwargs.setdefault("model", OpenAIChat(id="gpt-4o", max_retries=0))
        kwargs.setdefault("db", agno_db)
        kwargs.setdefault("store_member_responses", True)
        team: Team = build(Team, plan, kwargs)
        return team

    return make


@pytest.fixture
def team(team_factory: Callable[..., Team]) -> Team:
    """A `Team` with one member ("Member"), ready to run on the mock model and the test's db.

    The scenario markers apply to its runs as for ``agent``.
    """
    return team_factory(name="Test Team")


@pytest.fixture
def cancel_scenario(request: pytest.FixtureRequest, mock_model: MockOpenAI) -> CancelScenario:
    """What ``@pytest.mark.agno_cancel(when=...)`` did to the first agent/team run of the test.

    Attributes after that run: ``run_id``, ``cancel_result`` (what the cancel call returned),
    ``output`` and ``status``. Needs the marker.
    """
    plan = run_plan(request, mock_model)
    if plan is None or plan.cancel is None:
        pytest.fail(
            "the cancel_scenario fixture needs @pytest.mark.agno_cancel(when=...) on the test",
            pytrace=False,
        )
    return plan.cancel


@pytest.fixture
def perf_eval(request: pytest.FixtureRequest) -> PerfEval:
    """Measure a function with `PerformanceEval`; gate it; record it for ``--agno-eval``.

    ``result = perf_eval(func, name=..., num_iterations=..., warmup_runs=...,
    memory_growth_tracking=..., max_runtime_ms=..., max_p95_ms=..., max_peak_mib=...,
    max_growth_kib=..., max_regression=...)`` in a sync test; ``await perf_eval.arun(...)`` in an
    async one. Returns the `PerformanceResult`. A crossed gate (or a regression against the
    ``--agno-eval-compare`` baseline) fails the test with `pytest_agno.PerfGateError`, naming the
    metric, the limit, the measured value and the top growth site. Defaults come from
    ``@pytest.mark.agno_perf(...)``.
    """
    from pytest_agno.perf._eval import PerfEval
    from pytest_agno.perf._markers import PerfOptions, perf_options
    from pytest_agno.perf._settings import SETTINGS_KEY
    from pytest_agno.report._session import SESSION_KEY

    mark = request.node.get_closest_marker("agno_perf")
    stash = request.config.stash
    return PerfEval(
        nodeid=request.node.nodeid,
        marker=perf_options(mark.kwargs) if mark is not None else PerfOptions(),
        settings=stash.get(SETTINGS_KEY, None),
        session=stash.get(SESSION_KEY, None),
    )
