"""The plumbing every SQL store shares: URL, table names, one engine per loop, the schema."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from agno_core._sync import run_sync
from agno_core.db._compiled import Statement
from agno_core.db._direct import HotPath
from agno_core.db._engines import EnginePerLoop
from agno_core.db._schema import SCHEMA_VERSION, TableNames, Tables, build_tables

__all__ = ["DbBase"]


class DbBase:
    """Plumbing shared by the SQL stores (see `SqlDb` for the arguments).

    Args:
        db_url: SQLAlchemy URL of an async driver.
        db_schema: Schema for the tables (PostgreSQL).
        session_table, run_table, memory_table, eval_table: Table names.
        run_lease_seconds: How long a run's lease lasts without a heartbeat; a live run whose
            lease expired (its process died) is marked error the next time it is read.
        cancel_intent_ttl: Seconds a cancel intent for a run that never starts is kept.
        engine_kwargs: Extra arguments for ``create_async_engine``.
    """

    dialect = "sql"

    def __init__(
        self,
        db_url: str,
        *,
        db_schema: str | None = None,
        session_table: str | None = None,
        run_table: str | None = None,
        memory_table: str | None = None,
        eval_table: str | None = None,
        run_lease_seconds: float = 30.0,
        cancel_intent_ttl: float = 3600.0,
        engine_kwargs: dict[str, Any] | None = None,
        id: str | None = None,
    ) -> None:
        if run_lease_seconds <= 0:
            raise ValueError("run_lease_seconds must be positive")
        self._url = make_url(db_url)
        self.db_schema = db_schema
        defaults = TableNames()
        self.table_names = TableNames(
            sessions=session_table or defaults.sessions,
            runs=run_table or defaults.runs,
            memories=memory_table or defaults.memories,
            evals=eval_table or defaults.evals,
            cancel_intents=defaults.cancel_intents,
            versions=defaults.versions,
        )
        self.tables: Tables = build_tables(self.table_names, self._schema_for_tables())
        self.run_lease_seconds = float(run_lease_seconds)
        self.cancel_intent_ttl = float(cancel_intent_ttl)
        self.id = id or uuid.uuid4().hex
        self._engine_kwargs = engine_kwargs or {}
        self._engines = EnginePerLoop(self._create_engine, self._hot_path)
        self._schema_ready = False
        self._known_sessions: dict[str, None] = {}
        # Hot-path statements compiled once for this db's dialect (see `_direct`).
        self._statements: dict[Hashable, Statement] = {}

    # -- subclass hooks -------------------------------------------------------------------
    def _create_engine(self) -> AsyncEngine:
        raise NotImplementedError

    def _hot_path(self, engine: AsyncEngine) -> HotPath:
        """The hot path of one engine (see `_direct`); backends add their options."""
        return HotPath(engine)

    def _schema_for_tables(self) -> str | None:
        return self.db_schema

    async def _prepare_schema(self, conn: Any) -> None:
        """Dialect-specific work before the tables are created (e.g. CREATE SCHEMA)."""

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

    async def _engine(self) -> AsyncEngine:
        return (await self._hot()).engine

    async def _hot(self) -> HotPath:
        """The running loop's `HotPath` (and its engine), the schema created on first use."""
        state = await self._engines.get()
        if not self._schema_ready:
            async with state.lock:
                if not self._schema_ready:
                    await self._create_schema_racing(state.engine)
                    self._schema_ready = True
        return state.hot

    def _statement(self, engine: AsyncEngine, key: Hashable, build: Callable[[], Any]) -> Statement:
        """The statement ``build()`` makes, compiled once for this db's dialect (see `_direct`)."""
        statement = self._statements.get(key)
        if statement is None:
            statement = Statement.compile(build(), engine.dialect)
            self._statements[key] = statement
        return statement

    async def _create_schema_racing(self, engine: AsyncEngine) -> None:
        """Create the schema; tolerate another loop or process creating it at the same time.

        ``CREATE TABLE`` after a ``checkfirst`` look can still collide with a concurrent
        creator ("already exists", or a unique violation in PostgreSQL's catalog); the next
        attempt then finds the tables there.
        """
        for attempt in range(5):
            try:
                await self._create_schema(engine)
                return
            except DBAPIError:
                if attempt == 4:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))

    async def _create_schema(self, engine: AsyncEngine) -> None:
        # A schema that is there already is only read: opening a db that other processes are
        # writing to never waits for its write lock (an INSERT that does nothing still takes it).
        # An older one still gets the tables this version added.
        stored = await self._stored_version(engine)
        if stored is None or stored < SCHEMA_VERSION:
            async with engine.begin() as conn:
                await self._prepare_schema(conn)
                await conn.run_sync(self.tables.metadata.create_all, checkfirst=True)
                versions = self.tables.versions
                stmt = (
                    self._insert(versions)
                    .values(name="agno_core", version=SCHEMA_VERSION, created_at=time.time())
                    .on_conflict_do_nothing(index_elements=["name"])
                )
                await conn.execute(stmt)
                stored = (await conn.execute(self._version_query())).scalar_one()
        if stored > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database schema is version {stored}, newer than this agno_core "
                f"understands ({SCHEMA_VERSION}); upgrade agno_core"
            )

    def _version_query(self) -> Any:
        versions = self.tables.versions
        return select(versions.c.version).where(versions.c.name == "agno_core")

    async def _stored_version(self, engine: AsyncEngine) -> int | None:
        """The stored schema version; None when there is no schema yet (or no version row)."""
        async with engine.connect() as conn:
            try:
                version = (await conn.execute(self._version_query())).scalar_one_or_none()
            except DBAPIError:  # no versions table
                return None
            finally:
                await conn.rollback()
        return None if version is None else int(version)

    async def aschema_version(self) -> int:
        """The schema version stored in the database."""
        engine = await self._engine()
        async with engine.connect() as conn:
            return int((await conn.execute(self._version_query())).scalar_one())

    async def aclose(self) -> None:
        """Close this loop's connections (the db object stays usable)."""
        await self._engines.dispose_current()

    def close(self) -> None:
        """Close the connections of the synchronous API."""
        run_sync(self.aclose())
