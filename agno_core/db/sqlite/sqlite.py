"""``from agno_core.db.sqlite.sqlite import SqliteDb``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.db.sqlite._sqlite import SqliteDb

__all__ = ["SqliteDb"]
