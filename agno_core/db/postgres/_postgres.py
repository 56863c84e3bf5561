"""PostgreSQL storage: ``PostgresDb(db_url="postgresql+psycopg://...")`` (psycopg 3, async)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from agno_core.db._async_api import AsyncDbApi
from agno_core.db._engine_url import engine_url
from agno_core.db._sql import SqlDb

__all__ = ["AsyncPostgresDb", "PostgresDb"]

# The advisory lock that schema creators take turns on ("agno_cor" as a 64-bit integer).
_SCHEMA_LOCK = int.from_bytes(b"agno_cor", "big")


class PostgresDb(SqlDb):
    """Runs, sessions, memories and eval results in PostgreSQL.

    Args:
        db_url: ``postgresql+psycopg://user:password@host:port/db`` (``postgresql://`` and
            ``postgres://`` are accepted and use psycopg 3). The password is never shown.
        db_engine: A SQLAlchemy engine instead of ``db_url`` (Agno's option; it wins over
            ``db_url``): its URL, credentials included, is used with psycopg 3, in engines of
            agno_core's own (one per event loop), so its pool options do not carry over.
        db_schema: Schema of the tables (created if missing). Default: the search path.
        session_table, runs_table, memory_table, eval_table, cancel_intents_table,
            versions_table: Table names (see `SqlDb`), at most 63 bytes each; several db
            objects with different names (or schemas) share one database without seeing
            each other's rows.
        run_lease_seconds: Lease of a live run (see `SqlDb`).
        pool_size, max_overflow: Connection pool per event loop.
        **kwargs: Further `SqlDb` options.

    Example:
        >>> db = PostgresDb(db_url="postgresql+psycopg://ai:ai@localhost:5532/ai")
    """

    dialect = "postgresql"
    _agno_type = "postgres"
    _max_identifier = 63

    def __init__(
        self,
        db_url: str | None = None,
        *,
        db_engine: Any = None,
        db_schema: str | None = None,
        pool_size: int = 10,
        max_overflow: int = 20,
        **kwargs: Any,
    ) -> None:
        if db_engine is not None:
            db_url = engine_url(type(self).__name__, db_engine, "postgresql")
        if db_url is None:
            raise ValueError("One of db_url or db_engine must be provided")
        for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
            if db_url.startswith(prefix):
                db_url = "postgresql+psycopg://" + db_url[len(prefix) :]
                break
        self.pool_size = pool_size
        self.max_overflow = max_overflow
        super().__init__(db_url, db_schema=db_schema, **kwargs)

    # A run and its new session are inserted by one statement (the session in a CTE).
    _cte_inserts = True

    def _insert(self, table: Any) -> Any:
        return pg_insert(table)

    async def _lock_schema(self, conn: AsyncConnection) -> None:
        # Held until the schema transaction ends: creators take turns, in any schema (two
        # concurrent ``CREATE SCHEMA IF NOT EXISTS`` can collide as well).
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})

    async def _prepare_schema(self, conn: Any) -> None:
        if self.db_schema:
            quoted = conn.dialect.identifier_preparer.quote_schema(self.db_schema)
            await conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))

    def _create_engine(self) -> AsyncEngine:
        # No hstore column here: SQLAlchemy's lookup of the hstore type would be one more
        # catalog query per engine, i.e. per event loop (per test in a suite).
        options = {"use_native_hstore": False, **self._engine_kwargs}
        return create_async_engine(
            self._url,
            pool_size=self.pool_size,
            max_overflow=self.max_overflow,
            pool_pre_ping=False,
            **options,
        )


class AsyncPostgresDb(AsyncDbApi, PostgresDb):
    """`PostgresDb` with Agno's async db interface: ``await db.get_session(...)``,
    ``await db.get_user_memories()`` and the other session, memory and table methods are
    coroutines. Agents and teams use it exactly like `PostgresDb`.
    """

    _agno_type = "async_postgres"
