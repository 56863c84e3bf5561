"""``InMemoryDb``: Agno's in-memory db, as a private throwaway SQLite database.

Everything a `SqliteDb` stores (sessions, runs, memories, metrics) lives for as long as the
object (or the process) does and is never written to a file of yours.
"""

from __future__ import annotations

from typing import Any

from agno_core.db.sqlite._sqlite import SqliteDb

__all__ = ["InMemoryDb"]


class InMemoryDb(SqliteDb):
    """A db that keeps nothing after the process: ``SqliteDb(db_file=":memory:")``.

    Args:
        **kwargs: `SqliteDb` options other than ``db_file``/``db_url`` (table names, ...).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(db_file=":memory:", **kwargs)
