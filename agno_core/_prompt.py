"""The messages a run sends first: system message, history, the user's input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core.models.message import Message
from agno_core.run.base import RunStatus

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = ["build_messages", "history", "system_message"]


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


async def system_message(self: RunOwner, ctx: RunContext) -> str | None:
    """The system message: the runner's parts, plus the user's memories when used."""
    if self.system_message is not None:
        return self.system_message
    parts = self._system_parts()
    uses_memories = self.add_memories_to_context or (
        self.add_memories_to_context is None and self.update_memory_on_run
    )
    if uses_memories and ctx.db is not None:
        memories = await ctx.db.aget_memories(ctx.output.user_id or "default")
        if memories:
            parts.append("Memories about the user:\n" + "\n".join(f"- {m}" for m in memories))
    return "\n\n".join(parts) if parts else None


async def history(self: RunOwner, ctx: RunContext) -> list[Message]:
    """The last ``num_history_runs`` completed runs' messages, when history is on."""
    if not self.add_history_to_context or ctx.db is None or self.num_history_runs <= 0:
        return []
    member = ctx.parent is not None
    runs = await ctx.db.aget_session_runs(
        ctx.output.session_id,
        limit=self.num_history_runs,
        statuses=(RunStatus.completed,),
        top_level_only=not member,
        agent_id=self.id if member else None,
    )
    history: list[Message] = []
    for run in runs:
        for message in run.messages:
            if message.role != "system" and not message.from_history:
                message.from_history = True
                history.append(message)
    return history


async def build_messages(self: RunOwner, ctx: RunContext) -> list[Message]:
    """The messages of a run's first model call: system, history, the user's input."""
    messages: list[Message] = []
    system = await system_message(self, ctx)
    if system:
        messages.append(Message(role="system", content=system))
    messages.extend(await history(self, ctx))
    messages.append(Message(role="user", content=_input_text(ctx.output.input)))
    return messages
