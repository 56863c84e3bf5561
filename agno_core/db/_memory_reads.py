"""Reading user memories, as Agno's ``db.get_user_memories``, ``db.get_user_memory``,
``db.get_all_memory_topics`` and ``db.get_user_memory_stats``.

A memory's dict (``deserialize=False``) is Agno's memory row: ``memory_id``, ``memory``,
``input``, ``agent_id``, ``team_id``, ``user_id``, ``topics``, ``feedback``, ``created_at``,
``updated_at`` (whole Unix seconds). A memory stored without a user has ``user_id`` None and is
counted in no user's stats, as in Agno.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Literal, overload

from sqlalchemy import cast, exists, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB

from agno_core._sync import run_sync
from agno_core.db._base import DbBase
from agno_core.memory._user_memory import UserMemory

__all__ = ["MemoryReads", "check_page", "memory_dict", "memory_from_row"]

log = logging.getLogger("agno_core")

_MEMORY_COLUMNS = (
    "memory_id",
    "memory",
    "input",
    "agent_id",
    "team_id",
    "user_id",
    "topics",
    "feedback",
    "created_at",
    "updated_at",
)


def check_page(limit: int | None, page: int | None) -> None:
    """Refuse a ``page`` without ``limit`` (it would silently return everything) or below 1.

    Raises:
        ValueError: as said.
    """
    if page is not None and limit is None:
        raise ValueError("page was given without limit: pass both to paginate, or neither")
    if page is not None and page < 1:
        raise ValueError(f"page must be 1 or more (pages count from 1), not {page}")


def memory_dict(row: Any) -> dict[str, Any]:
    """A memories-table row as Agno's memory dict (times in whole seconds)."""
    data = {name: getattr(row, name) for name in _MEMORY_COLUMNS}
    data["created_at"] = int(row.created_at)
    data["updated_at"] = int(row.updated_at)
    return data


def memory_from_row(row: Any) -> UserMemory:
    """A memories-table row as a `UserMemory` (topics as stored: None stays None)."""
    data = memory_dict(row)
    return UserMemory(**data)


class MemoryReads(DbBase):
    """Reading memories. Part of `SqlDb` (through `MemoryStore`)."""

    @overload
    async def aget_user_memories(
        self,
        user_id: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        topics: Sequence[str] | None = None,
        search_content: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: Literal[True] = True,
    ) -> list[UserMemory]: ...

    @overload
    async def aget_user_memories(
        self,
        user_id: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        topics: Sequence[str] | None = None,
        search_content: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        *,
        deserialize: Literal[False],
    ) -> tuple[list[dict[str, Any]], int]: ...

    @overload
    async def aget_user_memories(
        self,
        user_id: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        topics: Sequence[str] | None = None,
        search_content: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
    ) -> list[UserMemory] | tuple[list[dict[str, Any]], int]: ...

    async def aget_user_memories(
        self,
        user_id: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        topics: Sequence[str] | None = None,
        search_content: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
    ) -> list[UserMemory] | tuple[list[dict[str, Any]], int]:
        """Stored memories, filtered, sorted and paged, as Agno's ``db.get_user_memories``.

        Args:
            user_id: Only this user's memories (None: every user's, and those of no user).
            agent_id, team_id: Only the memories this agent / team stored.
            topics: Only memories filed under every one of these topics.
            search_content: Only memories whose text contains this (ignoring case).
            limit: At most this many memories.
            page: With ``limit``, the page to return (from 1).
            sort_by: A column of the memories table (``created_at``, ``updated_at``,
                ``memory``, ``user_id``, ...); default: oldest first. Another name sorts by
                the default (Agno ignores it too).
            sort_order: ``"asc"``, or anything else for descending (with ``sort_by``).
            deserialize: `UserMemory` objects (True), or ``(memory dicts, total count)``
                (False: the count of every matching memory, not only of this page).

        Raises:
            ValueError: ``page`` without ``limit``, or a ``page`` below 1.
        """
        check_page(limit, page)
        table = self.tables.memories
        where: list[Any] = []
        for column, value in (("user_id", user_id), ("agent_id", agent_id), ("team_id", team_id)):
            if value is not None:
                where.append(table.c[column] == value)
        where += [self._has_topic(topic) for topic in topics or ()]
        if search_content is not None:
            text = func.lower(table.c.memory)
            where.append(text.contains(search_content.lower(), autoescape=True))
        stmt = select(table).where(*where).order_by(*self._memory_order(sort_by, sort_order))
        if limit is not None:
            stmt = stmt.limit(limit).offset((page - 1) * limit if page else 0)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
            if deserialize:
                return [memory_from_row(row) for row in rows]
            total = len(rows)
            if limit is not None:
                count = select(func.count()).select_from(table).where(*where)
                total = int((await conn.execute(count)).scalar_one())
        return [memory_dict(row) for row in rows], total

    def _has_topic(self, topic: str) -> Any:
        """Whether a memory's ``topics`` (a JSON array) holds ``topic``, exactly."""
        topics = self.tables.memories.c.topics
        if self.dialect == "postgresql":
            return cast(topics, JSONB).op("@>")(cast(literal(json.dumps([topic])), JSONB))
        element = func.json_each(topics).table_valued("value")
        return exists(select(literal(1)).select_from(element).where(element.c.value == topic))

    def _memory_order(self, sort_by: str | None, sort_order: str | None) -> list[Any]:
        table = self.tables.memories
        if sort_by is None:
            return [table.c.created_at.asc(), table.c.memory_id.asc()]
        if sort_by not in table.c:
            log.debug("get_user_memories: no field %r to sort by: oldest first", sort_by)
            return [table.c.created_at.asc(), table.c.memory_id.asc()]
        column = table.c[sort_by]
        if sort_order == "asc":
            return [column.asc(), table.c.memory_id.asc()]
        return [column.desc(), table.c.memory_id.desc()]

    async def aget_user_memory(
        self, memory_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> UserMemory | dict[str, Any] | None:
        """One memory, as Agno's ``db.get_user_memory``.

        Args:
            memory_id: The memory.
            deserialize: A `UserMemory` (True) or Agno's memory dict (see the module).
            user_id: Only if the memory belongs to this user.

        Returns:
            The memory, or None when there is no such memory (of that user).
        """
        engine = await self._engine()
        table = self.tables.memories
        stmt = select(table).where(table.c.memory_id == memory_id)
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return memory_from_row(row) if deserialize else memory_dict(row)

    async def aget_all_memory_topics(self, user_id: str | None = None) -> list[str]:
        """Every topic the memories are filed under (of one user when given), each once,
        sorted, as Agno's ``db.get_all_memory_topics`` (whose order is arbitrary)."""
        table = self.tables.memories
        stmt = select(table.c.topics).where(table.c.topics.is_not(None))
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        found: set[str] = set()
        for (topics,) in rows:
            if isinstance(topics, list):
                found.update(str(topic) for topic in topics)
        return sorted(found)

    async def aget_user_memory_stats(
        self, limit: int | None = None, page: int | None = None, user_id: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """How many memories each user has, as Agno's ``db.get_user_memory_stats``.

        Args:
            limit: At most this many users.
            page: With ``limit``, the page to return (from 1).
            user_id: Only this user.

        Returns:
            ``([{"user_id", "total_memories", "last_memory_updated_at"}, ...], total)``: the
            users whose memories changed last come first (``last_memory_updated_at`` in whole
            Unix seconds); memories of no user are not counted; ``total`` counts every user,
            not only this page's.

        Raises:
            ValueError: ``page`` without ``limit``, or a ``page`` below 1.
        """
        check_page(limit, page)
        table = self.tables.memories
        last = func.max(table.c.updated_at)
        owner = table.c.user_id == user_id if user_id is not None else table.c.user_id.is_not(None)
        stmt = (
            select(table.c.user_id, func.count().label("total"), last.label("last"))
            .where(owner)
            .group_by(table.c.user_id)
            .order_by(last.desc(), table.c.user_id.asc())
        )
        if limit is not None:
            stmt = stmt.limit(limit).offset((page - 1) * limit if page else 0)
        count = select(func.count(func.distinct(table.c.user_id))).where(owner)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
            total = int((await conn.execute(count)).scalar_one())
        stats = [
            {
                "user_id": row.user_id,
                "total_memories": int(row.total),
                "last_memory_updated_at": int(row.last),
            }
            for row in rows
        ]
        return stats, total

    # -- sync twins (coroutines on the Async* dbs, as in Agno) ---------------------------------
    def get_user_memories(
        self,
        user_id: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        topics: Sequence[str] | None = None,
        search_content: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
    ) -> Any:
        """`aget_user_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(
            self.aget_user_memories(
                user_id,
                agent_id,
                team_id,
                topics,
                search_content,
                limit,
                page,
                sort_by,
                sort_order,
                deserialize,
            )
        )

    def get_user_memory(
        self, memory_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> Any:
        """`aget_user_memory`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aget_user_memory(memory_id, deserialize, user_id))

    def get_all_memory_topics(self, user_id: str | None = None) -> Any:
        """`aget_all_memory_topics`, synchronously (a coroutine on the Async* dbs)."""
        return run_sync(self.aget_all_memory_topics(user_id))

    def get_user_memory_stats(
        self, limit: int | None = None, page: int | None = None, user_id: str | None = None
    ) -> Any:
        """`aget_user_memory_stats`, synchronously (a coroutine on the Async* dbs)."""
        return run_sync(self.aget_user_memory_stats(limit, page, user_id))
