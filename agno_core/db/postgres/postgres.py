"""``from agno_core.db.postgres.postgres import PostgresDb``, the path Agno code uses."""

from __future__ import annotations

from agno_core.db.postgres._postgres import PostgresDb

__all__ = ["PostgresDb"]
