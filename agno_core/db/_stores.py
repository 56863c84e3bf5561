"""Cancel intents: a cancel waiting for its run (memories: `_memories`; eval runs: `_eval_runs`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from agno_core.db._base import DbBase
from agno_core.db._compiled import param
from agno_core.db._eval_runs import EvalStore
from agno_core.db._memories import MemoryStore

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
