"""Cancel intents and user memories: the stores beside the runs (eval runs: `_eval_runs`)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, insert, select, update

from agno_core._sync import run_sync
from agno_core.db._base import DbBase, chunks
from agno_core.db._compiled import param
from agno_core.db._eval_runs import EvalStore
from agno_core.memory._user_memory import UserMemory

__all__ = ["EvalStore", "IntentStore", "MemoryStore"]


class IntentStore(DbBase):
    """Cancel intents: a cancel waiting for its run (here or in another process)."""

    async def aset_cancel_intent(self, run_id: str) -> None:
        engine = await self._engine()
        now = time.time()
        table = self.tables.cancel_intents
        async with engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.expires_at < now))
            await conn.execute(
                self._insert(table)
                .values(run_id=run_id, created_at=now, expires_at=now + self.cancel_intent_ttl)
                .on_conflict_do_nothing(index_elements=["run_id"])
            )

    async def acancel_intents(self, run_ids: Sequence[str]) -> set[str]:
        """Which of ``run_ids`` have an unexpired cancel intent."""
        if not run_ids:
            return set()
        if len(run_ids) == 1:  # a run about to start: one round trip
            hot = await self._hot()
            statement = self._statement(hot, "intent", self._build_intent_lookup)
            rows = await hot.fetch(statement.bind({"p_run_id": run_ids[0], "p_now": time.time()}))
            return {row[0] for row in rows}
        engine = await self._engine()
        table = self.tables.cancel_intents
        stmt = select(table.c.run_id).where(
            table.c.run_id.in_(list(run_ids)) & (table.c.expires_at >= time.time())
        )
        async with engine.connect() as conn:
            return {r[0] for r in (await conn.execute(stmt)).all()}

    def _build_intent_lookup(self) -> Any:
        table = self.tables.cancel_intents
        return select(table.c.run_id).where(
            (table.c.run_id == param("run_id")) & (table.c.expires_at >= param("now"))
        )

    async def aclear_cancel_intent(self, run_id: str) -> None:
        engine = await self._engine()
        table = self.tables.cancel_intents
        async with engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.run_id == run_id))


class MemoryStore(DbBase):
    """User memories, per ``user_id``."""

    async def aadd_memories(
        self,
        user_id: str,
        memories: Sequence[str],
        *,
        agent_id: str | None = None,
        team_id: str | None = None,
    ) -> None:
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

    async def aget_user_memories(
        self, user_id: str | None = None, *, limit: int | None = None
    ) -> list[UserMemory]:
        """The memories stored for a user (all users when None), oldest first."""
        engine = await self._engine()
        table = self.tables.memories
        stmt = select(table).order_by(table.c.created_at.desc())
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_memory_from_row(r) for r in reversed(rows)]

    async def aget_user_memory(
        self, memory_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> UserMemory | dict[str, Any] | None:
        """One memory, as Agno's ``db.get_user_memory``.

        Args:
            memory_id: The memory.
            deserialize: A `UserMemory` (True) or Agno's memory row dict (``memory_id``,
                ``memory``, ``topics``, ``user_id``, ..., times in Unix seconds).
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
        memory = _memory_from_row(row)
        return memory if deserialize else asdict(memory)

    async def aupsert_user_memory(self, memory: UserMemory) -> UserMemory:
        """Store a memory: a new one gets an id; one with a known id is replaced."""
        engine = await self._engine()
        table = self.tables.memories
        now = time.time()
        memory.memory_id = memory.memory_id or uuid.uuid4().hex
        memory.updated_at = int(now)
        values = {
            "user_id": memory.user_id or "default",
            "memory": memory.memory,
            "topics": list(memory.topics or []),
            "agent_id": memory.agent_id,
            "team_id": memory.team_id,
            "updated_at": now,
        }
        async with engine.begin() as conn:
            updated = await conn.execute(
                update(table).where(table.c.memory_id == memory.memory_id).values(**values)
            )
            if not updated.rowcount:
                # A memory made this second keeps sub-second order (created_at is in seconds).
                created = now if memory.created_at == int(now) else float(memory.created_at)
                await conn.execute(
                    insert(table).values(memory_id=memory.memory_id, created_at=created, **values)
                )
        return memory

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

    def get_user_memories(self, user_id: str | None = None, *, limit: int | None = None) -> Any:
        """`aget_user_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aget_user_memories(user_id, limit=limit))

    def get_user_memory(
        self, memory_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> Any:
        """`aget_user_memory`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aget_user_memory(memory_id, deserialize, user_id))

    def upsert_user_memory(self, memory: UserMemory) -> Any:
        """`aupsert_user_memory`, synchronously (a coroutine on the Async* dbs)."""
        return run_sync(self.aupsert_user_memory(memory))

    def delete_user_memory(self, memory_id: str, user_id: str | None = None) -> Any:
        """`adelete_user_memory`, synchronously (a coroutine on the Async* dbs)."""
        return run_sync(self.adelete_user_memory(memory_id, user_id))

    def delete_user_memories(self, memory_ids: Sequence[str], user_id: str | None = None) -> Any:
        """`adelete_user_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.adelete_user_memories(memory_ids, user_id))

    def clear_memories(self, user_id: str | None = None) -> Any:
        """`aclear_memories`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aclear_memories(user_id))


def _memory_from_row(row: Any) -> UserMemory:
    return UserMemory(
        memory=row.memory,
        memory_id=row.memory_id,
        topics=list(row.topics or []),
        user_id=row.user_id,
        created_at=int(row.created_at),
        updated_at=int(row.updated_at),
        agent_id=row.agent_id,
        team_id=row.team_id,
    )
