"""The run hot path in one driver round trip: SQLAlchemy-built statements run on the raw driver.

SQLAlchemy's async adapters turn each statement into several round trips to the driver: with
aiosqlite every ``cursor()``, ``execute()``, ``close()`` and ``commit()`` is a separate hop to the
connection's worker thread (0.05-0.35 ms each, 4-7 per write); with psycopg a write is ``BEGIN``,
the statement and ``COMMIT`` on the wire. A run writes its row two or three times and is read back
by pollers, so that per-statement cost dominated a mocked run (3.7x a bare SDK call on SQLite).

Here the statements are still built from the SQLAlchemy tables and compiled once by the engine's
dialect (`agno_core.db._compiled`); only their execution bypasses the adapter, on connections
checked out of the engine's own pool:

- aiosqlite: the held connection commits on the event loop when that cannot wait (the write
  lock is free; WAL without a sync per commit; no checkpoint there), else the whole transaction
  is one function run in the connection's worker thread (``Connection._execute``, the primitive
  every public aiosqlite method is built on): see `agno_core.db._sqlite_commits`.
- psycopg: one statement in autocommit mode is its own transaction: one round trip; concurrent
  writes are grouped into shared round trips (see `HotPath._grouped`). A write of several
  statements goes through SQLAlchemy in one transaction (the engine has none today).
- any other driver: the same compiled SQL through ``exec_driver_sql`` in a transaction.

Driver errors are raised as SQLAlchemy's exception types, parameters hidden.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agno_core.db._compiled import Bound, Statement
from agno_core.db._sqlite_commits import SqliteCommits

__all__ = ["HotPath"]


@dataclass(eq=False, slots=True)
class _Writer:
    conn: AsyncConnection | None  # None: a SQLite connection of our own (`_sqlite_loop_conn`)
    driver: Any
    busy: int = 0  # writes in flight
    sqlite: SqliteCommits | None = None  # aiosqlite's commits


# A queued PostgreSQL write: the statement, its parameters, the caller's row count.
_Queued = tuple[Statement, Any, "asyncio.Future[int]"]


class HotPath:
    """Runs compiled statements for one engine (one db on one event loop).

    Writes go through connections held for the engine's life (in autocommit mode for psycopg):
    one for SQLite, whose single write lock would make more of them wait for each other (it
    commits on the loop when that cannot wait, else in its worker thread, which takes queued
    transactions one after the other: `agno_core.db._sqlite_commits`), and up to
    ``_MAX_WRITERS["psycopg"]`` for PostgreSQL, where each connection carries one round trip
    at a time: another is opened only when all are busy.
    Reads check a connection out of the pool, so they never queue behind writes.

    Args:
        engine: The engine (one db on one event loop), or a function making it: then it is
            made when first needed (a SQLite db whose runs only write, through a connection
            `loop_writer` opened, never makes one).
        commit_on_loop: SQLite: commit on the loop when that cannot wait (see
            `agno_core.db._sqlite_commits`).
        dialect: The dialect statements are compiled for, known without an engine (default:
            the engine's).
        loop_writer: SQLite: opens the writer on the loop without waiting
            (`agno_core.db._sqlite_loop_conn`); None when it would have to wait, and the
            writer is then a pooled aiosqlite connection.
    """

    def __init__(
        self,
        engine: AsyncEngine | Callable[[], AsyncEngine],
        *,
        commit_on_loop: bool = False,
        dialect: Any = None,
        loop_writer: Callable[[], Any] | None = None,
    ) -> None:
        if isinstance(engine, AsyncEngine):
            self._engine: AsyncEngine | None = engine
            self._make_engine: Callable[[], AsyncEngine] | None = None
        else:
            self._engine, self._make_engine = None, engine
        self._dialect = dialect
        self._loop_writer = loop_writer if commit_on_loop else None
        self._commit_on_loop = commit_on_loop
        self._writers: list[_Writer] = []
        self._kind = ""  # the driver's, known once a connection is open (see `_driver_kind`)
        self._lock = asyncio.Lock()
        self._queue: list[_Queued] = []
        self._flushers: set[asyncio.Task[None]] = set()
        self._flushing = 0  # flushers in a round trip

    @property
    def engine(self) -> AsyncEngine:
        """The engine, made on first use when it was given as a function."""
        engine = self._engine
        if engine is None:
            assert self._make_engine is not None
            engine = self._engine = self._make_engine()
        return engine

    @property
    def dialect(self) -> Any:
        """The dialect statements are compiled for (no engine is made for it when known)."""
        if self._engine is None and self._dialect is not None:
            return self._dialect
        return self.engine.dialect

    async def dispose_engine(self) -> None:
        """Dispose the engine, if one was made."""
        if self._engine is not None:
            await self._engine.dispose()

    async def _writer(self) -> _Writer:
        while True:
            writers = self._writers
            if writers:
                best = min(writers, key=_load)
                if not best.busy or len(writers) >= _MAX_WRITERS.get(self._kind, 1):
                    return best
            async with self._lock:
                if self._writers is writers:  # nobody opened one while this waited
                    return await self._open()

    async def _open_own(self) -> _Writer | None:
        """SQLite: a writer opened on the loop, outside the pool (None: it would have to wait)."""
        own = self._loop_writer() if self._loop_writer is not None else None
        if own is None:
            return None
        commits = SqliteCommits(own, self._engine_of, on_loop=True)
        commits.prepared(own.busy_ms)
        self._kind = "aiosqlite"
        writer = _Writer(conn=None, driver=own, sqlite=commits)
        self._writers = [*self._writers, writer]
        return writer

    async def _open(self) -> _Writer:
        own = await self._open_own()
        if own is not None:
            return own
        for attempt in range(3):
            conn = await self.engine.connect()
            driver: Any = None
            try:
                driver = (await conn.get_raw_connection()).driver_connection
                self._kind = _driver_kind(driver)
                sqlite = None
                if self._kind == "psycopg":
                    await driver.set_autocommit(True)
                    # The pool does not ping; a connection the server dropped (a restart)
                    # must not become the writer every run then fails on.
                    await driver.execute("SELECT 1")
                elif self._kind == "aiosqlite":
                    sqlite = SqliteCommits(driver, self._engine_of, on_loop=self._commit_on_loop)
                    await sqlite.prepare()
            except Exception as exc:
                if attempt == 2 or not _broken(driver, exc):
                    await conn.close()
                    raise
                await conn.invalidate(exc)
                await conn.close()
                continue
            except BaseException:
                await conn.close()
                raise
            writer = _Writer(conn=conn, driver=driver, sqlite=sqlite)
            self._writers = [*self._writers, writer]
            return writer
        raise AssertionError("unreachable")  # pragma: no cover

    def _engine_of(self) -> AsyncEngine:
        return self.engine

    async def write(self, steps: Sequence[Bound]) -> list[int]:
        """Run ``steps`` as one transaction; the row count of each step."""
        if not self._kind:  # the first write opens a connection, which tells the driver
            await self._writer()
        if self._kind == "psycopg" and len(steps) == 1:
            return [await self._grouped(*steps[0])]
        if self._kind != "aiosqlite":  # any other driver, or a multi-statement psycopg write
            async with self.engine.connect() as pooled:
                return await _write_sqlalchemy(pooled, steps)
        writer = self._writers[0] if self._writers else await self._writer()
        assert writer.sqlite is not None
        try:
            return await writer.sqlite.write(steps)
        except Exception as exc:
            error = _translated(self.dialect, steps[-1][0].sql, exc)
            if _broken(writer.driver, exc):
                await self._discard(exc)
            raise error from exc

    # -- PostgreSQL: group commit ------------------------------------------------------------
    #
    # Concurrent runs write at the same moments (a wave of runs starts, a wave ends). Their
    # statements are queued and sent by flusher tasks, one per held connection at most: a
    # flusher takes everything queued, sends each statement's rows as one pipelined
    # ``executemany`` (one round trip, one implicit transaction), and repeats while more
    # came in meanwhile. A lone write goes out at once; under load, statements that arrive
    # while a round trip is in flight share the next one, which cuts the client CPU per write
    # several times over. A batch that fails is rolled back whole by the server and replayed
    # statement by statement, so one bad row fails alone. Flushers are tasks of their own,
    # so a caller that is cancelled never takes other runs' writes down with it.

    async def _grouped(self, statement: Statement, params: Any) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append((statement, params, future))
        flushers = len(self._flushers)
        # A new flusher only when every one is in a round trip, and no more than connections.
        if flushers <= self._flushing and flushers < _MAX_WRITERS["psycopg"]:
            task = asyncio.get_running_loop().create_task(self._flush())
            self._flushers.add(task)
            task.add_done_callback(self._flusher_done)
        return await future

    async def _flush(self) -> None:
        batch: list[_Queued] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    writer = await self._writer()
                except Exception as exc:  # no connection: these writes fail, the next may not
                    for _, _, future in batch:
                        _resolve(future, exc)
                    continue
                self._flushing += 1
                writer.busy += 1
                try:
                    await self._send(writer, batch)
                finally:
                    self._flushing -= 1
                    writer.busy -= 1
        except BaseException:
            # Cancelled (the loop is shutting down): nothing will send what is left.
            self._abandon(batch)
            raise
        finally:
            # Here, not in a done callback: a caller woken by this flusher's last result may
            # queue its next write before such a callback ran, and must see it gone.
            self._flushers.discard(asyncio.current_task())

    def _flusher_done(self, task: asyncio.Task[None]) -> None:
        # A flusher cancelled before its first step never ran its own clean-up (loop shutdown
        # right after a write was queued): forget it, and fail what nobody else will send.
        self._flushers.discard(task)
        if task.cancelled() and self._queue and not self._flushers:
            self._abandon([])

    def _abandon(self, batch: list[_Queued]) -> None:
        """Fail ``batch`` and everything queued: their flusher was cancelled."""
        queued, self._queue = [*batch, *self._queue], []
        error = RuntimeError("the write was abandoned: its event loop is shutting down")
        for _, _, future in queued:
            _resolve(future, error)

    async def _send(self, writer: _Writer, batch: list[_Queued]) -> None:
        groups: dict[int, list[_Queued]] = {}
        for item in batch:
            groups.setdefault(id(item[0]), []).append(item)
        for items in groups.values():
            if len(items) > 1:
                try:
                    counts = await _psycopg_many(writer.driver, items[0][0], items)
                except Exception as exc:
                    if _broken(writer.driver, exc):
                        await self._fail(writer, items, exc)
                        continue
                    # The server rolled the batch back whole: replay it row by row, so that
                    # only the bad rows fail.
                else:
                    for (_, _, future), count in zip(items, counts, strict=True):
                        _resolve(future, count)
                    continue
            for item in items:
                statement, params, future = item
                try:
                    _resolve(future, await _psycopg_statement(writer.driver, statement, params))
                except Exception as exc:
                    if _broken(writer.driver, exc):
                        await self._fail(writer, [item], exc)
                    else:
                        _resolve(future, _translated(self.dialect, statement.sql, exc))

    async def _fail(self, writer: _Writer, items: list[_Queued], exc: Exception) -> None:
        """The connection is gone: fail these writes and drop the held connections."""
        error = _translated(self.dialect, items[0][0].sql, exc)
        for _, _, future in items:
            _resolve(future, error)
        if writer in self._writers:  # the first of this batch's writes to find it dead
            await self._discard(exc)

    async def fetch(self, step: Bound) -> list[tuple[Any, ...]]:
        """Run one read; its rows. A read that finds the server gone is tried once more."""
        if self._kind == "aiosqlite" and self._writers:
            sqlite = self._writers[0].sqlite
            if sqlite is not None:
                try:
                    rows = sqlite.read_on_loop(step)
                except Exception as exc:
                    raise _translated(self.dialect, step[0].sql, exc) from exc
                if rows is not None:
                    return rows
        try:
            return await self._fetch(step)
        except _ServerGone as gone:
            await self._discard(gone.error)
            try:
                return await self._fetch(step)
            except _ServerGone as again:
                raise again.translated from again.error

    async def _fetch(self, step: Bound) -> list[tuple[Any, ...]]:
        statement, params = step
        async with self.engine.connect() as conn:
            driver: Any = (await conn.get_raw_connection()).driver_connection
            kind = _driver_kind(driver)
            try:
                if kind == "aiosqlite":
                    raw_rows = await driver._execute(
                        lambda: driver._conn.execute(statement.sql, params).fetchall()
                    )
                elif kind == "psycopg":
                    raw_rows = await _psycopg_read(driver, statement.sql, params)
                else:
                    raw_rows = (await conn.exec_driver_sql(statement.sql, params)).all()
                    await conn.rollback()
            except Exception as exc:
                translated = _translated(conn.dialect, statement.sql, exc)
                if kind == "psycopg" and _broken(driver, exc):
                    await conn.invalidate(exc)
                    raise _ServerGone(exc, translated) from exc
                raise translated from exc
        return statement.rows(raw_rows)

    async def _discard(self, exc: BaseException) -> None:
        """The server went away (a restart, a failover): drop every connection to it.

        The held writers, and the pool's idle connections (``engine.dispose()`` replaces the
        pool, as SQLAlchemy itself does on a disconnect), which are just as dead: otherwise
        each of them would fail one more read or write before being noticed.
        """
        writers, self._writers = self._writers, []
        for writer in writers:
            if writer.conn is None:
                await writer.driver.close()
                continue
            await writer.conn.invalidate(exc)
            await writer.conn.close()
        await self.dispose_engine()

    async def close(self) -> None:
        """Give the held connections back to the pool (before the engine is disposed)."""
        if self._flushers:  # queued writes go out first
            await asyncio.gather(*self._flushers, return_exceptions=True)
        writers, self._writers = self._writers, []
        for writer in writers:
            if writer.conn is None:  # ours: closed, not pooled
                assert writer.sqlite is not None
                try:
                    await writer.sqlite.finish()
                finally:
                    await writer.driver.close()
                continue
            try:
                if self._kind == "psycopg" and not writer.driver.closed:
                    await writer.driver.set_autocommit(False)
                elif writer.sqlite is not None:
                    try:
                        await writer.sqlite.close()
                    except Exception as exc:  # settings of ours: not back to the pool
                        await writer.conn.invalidate(exc)
            finally:
                await writer.conn.close()


# Connections held for writes, per driver (see `HotPath`).
_MAX_WRITERS = {"psycopg": 4, "aiosqlite": 1}


def _load(writer: _Writer) -> int:
    return writer.busy


def _resolve(future: asyncio.Future[int], outcome: int | BaseException) -> None:
    """Give a queued write its row count or error, unless its caller stopped waiting."""
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class _ServerGone(Exception):
    """A read found its connection dead (`HotPath.fetch` retries once)."""

    def __init__(self, error: Exception, translated: BaseException) -> None:
        super().__init__(str(error))
        self.error = error
        self.translated = translated


def _driver_kind(driver: Any) -> str:
    """``"aiosqlite"``, ``"psycopg"``, or ``"sqlalchemy"`` for a driver run through SQLAlchemy."""
    kind = type(driver).__module__.split(".")[0]
    return kind if kind in _SUPPORTED else "sqlalchemy"


def _broken(driver: Any, exc: BaseException) -> bool:
    """Whether the connection is unusable after ``exc`` (server gone, aiosqlite closed)."""
    if isinstance(exc, ValueError):  # aiosqlite: "Connection closed"
        return True
    return bool(getattr(driver, "broken", False) or getattr(driver, "closed", False))


def _translated(dialect: Any, sql: str, exc: Exception) -> BaseException:
    """The driver's error as SQLAlchemy raises it, so callers see one set of exception types.

    Parameters are hidden: they hold run content.
    """
    dbapi = dialect.loaded_dbapi
    base = dbapi.Error
    if isinstance(exc, ValueError) and "closed" in str(exc).lower():
        # aiosqlite's "Connection closed" is a ValueError; SQLAlchemy reports it as this.
        exc = dbapi.OperationalError(str(exc))
    if not isinstance(exc, base):
        return exc
    error: BaseException = DBAPIError.instance(
        sql, None, exc, base, hide_parameters=True, dialect=dialect
    )
    return error


async def _psycopg_statement(driver: Any, statement: Statement, params: Any) -> int:
    # The held connection is in autocommit mode: the statement is its own transaction.
    cursor = await driver.execute(statement.sql, params)
    return int(cursor.rowcount)


async def _psycopg_many(driver: Any, statement: Statement, items: list[_Queued]) -> list[int]:
    # Pipelined: every row is sent before any result is read; one Sync at the end makes the
    # batch one implicit transaction.
    async with driver.cursor() as cursor:
        await cursor.executemany(statement.sql, [item[1] for item in items], returning=True)
        counts = [cursor.rowcount]
        while cursor.nextset():
            counts.append(cursor.rowcount)
    return counts


async def _psycopg_read(driver: Any, sql: str, params: Any) -> list[Any]:
    # A pooled connection, ours until it goes back: one round trip instead of BEGIN, SELECT,
    # ROLLBACK.
    await driver.set_autocommit(True)
    try:
        cursor = await driver.execute(sql, params)
        return await cursor.fetchall()  # type: ignore[no-any-return]
    finally:
        if not driver.closed:
            await driver.set_autocommit(False)


async def _write_sqlalchemy(conn: AsyncConnection, steps: Sequence[Bound]) -> list[int]:
    async with conn.begin():
        return [
            int((await conn.exec_driver_sql(statement.sql, params)).rowcount)
            for statement, params in steps
        ]


def _has_worker_hop() -> bool:
    """aiosqlite's ``Connection._execute`` is the hop this module relies on; check it exists."""
    try:
        from aiosqlite.core import Connection
    except ImportError:  # pragma: no cover - aiosqlite is a dependency
        return False
    return callable(getattr(Connection, "_execute", None)) and isinstance(
        getattr(Connection, "_conn", None), property
    )


_SUPPORTED = {"psycopg", "aiosqlite"} if _has_worker_hop() else {"psycopg"}
