"""The pytest plugin entry point (`pytest11`).

Inert until used: for a suite that does not touch them, registering options, markers and fixture
definitions is all that happens. Heavy imports (respx, SQLAlchemy, the PostgreSQL launcher's
driver, the report) sit inside fixtures or behind options.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_agno._postgres import agno_pg_server, pg_url

if TYPE_CHECKING:
    from agno_core.agent import Agent
    from agno_core.db._sql import SqlDb
    from agno_core.team import Team
    from pytest_agno._mock_openai import MockOpenAI

__all__ = ["agno_pg_server", "pg_url"]

MOCK_API_KEY = "sk-agno-mock-key"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("agno", "agno_core agent testing")
    group.addoption(
        "--agno-pg-url",
        dest="agno_pg_url",
        default=None,
        help="Use this PostgreSQL server (a postgresql:// URL with rights to create databases) "
        "instead of starting one from the machine's binaries. Env: AGNO_PG_URL.",
    )
    parser.addini("agno_pg_url", "Default for --agno-pg-url.", default="")
    group.addoption(
        "--agno-db",
        dest="agno_db",
        choices=("sqlite", "postgres"),
        default=None,
        help="Backend of the agno_db fixture (and so of the agent/team fixtures): sqlite "
        "(default, a file in the test's tmp dir) or postgres (a fresh database per test).",
    )
    parser.addini("agno_db", "Default for --agno-db.", default="sqlite")


def _db_backend(config: pytest.Config) -> str:
    value = config.getoption("agno_db") or config.getini("agno_db") or "sqlite"
    if value not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"agno_db must be 'sqlite' or 'postgres', not {value!r}")
    return str(value)


@pytest.fixture
def mock_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockOpenAI]:
    """A scripted OpenAI server at the HTTP layer (respx), for Chat Completions and Responses.

    The real ``openai`` SDK parses real wire payloads. Script replies with ``add_text``,
    ``add_tool_call``, ``add_json``, ``add_error`` (``latency=``, usage, ``model=``/``match=``
    routing); with no script at all every call gets a default reply with non-zero usage. A
    request nothing scripted answers fails the test; ``mock_model.requests`` records them all.
    ``OPENAI_API_KEY`` is set to a dummy value when unset, so no real key is needed.
    """
    from pytest_agno._mock_openai import MockOpenAI

    if not os.environ.get("OPENAI_API_KEY"):
        monkeypatch.setenv("OPENAI_API_KEY", MOCK_API_KEY)
    with MockOpenAI() as mock:
        yield mock


@pytest.fixture
def sqlite_db(tmp_path: Path) -> SqlDb:
    """A `SqliteDb` in the test's temporary directory."""
    from agno_core.db.sqlite import SqliteDb

    return SqliteDb(db_file=tmp_path / "agno.db")


@pytest.fixture
def pg_db(pg_url: str) -> SqlDb:
    """A `PostgresDb` on a real PostgreSQL, in a database of its own for this test.

    The server is started once per test session from the machine's binaries (as the
    ``postgres`` user when running as root), or is the one given by ``--agno-pg-url`` /
    ``AGNO_PG_URL``. Without a server the test is skipped, except under ``CI=true`` where it
    fails.
    """
    from agno_core.db.postgres import PostgresDb

    return PostgresDb(db_url=pg_url)


@pytest.fixture
def agno_db(request: pytest.FixtureRequest) -> SqlDb:
    """The test's db: `SqliteDb` in tmp by default, `PostgresDb` with ``--agno-db=postgres``."""
    if _db_backend(request.config) == "postgres":
        return request.getfixturevalue("pg_db")  # type: ignore[no-any-return]
    return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]


@pytest.fixture
def agent_factory(mock_model: MockOpenAI, agno_db: SqlDb) -> Callable[..., Agent]:
    """Build agents on the mock model and the test's db: ``agent_factory(tools=[...], ...)``.

    Any `Agent` argument can be given; ``model`` defaults to ``OpenAIChat(id="gpt-4o-mini")``
    and ``db`` to ``agno_db``.
    """
    from agno_core.agent import Agent
    from agno_core.models.openai import OpenAIChat

    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", OpenAIChat(id="gpt-4o-mini", max_retries=0))
        kwargs.setdefault("db", agno_db)
        return Agent(**kwargs)

    return make


@pytest.fixture
def agent(agent_factory: Callable[..., Agent]) -> Agent:
    """An `Agent` ready to run: mock model (``gpt-4o-mini``) and the test's db."""
    return agent_factory(name="Test Agent")


@pytest.fixture
def team_factory(
    mock_model: MockOpenAI, agno_db: SqlDb, agent_factory: Callable[..., Agent]
) -> Callable[..., Team]:
    """Build teams on the mock model and the test's db: ``team_factory(members=[...])``.

    ``members`` defaults to one member agent named "Member"; ``model`` to
    ``OpenAIChat(id="gpt-4o")``; ``store_member_responses`` to True.
    """
    from agno_core.models.openai import OpenAIChat
    from agno_core.team import Team

    def make(**kwargs: Any) -> Team:
        kwargs.setdefault("members", [agent_factory(name="Member")])
        kwargs.setdefault("model", OpenAIChat(id="gpt-4o", max_retries=0))
        kwargs.setdefault("db", agno_db)
        kwargs.setdefault("store_member_responses", True)
        return Team(**kwargs)

    return make


@pytest.fixture
def team(team_factory: Callable[..., Team]) -> Team:
    """A `Team` with one member ("Member"), ready to run on the mock model and the test's db."""
    return team_factory(name="Test Team")
