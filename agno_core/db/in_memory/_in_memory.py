"""`InMemoryDb`: a `SqliteDb` on a private database that is gone with the object."""

from __future__ import annotations

from agno_core.db.sqlite import SqliteDb

__all__ = ["InMemoryDb"]


class InMemoryDb(SqliteDb):
    """Storage kept in memory for the life of this object, as Agno's ``InMemoryDb``: sessions,
    runs, session state and memories, nothing written to a file of yours.

    It is `SqliteDb` on ``:memory:`` (a private database in RAM where the machine has one),
    so every storage feature behaves as on SQLite; each `InMemoryDb` is its own database.

    Example:
        >>> from agno_core.db.in_memory import InMemoryDb
        >>> db = InMemoryDb()
    """

    def __init__(self) -> None:
        super().__init__(db_file=":memory:")
