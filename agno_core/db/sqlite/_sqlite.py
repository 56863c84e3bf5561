"""SQLite storage, the embedded default: ``SqliteDb(db_file="agno.db")``."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.util import await_only

from agno_core.db._async_api import AsyncDbApi
from agno_core.db._direct import HotPath
from agno_core.db._engine_url import engine_url
from agno_core.db._errors import sqlite_problem
from agno_core.db._sql import SqlDb
from agno_core.db._sqlite_loop_conn import open_on_loop

__all__ = ["AsyncSqliteDb", "SqliteDb"]


def _is_memory(db_url: str) -> bool:
    database = make_url(db_url).database
    return not database or database == ":memory:" or "mode=memory" in db_url


class SqliteDb(SqlDb):
    """Runs, sessions, memories and eval results in a SQLite file (aiosqlite).

    The file is opened in WAL mode with ``synchronous=NORMAL`` (a commit is durable against a
    crash of the process, and readers never block the writer) and a busy timeout, so concurrent
    runs in one or several processes wait for each other instead of failing.

    Args:
        db_file: Path of the database file (created, with its folder, on first use).
            ``":memory:"`` gives a private throwaway database: a temporary file (in RAM where
            ``/dev/shm`` exists) shared by every event loop of the process, removed when this
            object is garbage-collected or the process exits.
        db_engine: A SQLAlchemy engine instead of ``db_file`` (Agno's option; it wins over
            ``db_url`` and ``db_file``): its database is opened with aiosqlite, in engines of
            agno_core's own (one per event loop), so its pool options do not carry over.
        db_url: A full ``sqlite+aiosqlite:///...`` URL instead of ``db_file``.
        db_schema: Accepted for Agno compatibility; SQLite has no schemas, so it is ignored.
        session_table, runs_table, memory_table, eval_table, cancel_intents_table,
            versions_table: Table names (see `SqlDb`); several db objects with different
            names share one file without seeing each other's rows.
        run_lease_seconds: Lease of a live run (see `SqlDb`).
        busy_timeout: Seconds a write waits for another writer before failing.
        commit_on_loop: Commit a run's write directly on the event loop when that cannot
            wait: the write lock is free (else the write waits in aiosqlite's worker thread),
            the journal is WAL without a sync per commit, checkpoints run in the worker thread.
            That saves a thread round trip (0.1-0.3 ms) per write; what stays on the loop is
            CPU and page-cache I/O. False: every write goes through the worker thread.
        **kwargs: Further `SqlDb` options.

    Example:
        >>> db = SqliteDb(db_file="tmp/agents.db")
    """

    dialect = "sqlite"
    _agno_type = "sqlite"

    def __init__(
        self,
        db_file: str | Path | None = None,
        *,
        db_engine: Any = None,
        db_url: str | None = None,
        db_schema: str | None = None,
        busy_timeout: float = 30.0,
        commit_on_loop: bool = True,
        **kwargs: Any,
    ) -> None:
        if db_engine is not None:
            db_url = engine_url(type(self).__name__, db_engine, "sqlite")
        if db_url is None:
            if db_file is None:
                db_file = "agno.db"
            db_url = f"sqlite+aiosqlite:///{Path(db_file)}"
        elif db_url.startswith("sqlite://") or db_url.startswith("sqlite:///"):
            db_url = db_url.replace("sqlite://", "sqlite+aiosqlite://", 1)
        self.in_memory = _is_memory(db_url)
        if self.in_memory:
            db_url = f"sqlite+aiosqlite:///{self._private_file()}"
        self.busy_timeout = busy_timeout
        self.commit_on_loop = commit_on_loop
        super().__init__(db_url, db_schema=db_schema, **kwargs)
        self.db_file = self._url.database

    def _private_file(self) -> Path:
        """A throwaway file standing in for ``:memory:``, removed with this object (or at exit).

        A real in-memory database would live in one connection of one event loop: the
        synchronous API (its own loop), a second ``asyncio.run`` or a concurrent reader would each
        see an empty database of their own. A private file, in RAM where ``/dev/shm`` exists,
        keeps every guarantee of a file (WAL, one database for all loops) at memory speed.
        """
        ram = Path("/dev/shm")
        folder = tempfile.mkdtemp(
            prefix="agno-memory-", dir=ram if os.access(ram, os.W_OK) else None
        )
        weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
        return Path(folder) / "agno.db"

    def _schema_for_tables(self) -> str | None:
        return None

    def _location(self) -> dict[str, Any]:
        return {"db_file": self.db_file, "db_url": self.db_url, "type": self._agno_type}

    async def _lock_schema(self, conn: AsyncConnection) -> None:
        # The write lock first (waiting up to the busy timeout for another creator): DDL in
        # SQLite is transactional, so creators take turns and the second finds the tables.
        await conn.exec_driver_sql("BEGIN IMMEDIATE")

    def _where(self) -> str:
        return f"the database file {self.db_file!r}" if self.db_file else self.db_url

    def _problem(self, exc: BaseException) -> str:
        return sqlite_problem(self.db_file, exc)

    def _hot_path(self, engine: Callable[[], AsyncEngine]) -> HotPath:
        # A plain file with the engine's defaults: the writer is opened on the loop when that
        # cannot wait, and statements compile for a dialect known without an engine, so a run
        # that only writes makes no engine (`agno_core.db._sqlite_loop_conn`). Nothing here
        # refers back to the db (see `EnginePerLoop`).
        plain = (
            bool(self.db_file)
            and not self._engine_kwargs
            and not self._url.query
            and type(self)._create_engine is SqliteDb._create_engine  # no connect hooks of yours
        )
        writer = None
        if plain and self.commit_on_loop:
            writer = functools.partial(open_on_loop, str(self.db_file), _busy_ms(self.busy_timeout))
        return HotPath(
            engine,
            commit_on_loop=self.commit_on_loop,
            dialect=_compile_dialect() if plain else None,
            loop_writer=writer,
        )

    def _insert(self, table: Any) -> Any:
        return sqlite_insert(table)

    def _create_engine(self) -> AsyncEngine:
        if self.db_file:
            _check_path(Path(self.db_file))
        options: dict[str, Any] = {
            "connect_args": {"timeout": self.busy_timeout},
            "pool_size": 4,
            "max_overflow": 8,
            # Every use of a connection ends in a commit or rollback of its own; the pool's
            # extra rollback on check-in would cost a thread round trip per transaction.
            "pool_reset_on_return": None,
        }
        # An engine is made per event loop: per test, in a suite. Its first connection would
        # teach the dialect what SQLite always answers (see `_initialize_without_asking`) and
        # register two SQL functions, seven round trips to aiosqlite's thread; instead, the
        # dialect is told, and the functions are registered with the pragmas, in one.
        fast = not self._engine_kwargs
        engine = _create_engine(self._url, options) if fast else None
        if engine is None:
            engine = create_async_engine(self._url, **options, **self._engine_kwargs)
            functions = None
        else:
            functions = engine.sync_engine.dialect.on_connect()
        busy_ms = _busy_ms(self.busy_timeout)
        busy_timeout = self.busy_timeout

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            try:
                _run_in_worker(dbapi_connection, _setup, busy_timeout, busy_ms, functions)
            except Exception:
                # Not a usable database (a text file, a corrupt one): the pool will not close
                # a connection whose setup failed, and its aiosqlite thread would outlive the
                # event loop.
                with contextlib.suppress(Exception):
                    dbapi_connection.close()
                raise

        return engine


def _busy_ms(busy_timeout: float) -> int:
    return int(busy_timeout * 1000)


@functools.cache
def _compile_dialect() -> Any:
    """A dialect like every plain `SqliteDb` engine's, to compile statements without one."""
    engine = _create_engine(make_url("sqlite+aiosqlite://"), {})
    return None if engine is None else engine.sync_engine.dialect


def _create_engine(url: Any, options: dict[str, Any]) -> AsyncEngine | None:
    """An engine whose dialect needs no first-connection round trips (None: not possible here).

    SQLAlchemy's ``_initialize`` flag (private, used by its own mock engines) leaves out the
    first-connection ``initialize()`` and the dialect's own connect hooks; what they would do is
    done by `_initialize_without_asking` and `_setup` instead. Checked by
    ``tests/core/test_sqlite_engine.py`` against an engine made the ordinary way.
    """
    try:
        engine = create_async_engine(url, **options, _initialize=False)
    except TypeError:  # pragma: no cover - a SQLAlchemy without the flag
        return None
    _initialize_without_asking(engine.sync_engine.dialect)
    return engine


def _initialize_without_asking(dialect: Any) -> None:
    """What ``dialect.initialize()`` learns on a first SQLite connection, known in advance.

    The library's version (no query), the schema every SQLite connection is in, and the
    isolation level of a connection that never set ``read_uncommitted`` (ours never do).
    """
    dialect.server_version_info = dialect._get_server_version_info(None)
    dialect.default_schema_name = "main"
    dialect.default_isolation_level = "SERIALIZABLE"


def _run_in_worker(dbapi_connection: Any, job: Any, *args: Any) -> Any:
    """``job(sqlite3_connection, *args)`` in the connection's aiosqlite thread: one hop.

    Through SQLAlchemy's adapter each ``cursor()``, ``execute()`` and ``close()`` is a hop of
    its own to that thread and back (0.1-0.5 ms each on a busy machine); a connection's setup
    made seven of them. ``Connection._execute`` is the primitive aiosqlite builds every method
    on (see `agno_core.db._sqlite_commits`). Without it (another adapter), the cursor is used.
    """
    driver: Any = getattr(dbapi_connection, "_connection", None)
    execute: Any = getattr(driver, "_execute", None)
    conn = getattr(driver, "_conn", None) if execute is not None else None
    if conn is None:
        return job(dbapi_connection, *args)
    return await_only(execute(job, conn, *args))


def _setup(conn: Any, busy_timeout: float, busy_ms: int, functions: Any = None) -> None:
    if functions is not None:  # the dialect's ``regexp`` and ``floor`` (see `_create_engine`)
        functions(conn)
    cursor = conn.cursor()
    try:
        _set_wal(cursor, busy_timeout)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    finally:
        cursor.close()


def _set_wal(cursor: Any, busy_timeout: float) -> None:
    """``PRAGMA journal_mode=WAL``, waiting for another connection that converts the file too.

    Turning a new database to WAL needs an exclusive lock, and SQLite answers "database is
    locked" at once (no busy handler) while another process opens the same new file: wait and
    retry, within the busy timeout. Only the first opens of a new file can meet this.
    """
    deadline = time.monotonic() + busy_timeout
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:
            if "database is locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)  # connection setup, rare: waits a few milliseconds
            delay = min(delay * 2, 0.1)


def _check_path(path: Path) -> None:
    """Refuse a path SQLite cannot open before a connection (and its thread) is started.

    aiosqlite leaves the worker thread of a connection that failed to open to finish on its
    own, and that thread then reports to an event loop that may be closed by then.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    # The database, its -wal and its -shm file are created in the folder.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "Permission denied", str(path.parent))


class AsyncSqliteDb(AsyncDbApi, SqliteDb):
    """`SqliteDb` with Agno's async db interface: ``await db.get_session(...)``,
    ``await db.get_user_memories()`` and the other session, memory and table methods are
    coroutines. Agents and teams use it exactly like `SqliteDb`.
    """

    _agno_type = "async_sqlite"
