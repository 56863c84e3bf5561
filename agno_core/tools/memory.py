"""`MemoryTools`: the model reads and changes the current user's memories itself (Agno's toolkit).

Each tool works on the memories of the run's user (``run_context.user_id``, "default" when the
run has none) in the toolkit's db, and notes what it did in the session state
(``memory_operations``; ``think`` and ``analyze`` keep ``memory_thoughts`` / ``memory_analysis``),
which is stored with the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agno_core.memory._user_memory import UserMemory
from agno_core.run._options import RunContext
from agno_core.tools._toolkit import Toolkit

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["MemoryTools"]

_INSTRUCTIONS = """\
You can manage what you remember about the user with these tools:
- think: a private scratchpad to plan memory operations (never shown to the user).
- get_memories: list the current user's memories (with their ids).
- add_memory: store a new memory (a short third-person fact, with topics).
- update_memory: change a memory by its id (only the fields given change).
- delete_memory: remove a memory by its id.
- analyze: check that the operations did what was intended; if not, think again.
Check that a memory id exists (get_memories) before updating or deleting it. Answer the user
from the results of the operations."""

_FEW_SHOT = """\
Example: the user says "I'm vegetarian and allergic to nuts".
think -> the user shared dietary facts worth keeping.
add_memory(memory="User is vegetarian and allergic to nuts", topics=["diet", "allergies"])
analyze -> stored with useful topics. Answer: "Noted, I'll remember that."
"""


class MemoryTools(Toolkit):
    """Tools over the current user's memories: ``think``, ``get_memories``, ``add_memory``,
    ``update_memory``, ``delete_memory`` and ``analyze``.

    Args:
        db: Where the memories live (`SqliteDb`, `PostgresDb`, ...).
        enable_get_memories, enable_add_memory, enable_update_memory, enable_delete_memory,
        enable_analyze, enable_think: Which tools the model gets (all by default).
        all: Every tool, whatever the flags say.
        instructions: Replace the toolkit's instructions.
        add_instructions: Put the instructions into the system message (default: True).
        add_few_shot: Add an example to the default instructions.
        few_shot_examples: Your own example text instead.
        include_tools, exclude_tools: As for any `Toolkit`.
    """

    def __init__(
        self,
        db: SqlDb,
        enable_get_memories: bool = True,
        enable_add_memory: bool = True,
        enable_update_memory: bool = True,
        enable_delete_memory: bool = True,
        enable_analyze: bool = True,
        enable_think: bool = True,
        instructions: str | None = None,
        add_instructions: bool = True,
        add_few_shot: bool = True,
        few_shot_examples: str | None = None,
        all: bool = False,
        include_tools: list[str] | None = None,
        exclude_tools: list[str] | None = None,
    ) -> None:
        if instructions is None:
            instructions = _INSTRUCTIONS
            if add_few_shot:
                instructions += "\n\n" + (few_shot_examples or _FEW_SHOT)
        self.db = db
        chosen: list[tuple[bool, Callable[..., Any]]] = [
            (enable_think, self.think),
            (enable_get_memories, self.get_memories),
            (enable_add_memory, self.add_memory),
            (enable_update_memory, self.update_memory),
            (enable_delete_memory, self.delete_memory),
            (enable_analyze, self.analyze),
        ]
        super().__init__(
            name="memory_tools",
            tools=[tool for enabled, tool in chosen if enabled or all],
            instructions=instructions,
            add_instructions=add_instructions,
            include_tools=include_tools,
            exclude_tools=exclude_tools,
        )

    async def think(self, run_context: RunContext, thought: str) -> str:
        """A scratchpad to reason about memory operations: plan what to store, update or delete.

        Args:
            thought: Your reasoning about the memory operations.
        """
        thoughts = _log(run_context, "memory_thoughts", thought)
        return "Memory thoughts:\n" + "\n".join(f"- {t}" for t in thoughts)

    async def get_memories(self, run_context: RunContext) -> str:
        """Get the list of memories about the current user (each with its memory_id)."""
        memories = [m.to_dict() for m in await self.db.aget_user_memories(_user(run_context))]
        _log(run_context, "memory_operations", {"operation": "get_memories", "success": True})
        return json.dumps(memories, indent=2)

    async def add_memory(
        self, run_context: RunContext, memory: str, topics: list[str] | None = None
    ) -> str:
        """Add a new memory about the current user.

        Args:
            memory: The fact to remember (a short third-person statement).
            topics: Topics of the memory, for finding it again.
        """
        stored = await self.db.aupsert_user_memory(
            UserMemory(memory=memory, topics=topics, user_id=_user(run_context))
        )
        return _done(run_context, "add_memory", memory=stored.to_dict())

    async def update_memory(
        self,
        run_context: RunContext,
        memory_id: str,
        memory: str | None = None,
        topics: list[str] | None = None,
    ) -> str:
        """Update one of the current user's memories; only the fields given change.

        Args:
            memory_id: The id of the memory to update.
            memory: The new text.
            topics: The new topics.
        """
        existing = await self._find(run_context, memory_id)
        if existing is None:
            return _failed("update_memory", f"Memory with ID {memory_id} not found")
        existing.memory = memory if memory is not None else existing.memory
        existing.topics = topics if topics is not None else existing.topics
        stored = await self.db.aupsert_user_memory(existing)
        return _done(run_context, "update_memory", memory=stored.to_dict())

    async def delete_memory(self, run_context: RunContext, memory_id: str) -> str:
        """Delete one of the current user's memories.

        Args:
            memory_id: The id of the memory to delete.
        """
        existing = await self._find(run_context, memory_id)
        if existing is None:
            return _failed("delete_memory", f"Memory with ID {memory_id} not found")
        await self.db.adelete_user_memory(memory_id, _user(run_context))
        return _done(
            run_context, "delete_memory", memory_id=memory_id, deleted_memory=existing.to_dict()
        )

    async def analyze(self, run_context: RunContext, analysis: str) -> str:
        """Check whether the memory operations did what was intended; if not, think again.

        Args:
            analysis: Your analysis of the operations' results.
        """
        entries = _log(run_context, "memory_analysis", analysis)
        return "Memory analysis:\n" + "\n".join(f"- {a}" for a in entries)

    async def _find(self, run_context: RunContext, memory_id: str) -> UserMemory | None:
        for memory in await self.db.aget_user_memories(_user(run_context)):
            if memory.memory_id == memory_id:
                return memory
        return None


def _user(run_context: RunContext) -> str:
    return run_context.user_id or "default"


def _log(run_context: RunContext, key: str, entry: Any) -> list[Any]:
    """Append ``entry`` to the session state's list under ``key``; the list."""
    if run_context.session_state is None:
        run_context.session_state = {}
    entries: list[Any] = run_context.session_state.setdefault(key, [])
    entries.append(entry)
    return entries


def _done(run_context: RunContext, operation: str, **details: Any) -> str:
    result = {"success": True, "operation": operation, **details}
    _log(run_context, "memory_operations", result)
    return json.dumps(result, indent=2)


def _failed(operation: str, error: str) -> str:
    return json.dumps({"success": False, "operation": operation, "error": error}, indent=2)
