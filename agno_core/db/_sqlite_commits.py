"""SQLite writes of the run hot path: committed on the event loop when that cannot wait.

A run's write is a few dozen microseconds of SQLite work: in WAL mode with ``synchronous=NORMAL``
a commit appends pages to the WAL file, with no fsync. Handing that to aiosqlite's worker thread
and back costs more than the work itself: the thread is woken through a queue, the loop through
its self-pipe, and each side waits for the GIL, 0.1-0.3 ms on a 2-core VM (measured: the larger
part of a mocked run's storage cost, and most of its variation under load).

So the held writer connection commits directly on the loop thread, but only in the way that
cannot wait:

- its ``busy_timeout`` is 0 and the transaction opens with ``BEGIN IMMEDIATE``: when another
  connection or process holds the write lock, SQLite says so at once and the write goes to the
  worker thread, which waits for the lock there (with the engine's busy timeout);
- the journal must be WAL with ``synchronous`` NORMAL or OFF (checked when the connection is
  taken; otherwise every write goes to the worker thread): no fsync on commit;
- its ``wal_autocheckpoint`` is 0: checkpoints (they write the database file and fsync) run in
  the worker thread of a pooled connection, every `CHECKPOINT_EVERY` commits;
- while a write of ours waits in the worker thread, later writes queue behind it, so a run's
  writes keep their order and the two threads never use the connection at once.

What is left on the loop is CPU and page-cache I/O, as for a log line written to a file; a page
that is not in the OS cache is read from disk there. ``SqliteDb(commit_on_loop=False)`` sends
every write to the worker thread instead.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core.db._compiled import Bound

__all__ = ["CHECKPOINT_EVERY", "SqliteCommits", "can_commit_on_loop"]

log = logging.getLogger("agno_core")

# Commits between two checkpoints. SQLite's own default is every 1000 WAL pages (4 MB); a run's
# commit writes about 5-8 pages (the row, its indexes, a new session's).
CHECKPOINT_EVERY = 128


def can_commit_on_loop(journal_mode: str, synchronous: int) -> bool:
    """Whether a commit in this journal mode can run on the loop: WAL without a sync per commit."""
    return journal_mode.lower() == "wal" and synchronous <= 1  # 0 OFF, 1 NORMAL


class SqliteCommits:
    """Commits on one held aiosqlite connection (see the module docstring).

    Args:
        driver: The aiosqlite connection (or a `LoopConnection`, which offers the same
            ``_execute``).
        engine: Gives its engine; checkpoints borrow a pooled connection from it.
        on_loop: Whether commits may run on the loop (turned off by `prepare` when the journal
            does not allow it).
    """

    def __init__(self, driver: Any, engine: Callable[[], AsyncEngine], *, on_loop: bool) -> None:
        self.driver = driver
        self.engine = engine
        self.on_loop = on_loop
        self.busy_ms = 0  # the engine's busy timeout, for writes that wait in the worker
        self._autocheckpoint = 1000
        self._queued = 0  # our jobs in the worker thread
        self._commits = 0  # since the last checkpoint
        self._checkpoint: asyncio.Task[None] | None = None

    def prepared(self, busy_ms: int) -> None:
        """The connection was opened for commits on the loop (`open_on_loop`): nothing to read."""
        self.busy_ms, self.on_loop = busy_ms, True

    async def prepare(self) -> None:
        """Read the connection's settings; make it unable to wait when commits run on the loop."""
        if self.on_loop:
            # Just opened: nothing else uses the connection, and reading and setting a few
            # pragmas (no I/O) costs less on the loop than a round trip to the worker thread.
            self.busy_ms, self._autocheckpoint, self.on_loop = _prepare(self._conn(), True)
            return
        self.busy_ms, self._autocheckpoint, self.on_loop = await self._in_worker(
            lambda conn: _prepare(conn, False)
        )

    async def write(self, steps: Sequence[Bound]) -> list[int]:
        """Run ``steps`` as one transaction; the row count of each step."""
        if self.on_loop and not self._queued:
            conn = self._conn()
            try:
                counts = _transaction(conn, steps)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                # Another writer holds the lock: wait for it in the worker thread.
            else:
                self._committed()
                return counts
        busy_ms = self.busy_ms if self.on_loop else None
        waited: list[int] = await self._in_worker(
            lambda conn: _waiting_transaction(conn, steps, busy_ms)
        )
        self._committed()
        return waited

    def read_on_loop(self, step: Bound) -> list[tuple[Any, ...]] | None:
        """One read's rows, run at once on the loop when the connection is free there (its
        commits run on the loop and no job is queued in its worker thread): no thread hop,
        no pool checkout. None when it cannot run now (the caller reads the usual way).

        A read in WAL mode never waits for a writer, so it cannot stall the loop.
        """
        if not self.on_loop or self._queued:
            return None
        statement, params = step
        return statement.rows(self._conn().execute(statement.sql, params).fetchall())

    async def finish(self) -> None:
        """Wait for the checkpoint in flight (before the connection is closed)."""
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)

    async def close(self) -> None:
        """Finish the checkpoint in flight; give the connection its own settings back."""
        await self.finish()
        if self.on_loop:  # raises if the connection is gone: it must not go back to the pool
            busy_ms, autocheckpoint = self.busy_ms, self._autocheckpoint
            await self._in_worker(lambda conn: _restore(conn, busy_ms, autocheckpoint))

    def _conn(self) -> sqlite3.Connection:
        # aiosqlite's own accessor (checked to exist at import, see `_direct`); it raises
        # ValueError without a connection, and so does its ``_execute`` once stopped.
        driver = self.driver
        try:
            if not getattr(driver, "_running", True):
                raise ValueError
            return driver._conn  # type: ignore[no-any-return]
        except ValueError:
            raise ValueError("Connection closed") from None  # the message aiosqlite uses

    async def _in_worker(self, job: Any) -> Any:
        """Run ``job(connection)`` in aiosqlite's worker thread (one hop).

        The job counts as queued until the worker is done with it, even when the caller stops
        waiting (cancelled): a commit on the loop meanwhile would wait for the connection's
        mutex, which the worker may hold for as long as the busy timeout.
        """
        conn = self._conn()
        if not self.on_loop:  # nothing runs on the loop: no job to keep track of
            return await self.driver._execute(job, conn)
        self._queued += 1
        job_task = asyncio.ensure_future(self.driver._execute(job, conn))
        job_task.add_done_callback(self._job_done)
        return await asyncio.shield(job_task)

    def _job_done(self, job_task: asyncio.Future[Any]) -> None:
        self._queued -= 1
        if not job_task.cancelled():
            job_task.exception()  # retrieved here too: its caller may have stopped waiting

    def _committed(self) -> None:
        if not self.on_loop:  # SQLite checkpoints by itself, in the worker thread
            return
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._commits = 0
            self._checkpoint = asyncio.get_running_loop().create_task(
                self._run_checkpoint(), name="agno-core-sqlite-checkpoint"
            )

    async def _run_checkpoint(self) -> None:
        # A pooled connection of its own: a PASSIVE checkpoint never blocks writers, so commits
        # on the held connection go on meanwhile.
        try:
            async with self.engine().connect() as pooled:
                driver: Any = (await pooled.get_raw_connection()).driver_connection
                await driver._execute(_checkpoint, driver._conn)
        except Exception as exc:  # the next one will catch up
            log.warning("SQLite checkpoint failed: %s", exc)
        finally:
            self._checkpoint = None


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc)


# -- in whichever thread runs the connection -------------------------------------------------


def _transaction(conn: sqlite3.Connection, steps: Sequence[Bound]) -> list[int]:
    # BEGIN IMMEDIATE takes the write lock first: with busy_timeout 0 it either gets it or
    # fails at once, before anything was written.
    if conn.in_transaction:  # left open by a failure of an earlier rollback: start clean
        conn.rollback()
    conn.execute("BEGIN IMMEDIATE")
    try:
        counts = [conn.execute(statement.sql, params).rowcount for statement, params in steps]
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    return counts


def _waiting_transaction(
    conn: sqlite3.Connection, steps: Sequence[Bound], busy_ms: int | None
) -> list[int]:
    # In the worker thread, a write may wait for the lock: the engine's busy timeout, for once.
    if busy_ms is None:
        return _transaction(conn, steps)
    conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    try:
        return _transaction(conn, steps)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


def _prepare(conn: sqlite3.Connection, wanted: bool) -> tuple[int, int, bool]:
    busy_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    autocheckpoint = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    journal_mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    synchronous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
    on_loop = wanted and can_commit_on_loop(journal_mode, synchronous)
    if on_loop:
        conn.execute("PRAGMA busy_timeout=0")
        conn.execute("PRAGMA wal_autocheckpoint=0")
    return busy_ms, autocheckpoint, on_loop


def _restore(conn: sqlite3.Connection, busy_ms: int, autocheckpoint: int) -> None:
    conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    conn.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
