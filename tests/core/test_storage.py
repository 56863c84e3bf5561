"""SQL storage on SQLite and PostgreSQL (DESIGN 3.4): row per run, forward-only status, lookups."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from agno_core.agent import Agent
from agno_core.db import _base
from agno_core.db._schema import SCHEMA_VERSION
from agno_core.db._sql import SqlDb
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI
from tests.core.loops import run_loops

ModelFactory = Callable[..., OpenAIBase]


@pytest.fixture
def endpoint() -> str:
    return "chat"


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> SqlDb:
    """Each storage test runs on SQLite and on a real PostgreSQL, both without a schema yet.

    Not the plugin's ``sqlite_db``: that one is a copy of a template that has the schema, and
    these tests watch the schema being created.
    """
    if request.param == "sqlite_db":
        return SqliteDb(db_file=tmp_path / "agno.db")
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def agent(db: SqlDb, make_model: ModelFactory, mock_model: MockOpenAI) -> Agent:
    return Agent(name="Storage Agent", model=make_model(), db=db)


def _output(status: RunStatus = RunStatus.pending, session_id: str = "s") -> RunOutput:
    return RunOutput(run_id=str(uuid.uuid4()), session_id=session_id, status=status, input="q")


def _exists(path: str) -> bool:
    return Path(path).exists()


async def _count_rows(db: SqlDb, table: str) -> int:
    engine = await db._engine()
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_schema_is_created_on_first_use_with_a_version(db: SqlDb) -> None:
    if isinstance(db, SqliteDb):
        assert db.db_file and not _exists(db.db_file)  # nothing happens at construction

    assert await db.aschema_version() == SCHEMA_VERSION
    assert await db.acount_runs() == 0


def test_first_use_from_two_event_loops_at_once(db: SqlDb, monkeypatch: pytest.MonkeyPatch) -> None:
    # Hold both loops at the start of schema creation so they really overlap; a fix that
    # serialises them makes the barrier time out, which is fine.
    barrier = threading.Barrier(2, timeout=0.5)
    prepare = db._prepare_schema

    async def overlapping_prepare(conn: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            await asyncio.to_thread(barrier.wait)
        await prepare(conn)

    monkeypatch.setattr(db, "_prepare_schema", overlapping_prepare)
    assert run_loops(db.aschema_version) == [SCHEMA_VERSION, SCHEMA_VERSION]


async def test_one_row_per_run(agent: Agent, db: SqlDb) -> None:
    runs = [await agent.arun(f"q{i}", session_id="s1") for i in range(3)]
    runs.append(await agent.arun("other", session_id="s2"))

    assert await _count_rows(db, db.table_names.runs) == 4
    assert await db.acount_runs("s1") == 3
    assert await _count_rows(db, db.table_names.sessions) == 2
    for run in runs:
        stored = await agent.aget_run_output(run.run_id, run.session_id)
        assert stored is not None
        assert (stored.run_id, stored.status, stored.input) == (
            run.run_id,
            RunStatus.completed,
            run.input,
        )
        assert stored.content == run.content
        assert stored.agent_id == agent.id == "storage-agent"
        assert stored.agent_name == "Storage Agent"


async def test_concurrent_runs_on_one_session_are_all_kept(agent: Agent, db: SqlDb) -> None:
    runs = await asyncio.gather(*(agent.arun(f"q{i}", session_id="busy") for i in range(12)))

    assert [r.status for r in runs] == [RunStatus.completed] * 12
    assert await db.acount_runs("busy") == 12
    stored = await db.aget_session_runs("busy")
    assert sorted(r.input.input_content for r in stored) == sorted(f"q{i}" for i in range(12))
    assert (await agent.aget_session_metrics("busy")).runs == 12


async def test_structured_input_is_stored_as_data(agent: Agent, mock_model: MockOpenAI) -> None:
    run = await agent.arun({"ticker": "AAPL", "days": [1, 2]})

    stored = await agent.aget_run_output(run.run_id, run.session_id)

    assert stored is not None
    assert stored.input.input_content == {"ticker": "AAPL", "days": [1, 2]}
    assert mock_model.requests[0].json["messages"][-1] == {
        "role": "user",
        "content": '{"ticker": "AAPL", "days": [1, 2]}',
    }


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (RunStatus.pending, RunStatus.running, True),
        (RunStatus.pending, RunStatus.cancelled, True),
        (RunStatus.running, RunStatus.completed, True),
        (RunStatus.running, RunStatus.error, True),
        (RunStatus.running, RunStatus.paused, True),
        (RunStatus.paused, RunStatus.running, True),
        (RunStatus.completed, RunStatus.running, False),
        (RunStatus.completed, RunStatus.error, False),
        (RunStatus.error, RunStatus.completed, False),
        (RunStatus.cancelled, RunStatus.running, False),
        (RunStatus.cancelled, RunStatus.completed, False),
        (RunStatus.pending, RunStatus.completed, False),
    ],
    ids=lambda v: v.value if isinstance(v, RunStatus) else str(v),
)
async def test_status_transitions_only_go_forward(
    db: SqlDb, start: RunStatus, target: RunStatus, allowed: bool
) -> None:
    output = _output(start)
    await db.ainsert_run(output, status=start)

    assert await db.aset_status(output.run_id, target) is allowed
    row = await db.aget_run_row(output.run_id)
    assert row == ((target if allowed else start).value, "s")

    # The full update is guarded the same way, and a refused one leaves the data untouched.
    other = _output(start)
    await db.ainsert_run(other, status=start)
    other.content = "changed"
    assert await db.aupdate_run(other, status=target) is allowed
    stored = await db.aget_run(other.run_id)
    assert stored is not None
    assert stored.status is (target if allowed else start)
    assert stored.content == ("changed" if allowed else None)


@pytest.mark.parametrize("start", [RunStatus.running, RunStatus.completed])
async def test_going_back_to_pending_is_refused(db: SqlDb, start: RunStatus) -> None:
    output = _output(start)
    await db.ainsert_run(output, status=start)

    assert await db.aset_status(output.run_id, RunStatus.pending) is False
    assert await db.aupdate_run(output, status=RunStatus.pending) is False
    assert await db.aget_run_row(output.run_id) == (start.value, "s")


async def test_a_finished_run_cannot_be_reopened(agent: Agent, db: SqlDb) -> None:
    run = await agent.arun("x")

    run.status = RunStatus.running
    assert await db.aupdate_run(run, status=RunStatus.running) is False
    assert await db.aset_status(run.run_id, RunStatus.cancelled) is False
    assert await db.aset_status(run.run_id, RunStatus.error, error="late") is False
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None
    assert (stored.status, stored.error) == (RunStatus.completed, None)


async def test_get_run_output_is_a_fresh_copy(agent: Agent) -> None:
    run = await agent.arun("x")

    first = await agent.aget_run_output(run.run_id, run.session_id)
    assert first is not None and first is not run
    first.content = "mutated"
    first.messages.clear()
    first.metrics.input_tokens = -1
    second = await agent.aget_run_output(run.run_id, run.session_id)

    assert second is not None and second is not first
    assert second.content == run.content
    assert second.metrics.input_tokens == run.metrics.input_tokens
    assert [m.role for m in second.messages] == ["user", "assistant"]


async def test_unknown_run_or_other_session_gives_none(agent: Agent, db: SqlDb) -> None:
    mine = await agent.arun("x", session_id="mine")
    theirs = await agent.arun("y", session_id="theirs")

    assert await agent.aget_run_output("no-such-run", "mine") is None
    assert await agent.aget_run_output(theirs.run_id, "mine") is None
    assert await agent.aget_run_output(mine.run_id, "theirs") is None
    assert await db.aget_run(theirs.run_id, "mine") is None
    found = await agent.aget_run_output(theirs.run_id, "theirs")
    assert found is not None and found.run_id == theirs.run_id
    assert agent.get_run_output(mine.run_id, "theirs") is None  # the sync twin


async def test_session_and_run_tables_can_be_renamed(
    tmp_path: Path, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    sqlite = SqliteDb(
        db_file=tmp_path / "named.db",
        session_table="my_sessions",
        run_table="my_runs",
        db_schema="ignored_on_sqlite",
    )
    agent = Agent(model=make_model(), db=sqlite)

    await agent.arun("x")

    engine = await sqlite._engine()
    async with engine.connect() as conn:
        names = {r[0] for r in await conn.execute(text("SELECT name FROM sqlite_master"))}
    assert {"my_sessions", "my_runs"} <= names
    assert "agno_runs" not in names
    assert await _count_rows(sqlite, "my_runs") == 1


async def test_postgres_tables_land_in_the_given_schema(
    pg_url: str, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    db = PostgresDb(db_url=pg_url, db_schema="agents", session_table="agent_sessions")
    agent = Agent(model=make_model(), db=db)

    run = await agent.arun("x")

    engine = await db._engine()
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_name IN ('agent_sessions', 'agent_sessions_runs', 'agno_runs', "
                "'agno_sessions')"
            )
        )
        found = sorted((r[0], r[1]) for r in rows)
    # As in Agno, a renamed session table has a runs table of its own.
    assert found == [("agents", "agent_sessions"), ("agents", "agent_sessions_runs")]
    assert await db.aschema_version() == SCHEMA_VERSION
    assert await agent.aget_run_output(run.run_id, run.session_id) is not None
    await db.aclose()


async def test_a_schema_of_an_older_version_gets_the_tables_it_lacks(
    db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A db made by an older agno_core (here: one whose eval table does not exist yet) is
    completed on first use; a current one is only read."""
    assert await db.aschema_version() == SCHEMA_VERSION
    engine = await db._engine()
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE {db.tables.evals.fullname}"))
    await db.aclose()

    again = type(db)(db_url=db._url.render_as_string(hide_password=False))
    assert await again.acount_runs() == 0  # current version: nothing is created
    with pytest.raises(DBAPIError):
        await _count_rows(again, db.tables.evals.fullname)
    await again.aclose()

    monkeypatch.setattr(_base, "SCHEMA_VERSION", SCHEMA_VERSION + 1)  # a newer agno_core
    newer = type(db)(db_url=db._url.render_as_string(hide_password=False))
    assert await newer.acount_runs() == 0
    assert await _count_rows(newer, db.tables.evals.fullname) == 0
    await newer.aclose()


async def test_run_lookup_uses_the_primary_key_on_sqlite(sqlite_db: SqliteDb) -> None:
    for i in range(3):
        await sqlite_db.ainsert_run(_output(session_id=f"s{i}"), status=RunStatus.pending)
    engine = await sqlite_db._engine()

    async with engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in await conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT status, data FROM agno_runs "
                    "WHERE run_id = :r AND session_id = :s"
                ),
                {"r": "x", "s": "y"},
            )
        )

    assert "USING INDEX sqlite_autoindex_agno_runs_1" in plan or "PRIMARY KEY" in plan
    assert "SCAN" not in plan


async def test_history_puts_the_last_completed_runs_into_the_request(
    db: SqlDb, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    for i in range(4):
        mock_model.add_text(f"answer {i}")
    mock_model.add_error(500, "failed run is not history")
    mock_model.add_text("unrelated")
    mock_model.add_text("final")
    agent = Agent(
        model=make_model(),
        db=db,
        session_id="hist",
        add_history_to_context=True,
        num_history_runs=2,
        instructions="Sys.",
    )
    other = Agent(model=make_model(), db=db, session_id="elsewhere")

    for i in range(4):
        await agent.arun(f"question {i}")
    failed = await agent.arun("question that fails")
    await other.arun("another session")
    final = await agent.arun("now")

    messages = mock_model.requests[-1].json["messages"]
    assert failed.status is RunStatus.error
    assert final.content == "final"
    assert messages == [
        {"role": "developer", "content": "Sys."},
        {"role": "user", "content": "question 2"},
        {"role": "assistant", "content": "answer 2"},
        {"role": "user", "content": "question 3"},
        {"role": "assistant", "content": "answer 3"},
        {"role": "user", "content": "now"},
    ]
    # Without history, only this run's messages are sent.
    first = mock_model.requests[0].json["messages"]
    assert first == [
        {"role": "developer", "content": "Sys."},
        {"role": "user", "content": "question 0"},
    ]
