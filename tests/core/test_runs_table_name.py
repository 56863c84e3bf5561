"""The runs table of a renamed session table, as Agno 3.1.10 names it: ``session_table="x"``
without ``runs_table=`` stores runs in ``x_runs``, so two db objects with their own session
tables on one database never share runs. Tables of earlier agno_core versions (such runs in
``agno_runs``) have their runs copied over on first use. On SQLite and a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.db.base import SessionType
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from pytest_agno.mock import MockOpenAI


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    return str(request.getfixturevalue("pg_url"))


def _db(url: str, **options: object) -> SqlDb:
    cls = SqliteDb if url.startswith("sqlite") else PostgresDb
    return cls(db_url=url, **options)  # type: ignore[arg-type]


def _agent(db: SqlDb) -> Agent:
    return Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)


def test_a_renamed_session_table_has_its_own_runs_table(tmp_path: Path) -> None:
    assert SqliteDb(db_file=tmp_path / "a.db").runs_table_name == "agno_runs"
    assert SqliteDb(db_file=tmp_path / "a.db", session_table="agno_sessions").runs_table_name == (
        "agno_runs"
    )
    renamed = PostgresDb(db_url="postgresql+psycopg://u@localhost/db", session_table="billing")
    assert renamed.runs_table_name == "billing_runs"
    explicit = SqliteDb(db_file=tmp_path / "a.db", session_table="billing", runs_table="r")
    assert explicit.runs_table_name == "r"


async def test_dbs_with_their_own_session_tables_share_no_runs(
    url: str, mock_model: MockOpenAI
) -> None:
    support_db = _db(url)
    billing_db = _db(url, session_table="billing_sessions")
    support, billing = _agent(support_db), _agent(billing_db)
    theirs = await support.arun("support question", session_id="s1")
    await billing.arun("billing question", session_id="b1")

    assert await billing.aget_run_output(theirs.run_id, session_id="s1") is None
    assert await billing.aget_run_output(theirs.run_id) is None
    assert await billing_db.adelete_session("s1") is False
    session = await support_db.aget_session("s1", SessionType.AGENT)
    assert session is not None and [r.run_id for r in session.runs] == [theirs.run_id]
    await support_db.aclose()
    await billing_db.aclose()


async def test_runs_kept_in_agno_runs_by_earlier_versions_come_along(
    url: str, mock_model: MockOpenAI
) -> None:
    # What an earlier agno_core made of ``session_table="billing_sessions"``: its runs in the
    # shared agno_runs, next to the default table set's (one of them in a session of the same
    # id, "b1", which is not billing's).
    earlier = _db(url, session_table="billing_sessions", runs_table="agno_runs")
    default = _db(url)
    first = await _agent(earlier).arun("billing question", session_id="b1")
    second = await _agent(earlier).arun("another one", session_id="b2")
    await _agent(default).arun("support question", session_id="s1")
    await earlier.aclose()

    renamed = _db(url, session_table="billing_sessions")
    assert renamed.runs_table_name == "billing_sessions_runs"
    session = await renamed.aget_session("b1", SessionType.AGENT)
    assert session is not None and [r.run_id for r in session.runs] == [first.run_id]
    copied = await renamed.aget_run(second.run_id, session_id="b2")
    assert copied is not None and copied.content == second.content
    assert copied.metrics.total_tokens == second.metrics.total_tokens
    assert await renamed.aget_session("s1", SessionType.AGENT) is None
    # New runs go to the new table; opening it again copies nothing twice.
    await _agent(renamed).arun("a third", session_id="b1")
    await renamed.aclose()
    again = _db(url, session_table="billing_sessions")
    session = await again.aget_session("b1", SessionType.AGENT)
    assert session is not None and len(session.runs) == 2
    await again.aclose()

    # The default table set still has its runs, and agno_runs is left as it was.
    support = await default.aget_session("s1", SessionType.AGENT)
    assert support is not None and len(support.runs) == 1
    kept = _db(url, session_table="billing_sessions", runs_table="agno_runs")
    session = await kept.aget_session("b1", SessionType.AGENT)
    assert session is not None and [r.run_id for r in session.runs] == [first.run_id]
    await kept.aclose()
    await default.aclose()
