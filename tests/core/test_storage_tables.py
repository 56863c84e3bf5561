"""Configured table names on a shared database, concurrent creation, and older table shapes.

Every test runs on SQLite and on the real PostgreSQL. A table set is created (or completed) on
first use whatever else the database holds: the schema check is per table set and per
PostgreSQL schema, never per database.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from agno_core.agent import Agent
from agno_core.db import SqlDb, StorageError
from agno_core.db._schema import SCHEMA_VERSION
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from agno_core.run.cancel import acancel_run
from pytest_agno.mock import MockOpenAI

CUSTOM = {
    "session_table": "my_sessions",
    "runs_table": "my_runs",
    "memory_table": "my_memories",
    "eval_table": "my_evals",
    "cancel_intents_table": "my_cancel_intents",
    "versions_table": "my_versions",
}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    return str(request.getfixturevalue("pg_url"))


def _db(url: str, **options: object) -> SqlDb:
    cls = SqliteDb if url.startswith("sqlite") else PostgresDb
    return cls(db_url=url, **options)  # type: ignore[arg-type]


def _agent(db: SqlDb) -> Agent:
    return Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=db)


async def _tables(db: SqlDb) -> set[str]:
    engine = await db._engine()
    async with engine.connect() as conn:
        if isinstance(db, SqliteDb):
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        return {row[0] for row in await conn.execute(text(query))}


async def test_custom_names_on_a_database_that_has_the_default_tables(
    url: str, mock_model: MockOpenAI
) -> None:
    default = _db(url)
    first = await _agent(default).arun("on the default tables")
    assert first.status is RunStatus.completed

    custom = _db(url, **CUSTOM)
    mine = _agent(custom)
    run = await mine.arun("on my tables", background=True)
    await mine.adrain()
    assert await mine.acancel_run("not-started-yet") is False  # an intent, in my table
    await custom.aadd_memories("u1", ["likes tea"])
    await custom.asave_eval_run({"eval_id": "e1", "name": "mine", "result": {}})

    assert set(CUSTOM.values()) <= await _tables(custom)
    stored = await mine.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    # Neither table set sees the other's rows.
    assert await default.aget_run(run.run_id) is None
    assert await custom.aget_run(first.run_id) is None
    assert (await default.acount_runs(), await custom.acount_runs()) == (1, 1)
    assert await default.aget_memories("u1") == []
    assert await default.aget_eval_runs() == []
    assert await default.acancel_intents(["not-started-yet"]) == set()
    assert await custom.acancel_intents(["not-started-yet"]) == {"not-started-yet"}
    assert await custom.aschema_version() == SCHEMA_VERSION
    await default.aclose()
    await custom.aclose()


async def test_two_table_sets_in_one_process_work_side_by_side(
    url: str, mock_model: MockOpenAI
) -> None:
    a, b = _db(url, runs_table="team_a_runs"), _db(url, runs_table="team_b_runs")
    agents = [_agent(a), _agent(b)]

    runs = [await agent.arun(f"q{i}", session_id="shared") for i, agent in enumerate(agents)]

    assert [await a.acount_runs("shared"), await b.acount_runs("shared")] == [1, 1]
    assert await agents[0].aget_run_output(runs[1].run_id) is None
    assert await agents[1].aget_run_output(runs[0].run_id) is None
    # The sessions table is shared (same name): one row for the session both ran in.
    engine = await a._engine()
    async with engine.connect() as conn:
        count = await conn.execute(text("SELECT count(*) FROM agno_sessions"))
        assert count.scalar_one() == 1
    await a.aclose()
    await b.aclose()


async def test_the_schema_check_is_per_postgres_schema(pg_url: str, mock_model: MockOpenAI) -> None:
    plain = PostgresDb(db_url=pg_url)
    await _agent(plain).arun("public schema first")
    for schema in ("team_a", "team_b"):
        db = PostgresDb(db_url=pg_url, db_schema=schema)
        run = await _agent(db).arun(f"in {schema}")
        assert await db.acount_runs() == 1
        assert await plain.aget_run(run.run_id) is None
        await db.aclose()
    await plain.aclose()


CREATOR = textwrap.dedent(
    """
    import asyncio, sys, time
    from agno_core.run.agent import RunOutput
    from agno_core.run.base import RunStatus

    url, go, runs_table, index = sys.argv[1:5]
    if url.startswith("sqlite"):
        from agno_core.db.sqlite import SqliteDb as Db
    else:
        from agno_core.db.postgres import PostgresDb as Db

    async def main():
        db = Db(db_url=url, runs_table=runs_table)
        while time.time() < float(go):
            await asyncio.sleep(0.001)
        run = RunOutput(run_id=f"run-{index}", session_id="s", input="q")
        await db.ainsert_run(run, status=RunStatus.completed)
        print("OK", await db.acount_runs(), flush=True)
        await db.aclose()

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("runs_tables", [["new_runs"] * 4, ["set_1", "set_2", "set_1", "set_2"]])
def test_processes_creating_tables_at_the_same_moment(
    url: str, tmp_path: Path, runs_tables: list[str]
) -> None:
    script = tmp_path / "creator.py"
    script.write_text(CREATOR)
    go = time.time() + 3.0  # every process is up and waiting by then
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(go), table, str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, table in enumerate(runs_tables)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]

    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert err == ""
        assert out.startswith("OK ")
    for table in set(runs_tables):
        expected = runs_tables.count(table)
        assert asyncio.run(_count_and_close(_db(url, runs_table=table))) == expected


async def _count_and_close(db: SqlDb) -> int:
    try:
        return await db.acount_runs()
    finally:
        await db.aclose()


def test_unsupported_table_options_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"traces_table='t'\) is not supported: agno_core has no"):
        SqliteDb(db_file="unused.db", traces_table="t")
    with pytest.raises(TypeError, match=r"knowledge_table.*not supported"):
        PostgresDb(db_url="postgresql://u@localhost/db", knowledge_table="k")
    with pytest.raises(TypeError, match="unexpected keyword argument 'sesion_table'"):
        SqliteDb(db_file="unused.db", sesion_table="typo")
    with pytest.raises(ValueError, match="the sessions and runs tables are both named 'same'"):
        SqliteDb(db_file="unused.db", session_table="same", runs_table="same")
    with pytest.raises(ValueError, match="session_table must be a non-empty string"):
        SqliteDb(db_file="unused.db", session_table="")
    with pytest.raises(ValueError, match="longer than the 63 bytes"):
        PostgresDb(db_url="postgresql://u@localhost/db", runs_table="r" * 64)
    with pytest.raises(ValueError, match="give only one"):
        SqliteDb(db_file="unused.db", runs_table="a", run_table="b")
    assert SqliteDb(db_file="unused.db", run_table="legacy").table_names.runs == "legacy"


# -- older table shapes -------------------------------------------------------------------------

# The tables of schema version 1 (agno_core before table sets had version rows of their own),
# written by hand in that shape.
V1_TABLES = {
    "agno_sessions": "session_id VARCHAR(128) PRIMARY KEY, session_type VARCHAR(16) NOT NULL, "
    "agent_id VARCHAR(128), team_id VARCHAR(128), user_id VARCHAR(128), "
    "created_at FLOAT NOT NULL, session_data {json}",
    "agno_runs": "run_id VARCHAR(128) PRIMARY KEY, session_id VARCHAR(128) NOT NULL, "
    "parent_run_id VARCHAR(128), kind VARCHAR(8) NOT NULL, agent_id VARCHAR(128), "
    "team_id VARCHAR(128), user_id VARCHAR(128), status VARCHAR(16) NOT NULL, error TEXT, "
    "created_at FLOAT NOT NULL, updated_at FLOAT NOT NULL, lease_owner VARCHAR(128), "
    "lease_expires_at FLOAT, data {json} NOT NULL",
    "agno_memories": "memory_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(128) NOT NULL, "
    "memory TEXT NOT NULL, topics {json}, agent_id VARCHAR(128), team_id VARCHAR(128), "
    "created_at FLOAT NOT NULL, updated_at FLOAT NOT NULL",
    "agno_eval_runs": "eval_id VARCHAR(64) PRIMARY KEY, name VARCHAR(256), "
    "eval_type VARCHAR(32) NOT NULL, created_at FLOAT NOT NULL, data {json} NOT NULL",
    "agno_cancel_intents": "run_id VARCHAR(128) PRIMARY KEY, created_at FLOAT NOT NULL, "
    "expires_at FLOAT NOT NULL",
    "agno_schema_versions": "name VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL, "
    "created_at FLOAT NOT NULL",
}
OLD_RUN = {
    "run_id": "old-run",
    "session_id": "old-session",
    "status": "COMPLETED",
    "input": "asked before the upgrade",
    "content": "answered before the upgrade",
    "kind": "agent",
    "created_at": 1.0,
}


async def _make_v1(url: str, *, drop: dict[str, str] | None = None) -> None:
    """The version 1 table set, by hand; ``drop`` leaves a column out of a table."""
    db = _db(url)
    json_type = "JSONB" if isinstance(db, PostgresDb) else "JSON"
    engine = db._create_engine()
    try:
        async with engine.begin() as conn:
            for table, columns in V1_TABLES.items():
                parts = [c.strip() for c in columns.format(json=json_type).split(", ")]
                gone = (drop or {}).get(table)
                parts = [p for p in parts if p.split()[0] != gone]
                await conn.execute(text(f"CREATE TABLE {table} ({', '.join(parts)})"))
            await conn.execute(
                text("INSERT INTO agno_schema_versions VALUES ('agno_core', 1, 1.0)")
            )
            if (drop or {}).get("agno_runs") == "data":
                return
            await conn.execute(
                text(
                    "INSERT INTO agno_runs (run_id, session_id, kind, status, created_at, "
                    "updated_at, data) VALUES ('old-run', 'old-session', 'agent', 'COMPLETED', "
                    "1.0, 1.0, :data)"
                ),
                {"data": json.dumps(OLD_RUN)},
            )
    finally:
        await engine.dispose()


async def test_a_version_1_table_set_is_migrated_in_place(url: str, mock_model: MockOpenAI) -> None:
    await _make_v1(url)
    db = _db(url)
    agent = _agent(db)

    old = await agent.aget_run_output("old-run")
    new = await agent.arun("after the upgrade", session_id="old-session")

    assert old is not None and old.content == "answered before the upgrade"
    assert new.status is RunStatus.completed
    assert await db.acount_runs("old-session") == 2
    assert await db.aschema_version() == SCHEMA_VERSION == 4
    engine = await db._engine()
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT version, tables FROM agno_schema_versions WHERE name = 'agno_core'")
            )
        ).one()
    assert row[0] == 4 and json.loads(row[1])["runs"] == "agno_runs"
    await db.aclose()


async def test_a_missing_column_that_may_be_null_is_added(url: str) -> None:
    await _make_v1(url, drop={"agno_runs": "lease_expires_at", "agno_memories": "topics"})
    db = _db(url, run_lease_seconds=5)

    await db.aadd_memories("u", ["remembered"])
    assert await db.aget_memories("u") == ["remembered"]
    old = await db.aget_run("old-run")
    assert old is not None and old.status is RunStatus.completed
    await db.aset_cancel_intent("x")
    assert await acancel_run("old-run", db) is False
    await db.aclose()


async def test_a_missing_required_column_is_a_clear_error(url: str, mock_model: MockOpenAI) -> None:
    await _make_v1(url, drop={"agno_runs": "data"})
    agent = _agent(_db(url))

    with pytest.raises(StorageError, match="table 'agno_runs' lacks the required column 'data'"):
        await agent.arun("hi")
    assert mock_model.requests == []


async def test_a_foreign_table_of_the_same_name_is_a_clear_error(url: str) -> None:
    db = _db(url)
    engine = db._create_engine()
    async with engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE agno_sessions (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)")
        )
    await engine.dispose()

    with pytest.raises(
        StorageError, match=r"has a required column '(id|owner)'.*other table names"
    ):
        await db.aready()
    with pytest.raises(StorageError):  # and again: nothing was half made
        await db.aready()
    ok = _db(url, session_table="agent_sessions")
    await ok.aready()
    await ok.aclose()


async def test_a_table_set_of_a_newer_version_is_refused(url: str) -> None:
    db = _db(url)
    await db.aready()
    engine = await db._engine()
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE agno_schema_versions SET version = version + 1"))
    await db.aclose()

    with pytest.raises(StorageError, match="newer than this agno_core understands"):
        await _db(url).aready()
    await _db(url, runs_table="fresh_runs").aready()  # another table set is not affected


async def test_the_lease_reaper_uses_the_partial_index_of_live_runs(tmp_path: Path) -> None:
    """Finished runs stay out of the (status, lease) index; the reaper's query still uses it."""
    from sqlalchemy import update
    from sqlalchemy.dialects import sqlite

    from agno_core.db._schema import live

    db = SqliteDb(db_file=tmp_path / "plan.db")
    await db.aready()
    runs = db.tables.runs
    stmt = update(runs).where(live(runs.c.status)).where(runs.c.lease_expires_at < 1.0)
    compiled = stmt.values(status="ERROR").compile(dialect=sqlite.dialect())
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    engine = await db._engine()
    async with engine.connect() as conn:
        plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, params)).all()
    assert "USING INDEX ix_agno_runs_status_lease" in str(plan)
    await db.aclose()
