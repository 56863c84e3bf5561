"""Agno's ``db_engine=`` option of ``SqliteDb`` and ``PostgresDb``: a SQLAlchemy engine instead
of a URL (its database and credentials are used, with agno_core's async drivers), checked on
SQLite and a real PostgreSQL as Agno 3.1.10 takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from agno_core.agent import Agent
from agno_core.db.base import SessionType
from agno_core.db.postgres import AsyncPostgresDb, PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from pytest_agno.mock import MockOpenAI


async def test_sqlite_db_takes_an_engine(tmp_path: Path, mock_model: MockOpenAI) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'engine.db'}")
    db = SqliteDb(db_engine=engine, session_table="engine_sessions")
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)

    run = await agent.arun("hi", session_id="s1")

    assert db.db_file == str(tmp_path / "engine.db")
    assert db.db_url.startswith("sqlite+aiosqlite:///")
    session = await db.aget_session("s1", SessionType.AGENT)
    assert session is not None and [r.run_id for r in session.runs] == [run.run_id]
    again = SqliteDb(db_file=tmp_path / "engine.db", session_table="engine_sessions")
    assert await again.aget_session("s1") is not None  # the same file
    await db.aclose()
    await again.aclose()
    engine.dispose()


def test_the_engine_wins_over_a_url_and_a_file(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+pysqlite:///{tmp_path / 'engine.db'}")

    db = SqliteDb(db_file=tmp_path / "file.db", db_url="sqlite:///other.db", db_engine=engine)

    assert db.db_file == str(tmp_path / "engine.db")


async def test_postgres_db_takes_an_engine(pg_url: str, mock_model: MockOpenAI) -> None:
    engine = create_engine(pg_url)  # a synchronous engine, as Agno's PostgresDb takes
    db = PostgresDb(db_engine=engine, db_schema="eng", session_table="engine_sessions")
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)

    run = await agent.arun("hi", session_id="s1", user_id="ann")

    assert db.db_url.startswith("postgresql+psycopg://")
    assert (await db.aget_sessions(user_id="ann"))[0].runs[0].run_id == run.run_id
    async_engine = create_async_engine(pg_url)
    other = AsyncPostgresDb(
        db_engine=async_engine, db_schema="eng", session_table="engine_sessions"
    )
    assert await other.get_session("s1", SessionType.AGENT) is not None
    await db.aclose()
    await other.aclose()
    await async_engine.dispose()


def test_postgres_db_needs_a_url_or_an_engine() -> None:
    with pytest.raises(ValueError, match="One of db_url or db_engine must be provided"):
        PostgresDb()


def test_an_engine_of_another_database_is_refused(tmp_path: Path) -> None:
    sqlite_engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    pg_engine = create_engine("postgresql+psycopg://u:s3cret@localhost/db")

    with pytest.raises(TypeError, match="needs a postgresql engine") as refused:
        PostgresDb(db_engine=sqlite_engine)
    with pytest.raises(TypeError, match="needs a sqlite engine") as refused_pg:
        SqliteDb(db_engine=pg_engine)
    with pytest.raises(TypeError, match="takes a SQLAlchemy Engine, not str"):
        SqliteDb(db_engine="sqlite:///a.db")

    assert "s3cret" not in str(refused.value) + str(refused_pg.value)
