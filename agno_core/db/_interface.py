"""`BaseDb` and `AsyncBaseDb`: the types Agno code names its dbs by (``agno.db.base``).

They are markers, not a storage interface to implement: every agno_core db is one SQL store
(`SqlDb`), whose methods are the interface. What they keep from Agno is the question user code
asks of them: ``isinstance(db, AsyncBaseDb)`` is true of the dbs whose Agno methods are
coroutines (``AsyncSqliteDb``, ``AsyncPostgresDb``) and ``isinstance(db, BaseDb)`` of the
others, never both, as in Agno (where the two classes are unrelated).
"""

from __future__ import annotations

from abc import ABC
from typing import Any

__all__ = ["AsyncBaseDb", "BaseDb"]


class BaseDb(ABC):  # noqa: B024 - a marker: no abstract method to implement
    """A db whose Agno methods (``db.get_session(...)``, ...) return their results.

    ``AsyncSqliteDb`` and ``AsyncPostgresDb`` are `AsyncBaseDb`, not `BaseDb`, even though
    they are built on ``SqliteDb``/``PostgresDb``: Agno code tells the two kinds apart with
    ``isinstance`` before it decides to await.
    """

    @classmethod
    def __subclasshook__(cls, subclass: type[Any]) -> bool | Any:
        if cls is BaseDb and issubclass(subclass, AsyncBaseDb):
            return False
        return NotImplemented


class AsyncBaseDb(ABC):  # noqa: B024 - a marker: no abstract method to implement
    """A db whose Agno methods return coroutines: ``await db.get_session(...)``."""
