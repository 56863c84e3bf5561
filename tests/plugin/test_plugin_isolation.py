"""Each test's databases are its own: no row, table or database passes from one test to another.

The fixtures share what cannot change between tests (a SQLite template copied per test, a
PostgreSQL template cloned per test ahead of need, compiled statements, the SDK's platform name)
and nothing a test can write to. Each generated test below starts by checking that it sees no
row (or no table) and then writes some: a second test that saw the first one's would fail. Run
in one process and under ``-n 2``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_agno.postgres import PostgresServer

ISOLATION = """
import psycopg
import pytest

N = range(4)


@pytest.mark.parametrize("n", N)
async def test_agent(agent, n):
    assert await agent.db.acount_runs() == 0
    assert (await agent.arun("hi")).content == "Mock reply."
    assert await agent.db.acount_runs() == 1


@pytest.mark.parametrize("n", N)
async def test_team(team, n):
    assert await team.db.acount_runs() == 0
    assert (await team.arun("hi")).content == "Mock reply."
    assert await team.db.acount_runs() >= 1


@pytest.mark.parametrize("n", N)
async def test_pg_db(agent_factory, pg_db, n):
    assert await pg_db.acount_runs() == 0
    agent = agent_factory(db=pg_db)
    assert (await agent.arun("hi")).content == "Mock reply."
    assert await pg_db.acount_runs() == 1


@pytest.mark.parametrize("n", N)
def test_pg_url(pg_url, n):
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        assert conn.execute(tables).fetchone() == (0,)
        conn.execute("CREATE TABLE probe (n int)")
        conn.execute("INSERT INTO probe VALUES (%s)", [n])

"""


@pytest.fixture
def project(
    agno_pytester: pytest.Pytester,
    agno_pg_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> pytest.Pytester:
    # The inner sessions borrow this session's server instead of starting their own.
    monkeypatch.setenv("AGNO_PG_URL", agno_pg_server.url())
    agno_pytester.makepyfile(ISOLATION)
    return agno_pytester


def test_tests_do_not_see_each_other_s_rows(project: pytest.Pytester) -> None:
    project.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=16)


def test_tests_do_not_see_each_other_s_rows_under_xdist(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=16)
