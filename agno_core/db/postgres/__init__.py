"""PostgreSQL storage: ``PostgresDb(db_url="postgresql+psycopg://...")`` (psycopg 3, async).

``AsyncPostgresDb`` is the same store with Agno's async db interface (its memory methods are
coroutines).
"""

from __future__ import annotations

from agno_core.db.postgres._postgres import AsyncPostgresDb, PostgresDb

__all__ = ["AsyncPostgresDb", "PostgresDb"]
