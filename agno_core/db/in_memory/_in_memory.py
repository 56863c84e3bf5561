"""``InMemoryDb``: Agno's throwaway store, kept in memory for the life of the process."""

from __future__ import annotations

from typing import Any

from agno_core.db.sqlite._sqlite import SqliteDb

__all__ = ["InMemoryDb"]


class InMemoryDb(SqliteDb):
    """A store that lives only as long as this object (or the process): nothing is written to
    a lasting file, as with Agno's ``InMemoryDb()``.

    It is the private throwaway database of ``SqliteDb(db_file=":memory:")`` (in RAM where
    ``/dev/shm`` exists), so it behaves as every other agno_core store: sessions, runs, session
    state, history, memories and metrics, from sync and async code alike.

    Example:
        >>> db = InMemoryDb()

    Raises:
        TypeError: an argument is given (Agno's ``InMemoryDb`` takes none).
    """

    _agno_type = "in_memory"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            given = ", ".join([*(repr(a) for a in args), *kwargs])
            raise TypeError(f"InMemoryDb() takes no arguments (got {given})")
        super().__init__(db_file=":memory:")
