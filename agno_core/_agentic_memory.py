"""Agentic memory (``enable_agentic_memory=True``): the model gets an ``update_user_memory``
tool; a task given to it is carried out by the memory model with tools that add, update and
delete the user's memories in the db (Agno's design), those the owner's `MemoryManager` allows.
Its tokens count as ``memory_model``."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from agno_core._memory import count_memory_call, memory_manager_of
from agno_core.memory._user_memory import UserMemory
from agno_core.models._complete import acomplete
from agno_core.models.base import ModelRequest
from agno_core.models.message import Message
from agno_core.run._tools import EVENT_STREAM_ATTR, result_text
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.run._context import RunContext
    from agno_core.run._output import ToolExecution

__all__ = ["memory_tool"]

MAX_MEMORY_STEPS = 8


def update_user_memory(task: str) -> str:  # pragma: no cover - runs through the engine
    """Submit a task to change the memories about the user: add a memory, update one, delete
    one, or clear them all. Describe the task in detail and be specific.

    Args:
        task: What to change, in detail.
    """
    raise RuntimeError("update_user_memory runs through the engine")


@functools.cache
def memory_tool() -> Function:
    """The ``update_user_memory`` tool (one instance per process)."""
    setattr(update_user_memory, EVENT_STREAM_ATTR, _carry_out)
    # Agno hands this tool to the model as a Function object: its schema is closed
    # (``additionalProperties: false``), as a ``@tool`` function's.
    return dataclasses.replace(Function.from_callable(update_user_memory), _schema_kind="decorated")


def _memory_functions(ctx: RunContext, user_id: str) -> dict[str, Function]:
    db = ctx.db
    assert db is not None
    owner = ctx.owner
    agent_id = None if owner.kind == "team" else owner.id
    team_id = owner.id if owner.kind == "team" else None

    async def add_memory(memory: str, topics: list[str] | None = None) -> str:
        """Add a memory about the user.

        Args:
            memory: The fact to remember.
            topics: Topics of the memory (e.g. ["name", "hobbies"]).
        """
        stored = await db.aupsert_user_memory(
            UserMemory(
                memory=memory, topics=topics, user_id=user_id, agent_id=agent_id, team_id=team_id
            )
        )
        return f"Memory added with id {stored.memory_id}"

    async def update_memory(memory_id: str, memory: str, topics: list[str] | None = None) -> str:
        """Replace an existing memory.

        Args:
            memory_id: The id of the memory to change.
            memory: The new text.
            topics: Topics of the memory.
        """
        known = {m.memory_id: m for m in await db.aget_user_memories(user_id)}
        if memory_id not in known:
            return f"Error: no memory with id {memory_id!r}"
        if not memory.strip():
            return "Error: a memory cannot be empty; delete it instead"
        current = known[memory_id]
        current.memory = memory
        current.topics = topics if topics is not None else current.topics
        await db.aupsert_user_memory(current)
        return "Memory updated"

    async def delete_memory(memory_id: str) -> str:
        """Delete one memory.

        Args:
            memory_id: The id of the memory to delete.
        """
        if await db.adelete_user_memory(memory_id, user_id):
            return "Memory deleted"
        return f"Error: no memory with id {memory_id!r}"

    async def clear_memory() -> str:
        """Delete every memory about the user."""
        await db.aclear_memories(user_id)
        return "Memories cleared"

    tools: list[Callable[..., Any]] = [add_memory, update_memory, delete_memory, clear_memory]
    return {f.__name__: Function.from_callable(f) for f in tools}


async def _carry_out(
    ctx: RunContext, execution: ToolExecution, task: Any = None
) -> AsyncIterator[Any]:
    """Run the memory model on ``task`` until it stops calling its memory tools."""
    db = ctx.db
    if db is None or not isinstance(task, str) or not task.strip():
        execution.tool_call_error = True
        execution.result = "Error: memories need a db and a non-empty task"
        return
    user_id = ctx.output.user_id or "default"
    manager = memory_manager_of(ctx.owner)
    allowed = manager.allowed_tools()
    functions = {
        name: function
        for name, function in _memory_functions(ctx, user_id).items()
        if name in allowed
    }
    known = await db.aget_user_memories(user_id)
    listing = "\n".join(f"- [{m.memory_id}] {m.memory}" for m in known) or "(none)"
    messages = [
        Message(role="system", content=manager.task_prompt(listing)),
        Message(role="user", content=task),
    ]
    model = manager.model or ctx.owner.memory_model or ctx.model
    reply: str | None = None
    for _ in range(MAX_MEMORY_STEPS):
        result = await acomplete(
            model, ModelRequest(messages=messages, tools=list(functions.values()))
        )
        count_memory_call(ctx, model, result)
        messages.append(
            Message(role="assistant", content=result.content, tool_calls=result.tool_calls)
        )
        if not result.tool_calls:
            reply = result.content
            break
        for call in result.tool_calls:
            function = functions.get(call.name)
            if function is None:
                outcome = f"Error: unknown tool {call.name!r}"
            else:
                try:
                    outcome = result_text(
                        await function.acall(function.parse_arguments(call.arguments))
                    )
                except Exception as exc:  # the memory model sees the error and can react
                    outcome = f"Error: {type(exc).__name__}: {exc}"
            messages.append(
                Message(role="tool", content=outcome, tool_call_id=call.id, name=call.name)
            )
    execution.result = reply or "Memories updated"
    return
    yield  # an async generator (the engine streams tool events from it)
