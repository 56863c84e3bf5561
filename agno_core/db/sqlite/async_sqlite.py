"""``from agno_core.db.sqlite.async_sqlite import AsyncSqliteDb``, as in Agno."""

from __future__ import annotations

from agno_core.db.sqlite._sqlite import AsyncSqliteDb

__all__ = ["AsyncSqliteDb"]
