"""SQLite storage, the embedded default: ``SqliteDb(db_file="agno.db")``.

``AsyncSqliteDb`` is the same store with Agno's async db interface (its memory methods are
coroutines); every agno_core db is async underneath, so agents use either the same way.
"""

from __future__ import annotations

from agno_core.db.sqlite._sqlite import AsyncSqliteDb, SqliteDb

__all__ = ["AsyncSqliteDb", "SqliteDb"]
