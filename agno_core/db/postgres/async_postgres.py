"""``from agno_core.db.postgres.async_postgres import AsyncPostgresDb``, as in Agno."""

from __future__ import annotations

from agno_core.db.postgres._postgres import AsyncPostgresDb

__all__ = ["AsyncPostgresDb"]
