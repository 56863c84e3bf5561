"""A db that was never usable, or goes away mid-run (issue: storage on real databases, item 4).

A run whose result was not stored must never pass for a stored success: an unusable db fails
the run before the model is called, with an error naming the file and the problem; a db that
breaks mid-run ends the run ERROR (its output still returned and kept); PostgreSQL restarted
mid-run is waited for within the db's ``write_retry_window``.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from agno_core.agent import Agent
from agno_core.db import SqlDb, StorageError
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from agno_core.run.cancel import acancel_run, cancel_run
from pytest_agno.mock import MockOpenAI
from tests.core.own_postgres import OwnPostgres, own_postgres

__all__ = ["own_postgres"]  # the fixture, used below


def _agent(db: SqlDb) -> Agent:
    return Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=db)


def _text_file(path: Path) -> Path:
    path.write_text("name,price\nAAPL,189.84\n" * 50)
    return path


def _corrupt_file(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 200,)] * 100)
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = bytes(range(256)) * 15 + bytes(range(156))  # the schema page, overwritten
    path.write_bytes(bytes(data))
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_text_file, "not a SQLite database"),
        (_corrupt_file, "not a SQLite database or is corrupt"),
        (_directory, "is a directory"),
    ],
    ids=["text-file", "corrupt-file", "directory"],
)
async def test_an_unusable_sqlite_file_fails_the_run_before_the_model_is_called(
    tmp_path: Path, mock_model: MockOpenAI, make: Any, problem: str
) -> None:
    path = make(tmp_path / "agents.db")
    before = path.read_bytes() if path.is_file() else None
    agent = _agent(SqliteDb(db_file=path))

    with pytest.raises(StorageError, match=problem) as raised:
        await agent.arun("hi")
    assert str(path) in str(raised.value)
    with pytest.raises(StorageError, match=problem):
        await agent.arun("hi", background=True)
    with pytest.raises(StorageError, match=problem):
        agent.run("hi")  # the sync API too

    assert mock_model.requests == []  # nothing ran
    assert agent._unsaved is None  # and nothing pretends to be a result
    if before is not None:
        assert path.read_bytes() == before  # the file is left as it was
    else:
        assert list(path.iterdir()) == []


def _without_file_permission_override() -> None:  # pragma: no cover - runs in the child
    # Root ignores file modes: drop the capabilities that let it (CAP_DAC_OVERRIDE,
    # CAP_DAC_READ_SEARCH, CAP_FOWNER) from the child's bounding set, so it sees them as a
    # user would.
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_a_read_only_folder_fails_the_run_with_a_clear_error(
    tmp_path: Path, existing: bool
) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    path = folder / "agents.db"
    if existing:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from pytest_agno.mock import MockOpenAI
            from agno_core.agent import Agent
            from agno_core.db import StorageError
            from agno_core.db.sqlite import SqliteDb
            from agno_core.models.openai import OpenAIChat

            with MockOpenAI() as mock:
                agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=SqliteDb(db_file=sys.argv[1]))
                try:
                    agent.run("hi")
                except StorageError as exc:
                    print("RAISED", exc)
                print("REQUESTS", len(mock.requests))
            """
        )
    )
    try:
        result = subprocess.run(
            [sys.executable, "-W", "default", str(script), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "OPENAI_API_KEY": "sk-test"},
            preexec_fn=_without_file_permission_override if os.geteuid() == 0 else None,
        )
    finally:
        folder.chmod(stat.S_IRWXU)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"RAISED SqliteDb cannot use the database file '{path}'" in result.stdout
    assert "not writable" in result.stdout
    assert "REQUESTS 0" in result.stdout


async def test_a_db_that_breaks_mid_run_ends_the_run_error(
    sqlite_db: SqliteDb, mock_model: MockOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = _agent(sqlite_db)
    first = await agent.arun("the db works")
    mock_model.add_text("computed, not stored", latency=0.2)
    task = asyncio.create_task(agent.arun("q"))
    while not mock_model.requests[1:]:
        await asyncio.sleep(0.005)
    sqlite_db.write_retry_window = 0.3

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("UPDATE ...", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(sqlite_db, "aupdate_run", broken)
    monkeypatch.setattr(sqlite_db, "ainsert_run", broken)
    started = time.monotonic()
    out = await task

    assert out.status is RunStatus.error
    assert out.content == "computed, not stored"
    assert (out.error or "").startswith("the run's result could not be stored in SqliteDb(")
    assert "disk I/O error" in (out.error or "")
    assert time.monotonic() - started >= 0.3  # retried for the window first
    monkeypatch.undo()
    stored = await sqlite_db.aget_run(out.run_id)  # the RUNNING row: its lease will expire
    assert stored is None or stored.status in (RunStatus.running, RunStatus.error)
    assert (await agent.aget_run_output(first.run_id)) is not None


async def test_a_failing_db_check_is_logged_once_not_every_tick(
    sqlite_db: SqliteDb,
    mock_model: MockOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = _agent(sqlite_db)
    mock_model.add_text("slow", latency=1.6)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT ...", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(sqlite_db, "acancel_intents", broken)
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        run = await agent.arun("q", background=True)
        await agent.adrain(timeout=30)

    failures = [r for r in caplog.records if "db check failed" in r.getMessage()]
    assert len(failures) == 1  # about six ticks failed
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed


async def test_bad_arguments_fail_before_any_sql(
    sqlite_db: SqliteDb, mock_model: MockOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = _agent(sqlite_db)

    async def no_sql() -> Any:
        raise AssertionError("SQL was attempted")

    monkeypatch.setattr(sqlite_db, "_hot", no_sql)
    with pytest.raises(TypeError, match="run_id must be a string, not NoneType"):
        await acancel_run(run_id=None, db=sqlite_db)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_id must be a string"):
        cancel_run(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_id must be a string"):
        await agent.acancel_run(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="run_id must not be empty"):
        await agent.aget_run_output("")
    with pytest.raises(TypeError, match="session_id must be a string, not int"):
        await agent.aget_run_output("r", session_id=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_id must be a string"):
        agent.arun("hi", run_id=42)
    with pytest.raises(ValueError, match="at most 128"):
        agent.arun("hi", session_id="s" * 129)
    assert mock_model.requests == []


# -- PostgreSQL restarted or unreachable mid-run ----------------------------------------------


@pytest.fixture
def own_pg_url(own_postgres: OwnPostgres) -> str:
    """A fresh database on the private server, its URL carrying a password to keep secret."""
    name = own_postgres.server.create_database()
    return own_postgres.url(name, password="s3cret-pw")


async def test_postgres_restarted_mid_run_is_waited_for(
    own_postgres: OwnPostgres, own_pg_url: str, mock_model: MockOpenAI
) -> None:
    db = PostgresDb(db_url=own_pg_url, write_retry_window=30.0)
    agent = _agent(db)
    await agent.arun("the schema exists")
    mock_model.add_text("worth keeping", latency=0.5)
    task = asyncio.create_task(agent.arun("q"))
    while not mock_model.requests[1:]:
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.1)  # the RUNNING row is written

    await asyncio.to_thread(own_postgres.stop)
    await asyncio.sleep(1.0)  # the model answers meanwhile; storing it fails, and is retried
    assert not task.done()
    await asyncio.to_thread(own_postgres.start)
    out = await asyncio.wait_for(task, 60)

    assert out.status is RunStatus.completed, out.error
    assert out.error is None
    stored = await agent.aget_run_output(out.run_id)
    assert stored is not None
    assert (stored.status, stored.content) == (RunStatus.completed, "worth keeping")
    await db.aclose()


async def test_postgres_down_past_the_window_ends_the_run_error(
    own_postgres: OwnPostgres, own_pg_url: str, mock_model: MockOpenAI
) -> None:
    db = PostgresDb(db_url=own_pg_url, write_retry_window=0.5, run_lease_seconds=1.0)
    agent = _agent(db)
    await agent.arun("the schema exists")
    mock_model.add_text("not stored", latency=0.4)
    task = asyncio.create_task(agent.arun("q"))
    while not mock_model.requests[1:]:
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.1)

    await asyncio.to_thread(own_postgres.stop)
    try:
        out = await asyncio.wait_for(task, 60)
    finally:
        await asyncio.to_thread(own_postgres.start)

    assert out.status is RunStatus.error
    assert out.content == "not stored"  # the output is not lost: returned, and kept
    error = out.error or ""
    assert error.startswith("the run's result could not be stored in PostgresDb(")
    assert "s3cret-pw" not in error and "***" in error
    assert "OperationalError" in error
    # Nothing stays RUNNING: the row's lease lapses and the next read marks it ERROR.
    await asyncio.sleep(1.2)
    reader = PostgresDb(db_url=own_pg_url)
    stored = await reader.aget_run(out.run_id)
    assert stored is not None and stored.status is RunStatus.error
    assert "lease expired" in (stored.error or "")
    await reader.aclose()
    await db.aclose()


async def test_postgres_unreachable_at_first_use_raises_a_masked_error(
    own_postgres: OwnPostgres, mock_model: MockOpenAI
) -> None:
    url = own_postgres.url("no_such_database", password="s3cret-pw")
    agent = _agent(PostgresDb(db_url=url))

    with pytest.raises(StorageError) as raised:
        await agent.arun("hi")

    message = str(raised.value)
    assert message.startswith("PostgresDb cannot use postgresql+psycopg://postgres:***@")
    assert "no_such_database" in message and "s3cret-pw" not in message
    assert mock_model.requests == []
