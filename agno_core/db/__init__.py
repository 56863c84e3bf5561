"""SQL storage: `SqliteDb` (embedded default) and `PostgresDb`."""

from __future__ import annotations

from agno_core.db._errors import StorageError
from agno_core.db._interface import AsyncBaseDb, BaseDb
from agno_core.db._session_records import SessionType
from agno_core.db._sql import SqlDb

__all__ = ["AsyncBaseDb", "BaseDb", "SessionType", "SqlDb", "StorageError"]
