"""User memories: storing, upserting and deleting them (reading them: `_memory_reads`)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any, Literal, overload

from sqlalchemy import delete, insert, select

from agno_core._sync import run_sync
from agno_core.db._base import chunks
from agno_core.db._memory_reads import MemoryReads, memory_dict, memory_from_row
from agno_core.memory._user_memory import UserMemory

__all__ = ["MemoryStore"]

# What an upsert of an existing memory changes: not its user, not its creation time (Agno's).
_UPDATED = ("memory", "topics", "input", "agent_id", "team_id", "feedback", "updated_at")


class MemoryStore(MemoryReads):
    """User memories, per ``user_id``. Part of `SqlDb`."""

    async def aadd_memories(
        self,
        user_id: str,
        memories: Sequence[str],
        *,
        agent_id: str | None = None,
        team_id: str | None = None,
    ) -> None:
        """Store plain-text memories of a user (the agent's built-in memory)."""
        if not memories:
            return
        engine = await self._engine()
        now = time.time()
        rows: list[dict[str, Any]] = [
            {
                "memory_id": uuid.uuid4().hex,
                "user_id": user_id,
                "memory": text,
                "topics": [],
                "agent_id": agent_id,
                "team_id": team_id,
                "created_at": now + i * 1e-6,
                "updated_at": now,
            }
            for i, text in enumerate(memories)
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(self.tables.memories), rows)

    async def aget_memories(self, user_id: str, *, limit: int | None = None) -> list[str]:
        """The texts of a user's memories, oldest first (with ``limit``: the latest ones)."""
        engine = await self._engine()
        table = self.tables.memories
        stmt = (
            select(table.c.memory)
            .where(table.c.user_id == user_id)
            .order_by(table.c.created_at.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [r[0] for r in reversed(rows)]

    @overload
    async def aupsert_user_memory(
        self, memory: UserMemory, deserialize: Literal[True] = True
    ) -> UserMemory: ...

    @overload
    async def aupsert_user_memory(
        self, memory: UserMemory, deserialize: Literal[False]
    ) -> dict[str, Any]: ...

    @overload
    async def aupsert_user_memory(
        self, memory: UserMemory, deserialize: bool = True
    ) -> UserMemory | dict[str, Any]: ...

    async def aupsert_user_memory(
        self, memory: UserMemory, deserialize: bool = True
    ) -> UserMemory | dict[str, Any]:
        """Store a memory, as Agno's ``db.upsert_user_memory``: one without ``memory_id`` gets
        a new id (set on ``memory`` too); one with a stored id replaces its text, topics,
        input, feedback, agent and team (its user and creation time stay).

        A memory's ``user_id`` is stored as given: None stays None (the memory managers and
        tools file memories of an unknown user under ``"default"`` before they get here).

        Args:
            memory: The memory.
            deserialize: Return a `UserMemory` (True) or Agno's memory dict (False).

        Returns:
            The memory as stored (``updated_at`` now; on insert, its ``created_at``, as Agno).
        """
        (stored,) = await self._upsert_memories([memory], deserialize, preserve_updated_at=None)
        return stored

    async def aupsert_memories(
        self,
        memories: Sequence[UserMemory],
        deserialize: bool = True,
        preserve_updated_at: bool = False,
    ) -> list[UserMemory | dict[str, Any]]:
        """Store many memories in one transaction, as Agno's ``db.upsert_memories``.

        Args:
            memories: The memories (as `aupsert_user_memory` stores each).
            deserialize: `UserMemory` objects (True) or Agno's memory dicts (False).
            preserve_updated_at: Keep each memory's own ``updated_at`` (e.g. copying memories
                from another db) instead of now.

        Returns:
            The stored memories, in the order given (an id given twice: once, as last given).
        """
        return await self._upsert_memories(memories, deserialize, preserve_updated_at)

    async def _upsert_memories(
        self,
        memories: Sequence[UserMemory],
        deserialize: bool,
        preserve_updated_at: bool | None,
    ) -> list[UserMemory | dict[str, Any]]:
        """``preserve_updated_at=None``: Agno's single upsert (a new memory's ``updated_at`` is
        its ``created_at``); else its bulk upsert (now, or the memory's own)."""
        if not memories:
            return []
        now = time.time()
        latest: dict[str, UserMemory] = {}
        for memory in memories:
            memory.memory_id = memory.memory_id or str(uuid.uuid4())
            latest[memory.memory_id] = memory
        rows = [
            _row(memory, now + i * 1e-6, preserve_updated_at)
            for i, memory in enumerate(latest.values())
        ]
        table = self.tables.memories
        stmt = self._insert(table)
        changes = {name: stmt.excluded[name] for name in _UPDATED}
        if preserve_updated_at is None:
            changes["updated_at"] = now
        stmt = stmt.on_conflict_do_update(index_elements=["memory_id"], set_=changes)
        found: dict[str, Any] = {}
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(stmt, rows)
            for ids in chunks(list(latest)):
                query = select(table).where(table.c.memory_id.in_(ids))
                found.update((row.memory_id, row) for row in await conn.execute(query))
        read = memory_from_row if deserialize else memory_dict
        return [read(found[memory_id]) for memory_id in latest]

    async def adelete_user_memory(self, memory_id: str, user_id: str | None = None) -> bool:
        """Delete one memory (only if it belongs to ``user_id`` when given); True if it existed."""
        return await self._delete_memories([memory_id], user_id) > 0

    async def adelete_user_memories(
        self, memory_ids: Sequence[str], user_id: str | None = None
    ) -> None:
        """Delete memories (only those of ``user_id`` when given), as Agno's
        ``db.delete_user_memories``; ids that do not exist are ignored."""
        await self._delete_memories(memory_ids, user_id)

    async def _delete_memories(self, memory_ids: Sequence[str], user_id: str | None) -> int:
        engine = await self._engine()
        table = self.tables.memories
        deleted = 0
        async with engine.begin() as conn:
            for ids in chunks(memory_ids):
                stmt = delete(table).where(table.c.memory_id.in_(ids))
                if user_id is not None:
                    stmt = stmt.where(table.c.user_id == user_id)
                deleted += int((await conn.execute(stmt)).rowcount or 0)
        return deleted

    async def aclear_memories(self, user_id: str | None = None) -> int:
        """Delete every memory (of one user when ``user_id`` is given); how many were deleted."""
        engine = await self._engine()
        table = self.tables.memories
        stmt = delete(table)
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        async with engine.begin() as conn:
            return int((await conn.execute(stmt)).rowcount or 0)

    # -- sync twins (coroutines on the Async* dbs, as in Agno) ---------------------------------
    def upsert_user_memory(self, memory: UserMemory, deserialize: bool = True) -> Any:
        """`aupsert_user_memory`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aupsert_user_memory(memory, deserialize))

    def upsert_memories(
        self,
        memories: Sequence[UserMemory],
        deserialize: bool = True,
        preserve_updated_at: bool = False,
    ) -> Any:
        """`aupsert_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aupsert_memories(memories, deserialize, preserve_updated_at))

    def delete_user_memory(self, memory_id: str, user_id: str | None = None) -> Any:
        """`adelete_user_memory`, synchronously (a coroutine on the Async* dbs)."""
        return run_sync(self.adelete_user_memory(memory_id, user_id))

    def delete_user_memories(self, memory_ids: Sequence[str], user_id: str | None = None) -> Any:
        """`adelete_user_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.adelete_user_memories(memory_ids, user_id))

    def clear_memories(self, user_id: str | None = None) -> Any:
        """`aclear_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aclear_memories(user_id))


def _row(memory: UserMemory, now: float, preserve_updated_at: bool | None) -> dict[str, Any]:
    # A memory made this second keeps sub-second order (its created_at is in whole seconds).
    # ``now`` is a microsecond later per memory of a batch: the batch keeps its order too.
    created = now if memory.created_at == int(now) else float(memory.created_at)
    if preserve_updated_at is None:
        updated = created
    elif preserve_updated_at and memory.updated_at is not None:
        updated = float(memory.updated_at)
    else:
        updated = now
    return {
        "memory_id": memory.memory_id,
        "user_id": memory.user_id,
        "memory": memory.memory,
        "topics": None if memory.topics is None else list(memory.topics),
        "input": memory.input,
        "agent_id": memory.agent_id,
        "team_id": memory.team_id,
        "feedback": memory.feedback,
        "created_at": created,
        "updated_at": updated,
    }
