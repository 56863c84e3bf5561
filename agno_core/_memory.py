"""User memories: extracted after a run with one model call (by the owner's `MemoryManager`),
stored per user."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from agno_core.memory._manager import MemoryExtraction, MemoryManager
from agno_core.models._complete import count_call
from agno_core.models.base import Model, ModelResult
from agno_core.run import _events as ev
from agno_core.run._engine import make_event

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = ["MEMORY_SCHEMA_NAME", "count_memory_call", "memory_manager_of", "update_memories"]

log = logging.getLogger("agno_core")

# The structured-output name of the memory call (tests route the mock's reply on it).
MEMORY_SCHEMA_NAME = MemoryExtraction.__name__


def memory_manager_of(owner: RunOwner) -> MemoryManager:
    """The owner's ``memory_manager``, else the built-in one: the owner's ``memory_model``,
    with `MemoryManager`'s default permissions (as Agno's built-in one: the agentic memory
    model may add and update memories, not delete or clear them)."""
    if owner.memory_manager is not None:
        return owner.memory_manager
    return MemoryManager(model=owner.memory_model)


async def update_memories(self: RunOwner, ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Extract user memories from the finished conversation with one model call."""
    db = ctx.db
    assert db is not None
    yield make_event(ctx, ev.MemoryUpdateStartedEvent, "memory_update_started")
    user_id = ctx.output.user_id or "default"
    known = await db.aget_memories(user_id)
    manager = memory_manager_of(self)
    model = manager.model or self.memory_model or ctx.model
    result: ModelResult | None = None
    new: list[str] = []
    try:
        new, result = await manager.aextract(ctx.output.messages, known, model=model)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a failed memory update must not fail the answer
        log.warning("memory update of run %s failed: %s", ctx.output.run_id, exc)
    if result is not None:
        count_memory_call(ctx, model, result)
        await db.aadd_memories(
            user_id,
            new,
            agent_id=None if self.kind == "team" else self.id,
            team_id=self.id if self.kind == "team" else None,
        )
    yield make_event(ctx, ev.MemoryUpdateCompletedEvent, "memory_update_completed", memories=new)


def count_memory_call(ctx: RunContext, model: Model, result: ModelResult) -> None:
    """Add a memory model call's usage to the run's metrics (under ``"memory_model"``)."""
    count_call(ctx.output.metrics, model, result, "memory_model")
