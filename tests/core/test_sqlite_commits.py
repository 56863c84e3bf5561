"""SQLite commits on the event loop when they cannot wait (`agno_core.db._sqlite_commits`)."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core.db import _sqlite_commits
from agno_core.db._schema import SCHEMA_VERSION
from agno_core.db._sqlite_commits import SqliteCommits, can_commit_on_loop
from agno_core.db._sqlite_loop_conn import LoopConnection, _in_ram
from agno_core.db.sqlite import SqliteDb, _sqlite
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from tests.core.loops import run_loops

MAIN = threading.get_ident()


def _run(session_id: str | None = None) -> RunOutput:
    return RunOutput(run_id=str(uuid.uuid4()), session_id=session_id or str(uuid.uuid4()))


@pytest.fixture
def db(tmp_path: Path) -> SqliteDb:
    # A short busy timeout: a test that wrongly waited for the lock on the loop ends soon.
    return SqliteDb(db_file=tmp_path / "agno.db", busy_timeout=5.0)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The thread of every transaction of the hot path, in order."""
    seen: list[int] = []
    original = _sqlite_commits._transaction

    def recorded(conn: sqlite3.Connection, steps: Any) -> list[int]:
        seen.append(threading.get_ident())
        return original(conn, steps)

    monkeypatch.setattr(_sqlite_commits, "_transaction", recorded)
    yield seen


async def _commits(db: SqliteDb) -> SqliteCommits:
    """The db's held writer on this loop (opened by a first write)."""
    await db.ainsert_run(_run(), status=RunStatus.completed)
    hot = await db._hot()
    commits = hot._writers[0].sqlite
    assert commits is not None
    return commits


def _stored_status(path: str, run_id: str) -> str | None:
    """A run's status as another connection (another process, say) sees it."""
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT status FROM agno_runs WHERE run_id = ?", (run_id,)).fetchone()
    return None if row is None else str(row[0])


@pytest.fixture
def write_lock(db: SqliteDb) -> Iterator[sqlite3.Connection]:
    """Another connection that will hold the db's write lock (``BEGIN IMMEDIATE``)."""
    conn = sqlite3.connect(str(db.db_file), isolation_level=None)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


async def test_a_write_commits_on_the_loop_when_the_lock_is_free(
    db: SqliteDb, threads: list[int]
) -> None:
    await _commits(db)
    output = _run()
    await db.ainsert_run(output, status=RunStatus.pending)
    output.status = RunStatus.running
    assert await db.aupdate_run(output, status=RunStatus.running)

    assert threads == [MAIN, MAIN, MAIN]
    # Committed: another connection sees it.
    assert _stored_status(str(db.db_file), output.run_id) == "RUNNING"
    await db.aclose()


async def test_a_locked_db_makes_writes_wait_in_the_worker_thread_in_order(
    db: SqliteDb, threads: list[int], write_lock: sqlite3.Connection
) -> None:
    """Another writer holds the lock: the write waits in the worker thread while the loop runs
    on, and a later write of the same run queues behind it instead of overtaking it."""
    await _commits(db)
    threads.clear()
    output = _run()
    write_lock.execute("BEGIN IMMEDIATE")

    insert = asyncio.create_task(db.ainsert_run(output, status=RunStatus.pending))
    await asyncio.sleep(0)
    output.status = RunStatus.running
    update = asyncio.create_task(db.aupdate_run(output, status=RunStatus.running))
    for _ in range(5):  # the loop keeps turning while both wait
        await asyncio.sleep(0.01)
    assert not insert.done() and not update.done()

    write_lock.execute("COMMIT")
    await insert
    assert await update  # found the PENDING row: it ran after the insert
    assert _stored_status(str(db.db_file), output.run_id) == "RUNNING"
    # One attempt on the loop found the lock taken; then both ran in the worker thread.
    assert threads[0] == MAIN
    assert len(threads) == 3 and MAIN not in threads[1:]

    # The lock is free again: the next write is back on the loop.
    threads.clear()
    await db.ainsert_run(_run(), status=RunStatus.completed)
    assert threads == [MAIN]
    await db.aclose()


async def test_a_write_cancelled_while_it_waits_keeps_later_writes_off_the_loop(
    db: SqliteDb, threads: list[int], write_lock: sqlite3.Connection
) -> None:
    """The worker still holds the connection for a write whose caller was cancelled; a commit on
    the loop then would block the loop on the connection's mutex until the lock came free."""
    await _commits(db)
    threads.clear()
    write_lock.execute("BEGIN IMMEDIATE")
    abandoned = _run()
    waiting = asyncio.create_task(db.ainsert_run(abandoned, status=RunStatus.completed))
    # Tried on the loop (busy), then in the worker, where it waits for the lock.
    for _ in range(500):
        if len(threads) >= 2:
            break
        await asyncio.sleep(0.01)
    assert threads[0] == MAIN and threads[1] != MAIN
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    threads.clear()

    later = _run()
    second = asyncio.create_task(db.ainsert_run(later, status=RunStatus.completed))
    await asyncio.sleep(0.01)
    assert threads == []  # nothing tried on the loop
    write_lock.execute("COMMIT")
    await second
    assert threads and MAIN not in threads
    # The worker finished the cancelled caller's write too: nothing was lost.
    assert _stored_status(str(db.db_file), abandoned.run_id) == "COMPLETED"
    assert _stored_status(str(db.db_file), later.run_id) == "COMPLETED"
    await db.aclose()


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer is a pooled aiosqlite connection, as when it cannot be opened on the loop."""
    monkeypatch.setattr(_sqlite, "open_on_loop", lambda path, busy_ms: None)


async def test_the_writer_opened_on_the_loop_cannot_wait_and_is_closed_not_pooled(
    db: SqliteDb,
) -> None:
    commits = await _commits(db)
    assert isinstance(commits.driver, LoopConnection)
    conn = commits.driver._conn
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not commits.driver.has_worker  # no write waited: no thread was started

    hot = await db._hot()
    await hot.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        conn.execute("SELECT 1")
    await db.aclose()


async def test_a_run_that_only_writes_makes_no_engine(db: SqliteDb) -> None:
    commits = await _commits(db)  # the schema is created through the engine: not this time
    fresh = SqliteDb(db_file=db.db_file)
    fresh._schema_ready = True  # as the plugin's copy of a template has it
    await fresh.ainsert_run(_run(), status=RunStatus.completed)
    hot = await fresh._hot()
    assert hot._engine is None
    assert isinstance(hot._writers[0].driver, LoopConnection)
    assert await fresh.acount_runs() == 2  # a read makes one
    assert hot._engine is not None
    await fresh.aclose()
    assert commits.driver._running
    await db.aclose()


async def test_reads_after_a_write_run_on_the_loop_without_an_engine(db: SqliteDb) -> None:
    # Every run of a known session reads its state, pollers read runs: on the writer's own
    # connection, on the loop, these cost no thread hop and no pool checkout.
    await _commits(db)
    fresh = SqliteDb(db_file=db.db_file)
    fresh._schema_ready = True
    output = _run(session_id="s1")
    await fresh.ainsert_run(output, status=RunStatus.completed)
    hot = await fresh._hot()

    stored = await fresh.aget_run(output.run_id, "s1")
    assert stored is not None and stored.status is RunStatus.completed
    assert await fresh.aget_session_data("no-such-session") is None
    assert hot._engine is None  # neither read checked a connection out of a pool
    await fresh.aclose()
    await db.aclose()


async def test_a_pooled_writer_cannot_wait_and_gets_its_settings_back(
    db: SqliteDb, pooled: None
) -> None:
    commits = await _commits(db)
    assert not isinstance(commits.driver, LoopConnection)
    conn = commits.driver._conn
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0

    hot = await db._hot()
    await hot.close()  # back to the pool: with the engine's settings
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    await db.aclose()


async def _wal_size_after(db: SqliteDb, writes: int) -> int:
    commits = await _commits(db)
    session = str(uuid.uuid4())
    for _ in range(writes):
        await db.ainsert_run(_run(session), status=RunStatus.completed)
        # A commit on the loop does not yield to it; a run's model call would (let the
        # checkpoint task run as it would between runs).
        if commits._checkpoint is not None:
            await commits._checkpoint
    size = await asyncio.to_thread(lambda: Path(f"{db.db_file}-wal").stat().st_size)
    await db.aclose()
    return size


async def test_checkpoints_run_in_a_worker_thread_and_keep_the_wal_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkpoints: list[int] = []
    original = _sqlite_commits._checkpoint

    def recorded(conn: sqlite3.Connection) -> None:
        checkpoints.append(threading.get_ident())
        original(conn)

    monkeypatch.setattr(_sqlite_commits, "_checkpoint", recorded)
    monkeypatch.setattr(_sqlite_commits, "CHECKPOINT_EVERY", 10**9)
    unchecked = await _wal_size_after(SqliteDb(db_file=tmp_path / "unchecked.db"), 200)
    assert checkpoints == []  # the loop's connection never checkpoints by itself

    monkeypatch.setattr(_sqlite_commits, "CHECKPOINT_EVERY", 8)
    checked = await _wal_size_after(SqliteDb(db_file=tmp_path / "checked.db"), 200)
    assert len(checkpoints) == 200 // 8
    assert MAIN not in checkpoints
    assert checked < unchecked / 4


def test_only_a_wal_journal_without_a_sync_per_commit_commits_on_the_loop() -> None:
    assert can_commit_on_loop("wal", 1)  # NORMAL
    assert can_commit_on_loop("WAL", 0)  # OFF
    assert not can_commit_on_loop("wal", 2)  # FULL: an fsync per commit
    assert not can_commit_on_loop("delete", 1)  # rollback journal: syncs per commit


class _FullSyncDb(SqliteDb):
    """A db whose connections sync on every commit (as a user's own pragma could make them)."""

    def _create_engine(self) -> AsyncEngine:
        engine = super()._create_engine()

        @event.listens_for(engine.sync_engine, "connect")
        def _full(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA synchronous=FULL")

        return engine


async def test_a_db_that_syncs_every_commit_writes_in_the_worker_thread(
    tmp_path: Path, threads: list[int]
) -> None:
    db = _FullSyncDb(db_file=tmp_path / "full.db")
    commits = await _commits(db)
    assert not commits.on_loop
    await db.ainsert_run(_run(), status=RunStatus.completed)
    assert threads and MAIN not in threads
    await db.aclose()


def test_commit_on_loop_can_be_turned_off(tmp_path: Path, threads: list[int]) -> None:
    db = SqliteDb(db_file=tmp_path / "off.db", commit_on_loop=False)

    async def write() -> None:
        await db.ainsert_run(_run(), status=RunStatus.completed)
        await db.aclose()

    asyncio.run(write())
    assert threads and MAIN not in threads


def test_two_event_loops_writing_at_once_lose_no_run(db: SqliteDb) -> None:
    """Two loops (two threads, two held connections) on one file: each commits on its loop when
    the lock is free and waits in its worker thread when the other holds it; every run is
    stored."""
    session = str(uuid.uuid4())
    per_loop = 150

    async def writer() -> None:
        for _ in range(per_loop):
            await db.ainsert_run(_run(session), status=RunStatus.completed)
        await db.aclose()

    assert run_loops(writer) == [None, None]

    async def count() -> int:
        try:
            return await db.acount_runs(session)
        finally:
            await db.aclose()

    assert asyncio.run(count()) == 2 * per_loop


async def test_opening_a_db_another_writer_holds_does_not_need_its_lock(
    db: SqliteDb, write_lock: sqlite3.Connection
) -> None:
    """The schema is there: a new db object (another process, a new loop) only reads it."""
    await _commits(db)
    write_lock.execute("BEGIN IMMEDIATE")
    other = SqliteDb(db_file=db.db_file, busy_timeout=0.2)  # a wait for the lock would fail
    assert await other.aschema_version() == SCHEMA_VERSION
    assert await other.acount_runs() == 1
    await other.aclose()
    await db.aclose()


_WRITER_PROCESS = """
import asyncio, sys, uuid
from agno_core.db import _sqlite_commits
from agno_core.db.sqlite import SqliteDb, _sqlite
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus

waited = []
original = _sqlite_commits._waiting_transaction

def counted(conn, steps, busy_ms):
    waited.append(1)
    return original(conn, steps, busy_ms)

_sqlite_commits._waiting_transaction = counted
path, session, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

async def main():
    db = SqliteDb(db_file=path)
    await db.aschema_version()  # opens the engine; the schema is there already
    print("ready", flush=True)
    for _ in range(runs):
        output = RunOutput(run_id=str(uuid.uuid4()), session_id=session)
        await db.ainsert_run(output, status=RunStatus.completed)
    await db.aclose()

asyncio.run(main())
print("waited", len(waited), flush=True)
"""


async def test_writers_in_other_processes_wait_for_the_lock_and_lose_nothing(
    db: SqliteDb, write_lock: sqlite3.Connection
) -> None:
    """Two other processes write to the file while this one holds the write lock, then all
    three write at once: their first writes wait in a worker thread (not on their loops), and
    every run is stored."""
    await _commits(db)  # the schema exists
    session = str(uuid.uuid4())
    runs = 100
    write_lock.execute("BEGIN IMMEDIATE")
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WRITER_PROCESS,
            str(db.db_file),
            session,
            str(runs),
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"ready"
    await asyncio.sleep(0.2)  # their first writes are waiting for the lock by now
    write_lock.execute("COMMIT")
    for _ in range(runs):
        await db.ainsert_run(_run(session), status=RunStatus.completed)

    for child in children:
        out, _ = await child.communicate()
        assert child.returncode == 0
        assert int(out.split()[-1]) >= 1  # at least its first write waited in the worker
    assert await db.acount_runs(session) == 3 * runs
    await db.aclose()


async def test_a_held_connection_that_cannot_get_its_settings_back_is_not_pooled_again(
    db: SqliteDb, pooled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back in the pool with a busy timeout of 0, it would make other writes fail at once."""
    commits = await _commits(db)
    raw = commits.driver._conn

    def broken(conn: sqlite3.Connection, busy_ms: int, autocheckpoint: int) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(_sqlite_commits, "_restore", broken)
    hot = await db._hot()
    await hot.close()
    assert not commits.driver._running  # closed, not pooled
    assert hot.engine.pool.checkedout() == 0
    async with hot.engine.connect() as conn:
        pooled = (await conn.get_raw_connection()).driver_connection._connection
        assert pooled is not raw
        assert pooled.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    await db.aclose()


async def test_a_transaction_left_open_on_the_connection_does_not_block_later_writes(
    db: SqliteDb,
) -> None:
    commits = await _commits(db)
    commits.driver._conn.execute("BEGIN")  # as a failed rollback could leave it
    output = _run()
    await db.ainsert_run(output, status=RunStatus.completed)
    assert _stored_status(str(db.db_file), output.run_id) == "COMPLETED"
    await db.aclose()


def test_only_a_database_in_ram_is_closed_on_the_loop() -> None:
    """Closing the last connection checkpoints (and syncs) a WAL database: on the loop only
    where a sync costs nothing."""
    assert not _in_ram("/proc/self")  # procfs: not a RAM filesystem for files we write
    mounts = Path("/proc/self/mounts")
    if not mounts.exists():
        pytest.skip("no /proc/self/mounts here: every database counts as on disk")
    kinds = {line.split()[1]: line.split()[2] for line in mounts.read_text().splitlines()}
    tmpfs = [point for point, kind in kinds.items() if kind == "tmpfs" and Path(point).is_dir()]
    for point in tmpfs:
        assert _in_ram(point)
        assert _in_ram(f"{point.rstrip('/')}/some/folder")
    disks = [point for point, kind in kinds.items() if kind in ("ext4", "xfs", "overlay")]
    for point in disks:
        assert not _in_ram(point)
