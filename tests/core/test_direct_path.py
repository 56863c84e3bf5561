"""The run hot path (`agno_core.db._direct`): compiled statements on the raw driver, one round
trip per write, the same results and errors as SQLAlchemy, recovery from a lost connection."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import psycopg
import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from agno_core.agent import Agent
from agno_core.db import _direct
from agno_core.db._compiled import Statement
from agno_core.db._schema import TableNames, build_tables
from agno_core.db._sql import SqlDb
from agno_core.models.openai import OpenAIChat
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

TABLES = build_tables(TableNames())


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


async def _warm(db: SqlDb) -> RunOutput:
    """Store one run: the schema exists and the held writer connection is open afterwards."""
    warm = _run()
    await db.ainsert_run(warm, status=RunStatus.completed)
    return warm


def _run(session_id: str | None = None) -> RunOutput:
    return RunOutput(run_id=str(uuid.uuid4()), session_id=session_id or str(uuid.uuid4()))


def _update() -> Any:
    runs = TABLES.runs
    return (
        update(runs)
        .where(runs.c.run_id == bindparam("p_run_id", required=False))
        .where(runs.c.status.in_(["PENDING", "RUNNING"]))
        .values(data=bindparam("p_data", required=False))
    )


def test_positional_statement_binds_in_order_with_json_serialized() -> None:
    statement = Statement.compile(_update(), sqlite.dialect())
    assert statement.positional
    assert statement.sql.count("?") == 4  # data, run_id and the two expanded IN members
    _, params = statement.bind({"p_run_id": "r1", "p_data": {"a": [1, "é"]}})
    assert isinstance(params[0], str)  # text: bytes would be stored by SQLite as a BLOB
    assert json.loads(params[0]) == {"a": [1, "é"]}
    assert params[1:] == ("r1", "PENDING", "RUNNING")


def test_json_parameters_fall_back_to_json_dumps_for_what_the_fast_serializer_refuses() -> None:
    statement = Statement.compile(_update(), sqlite.dialect())
    _, params = statement.bind({"p_run_id": "r1", "p_data": {"s": "\ud800"}})
    assert params[0] == json.dumps({"s": "\ud800"})  # a lone surrogate, escaped
    with pytest.raises(TypeError, match="not JSON serializable"):
        statement.bind({"p_run_id": "r1", "p_data": {"x": object()}})


def test_named_statement_binds_every_name_missing_ones_as_null() -> None:
    runs = TABLES.runs
    stmt = insert(runs).values(
        {c: bindparam(f"p_{c}", required=False) for c in ("run_id", "error", "data")}
    )
    statement = Statement.compile(stmt, postgresql.psycopg.dialect())
    assert not statement.positional
    _, params = statement.bind({"p_run_id": "r1", "p_data": None})
    assert params == {"p_run_id": "r1", "p_error": None, "p_data": None}
    assert "::JSONB" in statement.sql


def test_json_result_columns_are_parsed_only_when_the_driver_returns_text() -> None:
    runs = TABLES.runs
    statement = Statement.compile(select(runs.c.status, runs.c.data), sqlite.dialect())
    assert statement.json_columns == (1,)
    assert statement.rows([("COMPLETED", '{"a": 1}'), ("ERROR", {"b": 2})]) == [
        ("COMPLETED", {"a": 1}),
        ("ERROR", {"b": 2}),
    ]


@pytest.fixture(params=["sqlite_db", "sqlite_worker_db", "pg_db"])
def any_db(request: pytest.FixtureRequest, tmp_path: Any) -> SqlDb:
    if request.param == "sqlite_worker_db":
        from agno_core.db.sqlite import SqliteDb

        return SqliteDb(db_file=tmp_path / "worker.db", commit_on_loop=False)
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


async def test_a_run_write_is_one_driver_round_trip(
    any_db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new run with its new session is one statement (PostgreSQL, the session in a CTE), one
    worker-thread hop (SQLite with ``commit_on_loop=False``) or none at all (SQLite committing
    on the loop); a status change is one more, or none."""
    db = any_db
    on_loop = getattr(db, "commit_on_loop", False)
    output = _run()
    await _warm(db)  # schema creation and opening the held connection are not counted
    trips: list[str] = []
    if db.dialect == "sqlite":
        import aiosqlite.core

        original = aiosqlite.core.Connection._execute

        async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append("hop")
            return await original(self, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    else:
        original_pg = psycopg.AsyncConnection.execute

        async def counted_pg(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append(str(query)[:30])
            return await original_pg(self, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.AsyncConnection, "execute", counted_pg)

    await db.ainsert_run(output, status=RunStatus.pending)
    assert len(trips) == (0 if on_loop else 1)
    output.status = RunStatus.running
    assert await db.aupdate_run(output, status=RunStatus.running)
    assert len(trips) == (0 if on_loop else 2)
    stored = await db.aget_run(output.run_id, output.session_id)
    assert stored is not None and stored.status is RunStatus.running


async def test_a_duplicate_run_id_raises_sqlalchemy_integrity_error(db: SqlDb) -> None:
    output = RunOutput(
        run_id=str(uuid.uuid4()), session_id=str(uuid.uuid4()), content="private words"
    )
    await db.ainsert_run(output, status=RunStatus.completed)
    with pytest.raises(IntegrityError) as caught:
        await db.ainsert_run(output, status=RunStatus.completed)
    assert "[SQL:" in str(caught.value)
    assert "private words" not in str(caught.value)  # parameters (run content) are hidden
    # The held connection is still usable.
    other = _run(output.session_id)
    await db.ainsert_run(other, status=RunStatus.completed)
    assert await db.acount_runs(output.session_id) == 2


async def test_runs_are_stored_through_sqlalchemy_for_other_drivers(
    mock_model: MockOpenAI, db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A driver the hot path does not know gets the same compiled SQL via SQLAlchemy."""
    monkeypatch.setattr(_direct, "_SUPPORTED", set())
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    out = await agent.arun("hi")
    queued = await agent.arun("later", background=True)
    await agent.adrain()
    stored = await agent.aget_run_output(out.run_id, out.session_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert stored.metrics.total_tokens == out.metrics.total_tokens
    done = await agent.aget_run_output(queued.run_id, queued.session_id)
    assert done is not None and done.status is RunStatus.completed


async def test_postgres_write_recovers_when_the_server_drops_the_connection(
    mock_model: MockOpenAI, pg_db: SqlDb
) -> None:
    """The server ends every connection of the db (a restart, a failover, an admin's kill):
    the write that finds its connection dead fails with SQLAlchemy's OperationalError, the
    connection is dropped, and the run's final write (retried) lands on a new one."""
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=pg_db)
    first = await agent.arun("warm up: the held writer connection exists")
    # Several idle connections in the pool, all about to die with the writer.
    await asyncio.gather(*(agent.aget_run_output(first.run_id, first.session_id) for _ in range(6)))

    url = pg_db._url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert killed is not None and killed[0] >= 1

    output = _run()
    with pytest.raises(OperationalError):
        await pg_db.ainsert_run(output, status=RunStatus.completed)
    out = await agent.arun("after the restart")
    assert out.status is RunStatus.completed and not out.error
    stored = await agent.aget_run_output(out.run_id, out.session_id)
    assert stored is not None and stored.status is RunStatus.completed


async def test_a_postgres_read_after_a_restart_is_retried_once(
    mock_model: MockOpenAI, pg_db: SqlDb
) -> None:
    """Reads are idempotent: the first one to find the server gone drops the dead connections
    and is tried again on a fresh one, so a poll does not fail because of a restart."""
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=pg_db)
    out = await agent.arun("stored before the restart")
    await asyncio.gather(*(agent.aget_run_output(out.run_id, out.session_id) for _ in range(6)))
    url = pg_db._url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    stored = await agent.aget_run_output(out.run_id, out.session_id)
    assert stored is not None and stored.content == out.content


async def test_concurrent_postgres_writes_spread_over_a_few_held_connections(
    mock_model: MockOpenAI, pg_db: SqlDb
) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=pg_db, background_concurrency=50)
    runs = [await agent.arun(f"q{i}", background=True) for i in range(60)]
    await agent.adrain()
    hot = await pg_db._hot()
    assert 1 <= len(hot._writers) <= _direct._MAX_WRITERS["psycopg"]
    for run in runs:
        stored = await agent.aget_run_output(run.run_id, run.session_id)
        assert stored is not None and stored.status is RunStatus.completed


async def test_concurrent_postgres_writes_share_round_trips(
    pg_db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes queued while a round trip is in flight go out together (group commit), and
    every caller gets its own row count."""
    warm = await _warm(pg_db)
    batches: list[int] = []
    original = _direct._psycopg_many

    async def counted(driver: Any, statement: Any, items: Any) -> list[int]:
        batches.append(len(items))
        return await original(driver, statement, items)

    monkeypatch.setattr(_direct, "_psycopg_many", counted)
    outputs = [_run(warm.session_id) for _ in range(40)]
    await asyncio.gather(*(pg_db.ainsert_run(o, status=RunStatus.pending) for o in outputs))
    assert batches and sum(batches) >= 20  # most rows travelled in batches
    # Row counts are per caller: half the runs may start, the other half are already ended.
    for o in outputs[:20]:
        await pg_db.aset_status(o.run_id, RunStatus.cancelled)
    started = await asyncio.gather(
        *(pg_db.aset_status(o.run_id, RunStatus.running) for o in outputs)
    )
    assert started == [False] * 20 + [True] * 20


async def test_a_bad_row_in_a_postgres_batch_fails_alone(pg_db: SqlDb) -> None:
    """The server rolls a failed batch back whole; it is replayed row by row, so only the
    duplicate run id fails and the others are stored."""
    first = _run()
    await pg_db.ainsert_run(first, status=RunStatus.completed)
    others = [_run(first.session_id) for _ in range(10)]
    batch = [*others[:5], first, *others[5:]]
    results = await asyncio.gather(
        *(pg_db.ainsert_run(o, status=RunStatus.completed) for o in batch),
        return_exceptions=True,
    )
    assert isinstance(results[5], IntegrityError)
    assert [r for i, r in enumerate(results) if i != 5] == [None] * 10
    assert await pg_db.acount_runs(first.session_id) == 11


async def test_a_cancelled_writer_does_not_lose_the_writes_it_shared(pg_db: SqlDb) -> None:
    """Cancelling one caller (a run cancelled mid-write) leaves the others' writes alone."""
    warm = await _warm(pg_db)
    outputs = [_run(warm.session_id) for _ in range(30)]
    tasks = [
        asyncio.ensure_future(pg_db.ainsert_run(o, status=RunStatus.completed)) for o in outputs
    ]
    await asyncio.sleep(0)
    tasks[0].cancel()
    tasks[7].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    stored = await pg_db.acount_runs(warm.session_id)
    # The cancelled callers' rows may or may not have been sent; every other row is stored.
    assert 29 <= stored <= 31
    for o, task in zip(outputs, tasks, strict=True):
        if not task.cancelled():
            assert await pg_db.aget_run(o.run_id) is not None


async def test_postgres_writes_fail_cleanly_when_no_connection_can_be_opened(
    pg_db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server is unreachable when the writes are queued: every queued write fails with
    the connection's error (none hangs), and writes work again once it is back."""
    warm = await _warm(pg_db)
    hot = await pg_db._hot()
    await hot._discard(RuntimeError("simulated restart"))

    async def unreachable(self: Any) -> Any:
        raise OperationalError("connect", None, Exception("connection refused"))

    monkeypatch.setattr(_direct.HotPath, "_open", unreachable)
    outputs = [_run(warm.session_id) for _ in range(5)]
    results = await asyncio.wait_for(
        asyncio.gather(
            *(pg_db.ainsert_run(o, status=RunStatus.pending) for o in outputs),
            return_exceptions=True,
        ),
        timeout=30,
    )
    assert all(isinstance(r, OperationalError) for r in results)
    assert not hot._flushers and not hot._queue

    monkeypatch.undo()
    await pg_db.ainsert_run(outputs[0], status=RunStatus.pending)
    assert await pg_db.acount_runs(warm.session_id) == 2


async def test_sqlite_writer_closed_under_the_engine_is_replaced(sqlite_db: SqlDb) -> None:
    """The held aiosqlite connection is closed by something else: that write fails with
    SQLAlchemy's OperationalError, and the next one opens a new connection."""
    warm = await _warm(sqlite_db)
    hot = await sqlite_db._hot()
    await hot._writers[0].driver.close()

    lost = _run(warm.session_id)
    with pytest.raises(OperationalError, match="closed"):
        await sqlite_db.ainsert_run(lost, status=RunStatus.completed)
    await sqlite_db.ainsert_run(lost, status=RunStatus.completed)
    assert await sqlite_db.acount_runs(warm.session_id) == 2


async def test_a_failed_read_raises_sqlalchemy_errors(db: SqlDb) -> None:
    from sqlalchemy import column, table

    hot = await db._hot()
    missing = Statement.compile(
        select(column("x")).select_from(table("no_such_table")), hot.engine.dialect
    )
    with pytest.raises(DBAPIError, match="no_such_table"):
        await hot.fetch(missing.bind({}))
    # The pooled connection is fine afterwards.
    assert await db.acount_runs() == 0


async def test_closing_the_db_sends_the_queued_writes_first(pg_db: SqlDb) -> None:
    warm = await _warm(pg_db)
    outputs = [_run(warm.session_id) for _ in range(20)]
    writes = [
        asyncio.ensure_future(pg_db.ainsert_run(o, status=RunStatus.completed)) for o in outputs
    ]
    await asyncio.sleep(0)  # queued, a flusher scheduled
    await pg_db.aclose()
    await asyncio.gather(*writes)
    assert await pg_db.acount_runs(warm.session_id) == 21


async def test_a_flusher_cancelled_before_it_ran_fails_its_writes_instead_of_hanging(
    pg_db: SqlDb,
) -> None:
    """At loop shutdown every task is cancelled, a flusher too, possibly before its first step:
    the writes it would have sent fail at once, and later writes get a new flusher."""
    warm = await _warm(pg_db)
    hot = await pg_db._hot()
    write = asyncio.ensure_future(
        pg_db.ainsert_run(
            _run(warm.session_id),
            status=RunStatus.completed,
        )
    )
    await asyncio.sleep(0)  # the write is queued; its flusher has not started yet
    (flusher,) = hot._flushers
    flusher.cancel()
    with pytest.raises(RuntimeError, match="abandoned"):
        await asyncio.wait_for(write, timeout=30)
    assert not hot._flushers and not hot._queue
    later = _run(warm.session_id)
    await asyncio.wait_for(pg_db.ainsert_run(later, status=RunStatus.completed), timeout=30)
    assert await pg_db.acount_runs(warm.session_id) == 2
