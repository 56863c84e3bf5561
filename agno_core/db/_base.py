"""The plumbing every SQL store shares: URL, table names, one engine per loop, the schema."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import fields
from typing import Any, Self

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agno_core._sync import run_sync
from agno_core.db._compiled import Statement
from agno_core.db._description import Description
from agno_core.db._direct import HotPath
from agno_core.db._engines import EnginePerLoop
from agno_core.db._errors import StorageError, check_table_options, driver_message
from agno_core.db._migrate import SchemaMismatch, migrate
from agno_core.db._schema import SCHEMA_VERSION, TableNames, Tables, build_tables

__all__ = ["DbBase", "chunks"]

# Compiled statements shared by the db objects of one class, table set and dialect version.
_COMPILED: dict[Hashable, Statement] = {}
_COMPILED_MAX = 512
# Ids per ``IN (...)``: far below SQLite's limit on bound parameters.
_CHUNK = 500


def chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """``ids`` without repeats, in lists of at most 500 (one ``IN (...)`` each)."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _runs_default(session_table: str | None, defaults: TableNames) -> str:
    """The runs table of a db given no ``runs_table=``: Agno's rule, ``<session_table>_runs``
    for a renamed session table (so db objects with their own session tables never share
    runs), else ``agno_runs``."""
    if session_table and session_table != defaults.sessions:
        return f"{session_table}_runs"
    return defaults.runs


class DbBase(Description):
    """Plumbing shared by the SQL stores (see `SqlDb` for the arguments).

    Args:
        db_url: SQLAlchemy URL of an async driver.
        db_schema: Schema for the tables (PostgreSQL).
        session_table, runs_table, memory_table, eval_table: Table names (Agno's options).
            ``run_table`` is accepted for ``runs_table``.
        cancel_intents_table: Table of cancel intents (a cancel waiting for its run).
        versions_table: Table recording the schema version of each table set.
        metrics_table: Table of the daily usage metrics (``calculate_metrics``/``get_metrics``).
        run_lease_seconds: How long a run's lease lasts without a heartbeat; a live run whose
            lease expired (its process died) is marked error the next time it is read.
        cancel_intent_ttl: Seconds a cancel intent for a run that never starts is kept.
        write_retry_window: Seconds a run's final write is retried while the db is unreachable
            (a server restart); after that the run ends ERROR, its output kept in memory.
        engine_kwargs: Extra arguments for ``create_async_engine``.

    Raises:
        TypeError: an Agno table option naming a table this package does not have
            (``knowledge_table``, ``traces_table``, ...), or an unknown argument.
        ValueError: table names that are empty, repeated or too long for the database.
    """

    dialect = "sql"
    # Longest table name the database keeps (PostgreSQL truncates longer ones silently).
    _max_identifier: int | None = None

    def __init__(
        self,
        db_url: str,
        *,
        db_schema: str | None = None,
        session_table: str | None = None,
        runs_table: str | None = None,
        run_table: str | None = None,
        memory_table: str | None = None,
        eval_table: str | None = None,
        cancel_intents_table: str | None = None,
        versions_table: str | None = None,
        metrics_table: str | None = None,
        run_lease_seconds: float = 30.0,
        cancel_intent_ttl: float = 3600.0,
        write_retry_window: float = 5.0,
        engine_kwargs: dict[str, Any] | None = None,
        id: str | None = None,
        **unsupported: Any,
    ) -> None:
        check_table_options(type(self).__name__, unsupported)
        if run_lease_seconds <= 0:
            raise ValueError("run_lease_seconds must be positive")
        if write_retry_window < 0:
            raise ValueError("write_retry_window must be zero or positive")
        if run_table is not None and runs_table is not None and run_table != runs_table:
            raise ValueError("runs_table and run_table name the same table: give only one")
        self._url = make_url(db_url)
        self.db_schema = db_schema
        defaults = TableNames()
        self.table_names = TableNames(
            sessions=self._table_name("session_table", session_table, defaults.sessions),
            runs=self._table_name(
                "runs_table", runs_table or run_table, _runs_default(session_table, defaults)
            ),
            memories=self._table_name("memory_table", memory_table, defaults.memories),
            evals=self._table_name("eval_table", eval_table, defaults.evals),
            cancel_intents=self._table_name(
                "cancel_intents_table", cancel_intents_table, defaults.cancel_intents
            ),
            versions=self._table_name("versions_table", versions_table, defaults.versions),
        )
        # The daily metrics table holds derived data and is created on first use (`_metrics`).
        self.metrics_table_name = self._table_name("metrics_table", metrics_table, "agno_metrics")
        taken: dict[str, str] = {}
        # Not dataclasses.asdict (a deep copy; a db is made per test in a suite).
        names = [(f.name, getattr(self.table_names, f.name)) for f in fields(self.table_names)]
        for role, name in [*names, ("metrics", self.metrics_table_name)]:
            if name in taken:
                raise ValueError(f"the {taken[name]} and {role} tables are both named {name!r}")
            taken[name] = role
        self.tables: Tables = build_tables(self.table_names, self._schema_for_tables())
        self.run_lease_seconds = float(run_lease_seconds)
        self.cancel_intent_ttl = float(cancel_intent_ttl)
        self.write_retry_window = float(write_retry_window)
        self.id = id or uuid.uuid4().hex
        self._engine_kwargs = engine_kwargs or {}
        self._engines = EnginePerLoop(self._create_engine, self._hot_path)
        self._schema_ready = False
        self._known_sessions: dict[str, None] = {}
        # Hot-path statements compiled once for this db's dialect (see `_direct`).
        self._statements: dict[Hashable, Statement] = {}

    def _table_name(self, option: str, value: str | None, default: str) -> str:
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{option} must be a non-empty string, not {value!r}")
        limit = self._max_identifier
        if limit is not None and len(value.encode()) > limit:
            raise ValueError(
                f"{option}={value!r} is longer than the {limit} bytes "
                f"{type(self).__name__} keeps of a table name"
            )
        return value

    # -- subclass hooks -------------------------------------------------------------------
    def _create_engine(self) -> AsyncEngine:
        raise NotImplementedError

    def _hot_path(self, engine: Callable[[], AsyncEngine]) -> HotPath:
        """The hot path of one loop, ``engine`` making its engine (see `_direct`); backends add
        their options."""
        return HotPath(engine)

    def _schema_for_tables(self) -> str | None:
        return self.db_schema

    async def _prepare_schema(self, conn: Any) -> None:
        """Dialect-specific work before the tables are created (e.g. CREATE SCHEMA)."""

    async def _lock_schema(self, conn: AsyncConnection) -> None:
        """Start the schema transaction holding a lock that other creators wait for."""

    def _problem(self, exc: BaseException) -> str:
        """What is wrong, in words, for an error met opening the db (see `StorageError`)."""
        return driver_message(exc)

    def _insert(self, table: Any) -> Any:
        """An INSERT that supports ``on_conflict_do_nothing`` in this dialect."""
        raise NotImplementedError

    # Whether an INSERT can carry another INSERT in a CTE (one statement, one round trip).
    _cte_inserts = False

    # -- plumbing ----------------------------------------------------------------------------
    @property
    def db_url(self) -> str:
        """The URL with any password masked."""
        return self._url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(db_url={self.db_url!r}, db_schema={self.db_schema!r})"

    def masked(self, text: str) -> str:
        """``text`` with this db's password (if any) replaced by ``***``."""
        password = self._url.password
        return text.replace(str(password), "***") if password else text

    async def _engine(self) -> AsyncEngine:
        return (await self._hot()).engine

    async def aready(self) -> None:
        """Open the db and create or complete its tables now, instead of at the first write.

        Raises:
            StorageError: the database cannot be opened, or its tables cannot be created or
                brought up to date; the message names the db and the problem.
        """
        await self._hot()

    async def _hot(self) -> HotPath:
        """The running loop's `HotPath` (and its engine), the schema created on first use."""
        try:
            state = await self._engines.get()
            if not self._schema_ready:
                async with state.lock:
                    if not self._schema_ready:
                        await self._create_schema_racing(state.engine)
                        self._schema_ready = True
        except (DBAPIError, OSError, SchemaMismatch) as exc:
            if self._schema_ready:
                raise
            raise self._unusable(exc) from exc
        return state.hot

    def _unusable(self, exc: BaseException) -> StorageError:
        return StorageError(
            self.masked(f"{type(self).__name__} cannot use {self._where()}: {self._problem(exc)}")
        )

    async def atable_exists(self, table_name: str) -> bool:
        """Whether the database has a table of that name (in ``db_schema``, on PostgreSQL),
        as Agno's ``db.table_exists``. Only looks: this db's tables are not created by it.

        Raises:
            StorageError: the database cannot be opened.
        """
        schema = self._schema_for_tables()
        try:
            engine = (await self._engines.get()).engine
            async with engine.connect() as conn:
                return bool(
                    await conn.run_sync(
                        lambda sync: inspect(sync).has_table(table_name, schema=schema)
                    )
                )
        except (DBAPIError, OSError) as exc:
            raise self._unusable(exc) from exc

    def table_exists(self, table_name: str) -> Any:
        """`atable_exists`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.atable_exists(table_name))

    def _where(self) -> str:
        return self.db_url

    def _statement(
        self, engine: AsyncEngine | HotPath, key: Hashable, build: Callable[[], Any]
    ) -> Statement:
        """The statement ``build()`` makes, compiled once for this db's dialect (see `_direct`).

        ``build`` depends only on the db's class and its tables, and those are shared by every
        db with the same table names (`build_tables`): so is the compiled statement, which a
        suite making a db per test would otherwise compile per test (1-2 ms a run). Given the
        loop's `HotPath`, no engine is made for the dialect where the db knows it without one.
        """
        statement = self._statements.get(key)
        if statement is None:
            dialect = engine.dialect
            shared = (
                type(self),
                self.tables,
                dialect.name,
                dialect.driver,
                dialect.server_version_info,
                key,
            )
            statement = _COMPILED.get(shared)
            if statement is None:
                statement = Statement.compile(build(), dialect)
                if len(_COMPILED) >= _COMPILED_MAX:
                    _COMPILED.clear()
                _COMPILED[shared] = statement
            self._statements[key] = statement
        return statement

    async def _create_schema_racing(self, engine: AsyncEngine) -> None:
        """Create the schema; tolerate a creator that does not take the schema lock.

        Creators of this version take turns (`_lock_schema`); one of an older version can still
        collide with us ("already exists", or a unique violation in PostgreSQL's catalog). The
        next attempt then finds the tables there.
        """
        for attempt in range(5):
            try:
                await self._create_schema(engine)
                return
            except DBAPIError as exc:
                if attempt == 4 or not _collided(exc):
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))

    async def _create_schema(self, engine: AsyncEngine) -> None:
        # A table set that is current is only read: opening a db that other processes are
        # writing to never waits for its write lock. Otherwise its tables are created or
        # completed under the schema lock (see `_migrate`). The check is per table set (and
        # per PostgreSQL schema): tables of other names in the same database do not count.
        stored = await self._stored_version(engine)
        if stored is None or stored < SCHEMA_VERSION:
            async with engine.connect() as conn:
                await self._lock_schema(conn)
                await self._prepare_schema(conn)
                stored = await conn.run_sync(migrate, self.tables, self.table_names, SCHEMA_VERSION)
                await conn.commit()
        if stored > SCHEMA_VERSION:
            raise SchemaMismatch(
                f"its tables are at schema version {stored}, newer than this agno_core "
                f"understands ({SCHEMA_VERSION}): upgrade agno_core"
            )

    def _version_query(self) -> Any:
        versions = self.tables.versions
        return select(versions.c.version).where(versions.c.name == self.table_names.version_key)

    async def _stored_version(self, engine: AsyncEngine) -> int | None:
        """This table set's stored schema version; None when it has none (or no versions table)."""
        async with engine.connect() as conn:
            try:
                version = (await conn.execute(self._version_query())).scalar_one_or_none()
            except DBAPIError as exc:
                # No versions table yet, or one of another layout (which `migrate` names).
                if not (_no_such_table(exc) or _no_such_column(exc)):
                    raise
                return None
            finally:
                await conn.rollback()
        return None if version is None else int(version)

    async def aschema_version(self) -> int:
        """The schema version stored for this db's table set."""
        engine = await self._engine()
        async with engine.connect() as conn:
            return int((await conn.execute(self._version_query())).scalar_one())

    async def aclose(self) -> None:
        """Close this loop's connections (the db object stays usable)."""
        await self._engines.dispose_current()

    def close(self) -> None:
        """Close the connections of the synchronous API."""
        run_sync(self.aclose())

    async def __aenter__(self) -> Self:
        """``async with SqliteDb(...) as db:`` closes the loop's connections at the end."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _no_such_table(exc: DBAPIError) -> bool:
    # PostgreSQL: undefined table, or a db_schema that does not exist yet.
    if _sqlstate(exc) in ("42P01", "3F000"):
        return True
    return "no such table" in str(exc.orig)


def _no_such_column(exc: DBAPIError) -> bool:
    # PostgreSQL: undefined column.
    return _sqlstate(exc) == "42703" or "no such column" in str(exc.orig)


def _collided(exc: DBAPIError) -> bool:
    # PostgreSQL: unique violation (its catalog), duplicate table/object/schema.
    if _sqlstate(exc) in ("23505", "42P07", "42710", "42P06"):
        return True
    return "already exists" in str(exc.orig)
