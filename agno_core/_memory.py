"""User memories: extracted after a run with one model call, stored per user."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from pydantic import BaseModel

from agno_core.models.base import Model, ModelRequest, ModelResult
from agno_core.models.message import Message
from agno_core.run import _events as ev
from agno_core.run._engine import make_event

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = ["MEMORY_SCHEMA_NAME", "count_memory_call", "update_memories"]

log = logging.getLogger("agno_core")

_MEMORY_PROMPT = (
    "You maintain long-term memories about the user. From the conversation below, extract new, "
    "durable facts about the user (preferences, details about them, their goals) that are not "
    'already in the known memories. Reply with JSON: {"memories": ["..."]}; an empty list '
    "when there is nothing new."
)


class _MemoryExtraction(BaseModel):
    memories: list[str]


# The structured-output name of the memory call (tests route the mock's reply on it).
MEMORY_SCHEMA_NAME = _MemoryExtraction.__name__


async def update_memories(self: RunOwner, ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Extract user memories from the finished conversation with one model call."""
    db = ctx.db
    assert db is not None
    yield make_event(ctx, ev.MemoryUpdateStartedEvent, "memory_update_started")
    user_id = ctx.output.user_id or "default"
    known = await db.aget_memories(user_id)
    conversation = "\n".join(
        f"{m.role}: {m.content}"
        for m in ctx.output.messages
        if m.role in ("user", "assistant") and m.content and not m.from_history
    )
    known_text = "\n".join(f"- {m}" for m in known) or "(none)"
    model = self.memory_model or ctx.model
    request = ModelRequest(
        messages=[
            Message(role="system", content=_MEMORY_PROMPT),
            Message(
                role="user",
                content=f"Known memories:\n{known_text}\n\nConversation:\n{conversation}",
            ),
        ],
        output_schema=_MemoryExtraction,
    )
    result: ModelResult | None = None
    new: list[str] = []
    try:
        async with contextlib.aclosing(model.ainvoke(request)) as stream:
            async for item in stream:
                if isinstance(item, ModelResult):
                    result = item
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a failed memory update must not fail the answer
        log.warning("memory update of run %s failed: %s", ctx.output.run_id, exc)
    if result is not None:
        count_memory_call(ctx, model, result)
        try:
            extracted = _MemoryExtraction.model_validate_json(result.content or "")
        except ValueError:
            log.debug("memory model reply is not a memory list: %r", result.content)
        else:
            seen = set(known)
            for memory in extracted.memories:
                text = memory.strip()
                if text and text not in seen:
                    seen.add(text)
                    new.append(text)
            await db.aadd_memories(
                user_id,
                new,
                agent_id=None if self.kind == "team" else self.id,
                team_id=self.id if self.kind == "team" else None,
            )
    yield make_event(ctx, ev.MemoryUpdateCompletedEvent, "memory_update_completed", memories=new)


def count_memory_call(ctx: RunContext, model: Model, result: ModelResult) -> None:
    """Add a memory model call's usage to the run's metrics (under ``"memory_model"``)."""
    ctx.output.metrics.add_model_usage(
        result.usage,
        model_id=model.id,
        provider=model.provider,
        model_type="memory_model",
        duration=result.duration,
        time_to_first_token=result.time_to_first_token,
    )
