"""What db objects and model clients share across instances and event loops, and what they don't.

A suite makes a db and a client per test (per event loop): the immutable parts (SQLAlchemy
tables, compiled statements, the SDK's platform name) are made once per process; connections,
clients and rows stay per db and per loop.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from pytest_agno import MockOpenAI


def test_dbs_with_the_same_table_names_share_their_tables(tmp_path: Path) -> None:
    first = SqliteDb(db_file=tmp_path / "a.db")
    second = SqliteDb(db_file=tmp_path / "b.db")
    other = SqliteDb(db_file=tmp_path / "c.db", session_table="other_sessions")
    assert first.tables is second.tables
    assert other.tables is not first.tables
    assert other.tables.sessions.name == "other_sessions"
    assert first.tables.sessions.name != "other_sessions"


async def test_statements_are_compiled_once_for_every_db_of_a_class(tmp_path: Path) -> None:
    builds: list[int] = []

    def build(db: SqliteDb) -> Any:
        builds.append(1)
        return db.tables.runs.select()

    dbs = [SqliteDb(db_file=tmp_path / f"{n}.db") for n in range(2)]
    statements = []
    for db in dbs:
        hot = await db._hot()
        statements.append(
            db._statement(hot.engine, ("test-shared", 1), functools.partial(build, db))
        )
        await db.aclose()
    assert statements[0] is statements[1] and len(builds) == 1
    # Other table names: a statement of their own.
    renamed = SqliteDb(db_file=tmp_path / "r.db", runs_table="other_runs")
    hot = await renamed._hot()
    statement = renamed._statement(hot.engine, ("test-shared", 1), lambda: build(renamed))
    await renamed.aclose()
    assert len(builds) == 2 and "other_runs" in statement.sql


def test_a_new_loop_s_first_request_starts_no_thread(
    mock_model: MockOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK asks the loop's default executor (a new thread) for the platform name on each
    client's first request, unless the client already has it: agno_core supplies it."""
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0))
    assert asyncio.run(agent.arun("hi")).content == "Mock reply."  # the process's warm-up
    started: list[str] = []
    start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    for _ in range(2):  # a new loop, so a new client, each time
        assert asyncio.run(agent.arun("hi")).content == "Mock reply."
    assert started == []
    assert mock_model.request_count == 3


async def test_a_sqlite_engine_knows_its_dialect_without_asking(tmp_path: Path) -> None:
    """A db's engine (one per loop: per test) learns nothing on its first connection: the
    dialect starts with what an ordinary engine's first connection teaches it, and the SQL
    functions SQLAlchemy registers on a connection are there."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    ordinary = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'ordinary.db'}")
    async with ordinary.connect() as conn:
        await conn.execute(text("SELECT 1"))
    await ordinary.dispose()
    db = SqliteDb(db_file=tmp_path / "agno.db")
    hot = await db._hot()
    learned = ("server_version_info", "default_schema_name", "default_isolation_level")
    ours, theirs = hot.engine.sync_engine.dialect, ordinary.sync_engine.dialect
    assert [getattr(ours, name) for name in learned] == [getattr(theirs, name) for name in learned]
    async with hot.engine.connect() as conn:
        row = (await conn.execute(text("SELECT 'abc' REGEXP 'b', floor(2.5)"))).one()
        assert tuple(row) == (1, 2)
        assert await conn.get_isolation_level() == "SERIALIZABLE"
    await db.aclose()


async def test_a_sqlite_engine_with_engine_kwargs_is_made_the_ordinary_way(tmp_path: Path) -> None:
    from sqlalchemy import text

    db = SqliteDb(db_file=tmp_path / "agno.db", engine_kwargs={"isolation_level": "AUTOCOMMIT"})
    hot = await db._hot()
    async with hot.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert raw.driver_connection.isolation_level is None  # the driver's autocommit
        assert (await conn.execute(text("SELECT 'abc' REGEXP 'z'"))).scalar() == 0
    await db.aclose()
