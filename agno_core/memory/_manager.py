"""`MemoryManager`: the model, prompt and permissions behind a user's memories (Agno's API).

An agent given ``memory_manager=`` uses it for both ways memories change: the extraction after a
run (``update_memory_on_run``) and the agentic memory tool (``enable_agentic_memory``). On its own
it reads, writes and extracts memories directly (``create_user_memories``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._sync import run_sync
from agno_core.exceptions import NotSupportedError
from agno_core.memory._search import agentic_search, first_or_last
from agno_core.memory._user_memory import UserMemory
from agno_core.models.base import Model, ModelRequest, ModelResult
from agno_core.models.message import Message
from agno_core.models.utils import get_model

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["MemoryExtraction", "MemoryManager"]

log = logging.getLogger("agno_core")

_EXTRACT_PROMPT = (
    "You maintain long-term memories about the user. From the conversation below, extract new, "
    "durable facts about the user (preferences, details about them, their goals) that are not "
    'already in the known memories. Reply with JSON: {"memories": ["..."]}; an empty list '
    "when there is nothing new."
)
_TASK_PROMPT = (
    "You manage the long-term memories about a user. Carry out the task with the tools you "
    "have: {allowed}. Then reply with a short summary of what you changed."
)
_TOOL_DUTIES = {
    "add_memory": "add a memory for a new durable fact",
    "update_memory": "update a memory (by its id) that changed",
    "delete_memory": "delete one that is wrong or that the user wants forgotten",
    "clear_memory": "clear them all only when asked",
}


class _MemoryExtraction(BaseModel):
    """What the memory model answers after a run: the new memories."""

    memories: list[str]


# Public name; the class keeps its name, which is the structured-output name on the wire.
MemoryExtraction = _MemoryExtraction


class MemoryManager:
    """How user memories are captured and changed, as Agno's ``MemoryManager``.

    Args:
        model: The memory model (a model or ``"openai:<id>"``); default: the agent's model.
        system_message: Replaces the memory model's whole system prompt.
        memory_capture_instructions: What is worth remembering (added to the prompt).
        additional_instructions: Appended to the prompt.
        db: Where memories live; default: the agent's db.
        add_memories: The memory model may add memories.
        update_memories: The agentic memory tool may update memories.
        delete_memories: The agentic memory tool may delete a memory.
        clear_memories: The agentic memory tool may clear all of the user's memories.
        debug_mode: Debug logs for agno_core.
        id, name: Identify the manager (kept as attributes).

    Raises:
        NotSupportedError: ``owner_id``/``owner_type`` (AgentOS ownership).
    """

    def __init__(
        self,
        model: Model | str | None = None,
        system_message: str | None = None,
        memory_capture_instructions: str | None = None,
        additional_instructions: str | None = None,
        db: SqlDb | None = None,
        delete_memories: bool = False,
        update_memories: bool = True,
        add_memories: bool = True,
        clear_memories: bool = False,
        debug_mode: bool = False,
        id: str | None = None,
        name: str | None = None,
        **agno_options: Any,
    ) -> None:
        for option, value in agno_options.items():
            if option in ("owner_id", "owner_type") and value is None:
                continue
            raise NotSupportedError(
                f"MemoryManager({option}=...) is not supported by agno_core"
                + (": memory ownership is an AgentOS feature" if option.startswith("owner") else "")
            )
        self.model = get_model(model)
        self.system_message = system_message
        self.memory_capture_instructions = memory_capture_instructions
        self.additional_instructions = additional_instructions
        self.db = db
        self.delete_memories = delete_memories
        self.update_memories = update_memories
        self.add_memories = add_memories
        self.clear_memories = clear_memories
        self.debug_mode = debug_mode
        self.id = id
        self.name = name
        if debug_mode:
            from agno_core._logging import enable_debug

            enable_debug()

    # -- prompts (used by the agent's runs too) ----------------------------------------------
    def _instructions(self, base: str) -> str:
        if self.system_message is not None:
            return self.system_message
        parts = [base]
        if self.memory_capture_instructions:
            parts.append(f"Memories to capture:\n{self.memory_capture_instructions.strip()}")
        if self.additional_instructions:
            parts.append(self.additional_instructions.strip())
        return "\n\n".join(parts)

    def extraction_request(self, known: Sequence[str], conversation: str) -> ModelRequest:
        """The model call that extracts new memories from ``conversation``."""
        known_text = "\n".join(f"- {m}" for m in known) or "(none)"
        return ModelRequest(
            messages=[
                Message(role="system", content=self._instructions(_EXTRACT_PROMPT)),
                Message(
                    role="user",
                    content=f"Known memories:\n{known_text}\n\nConversation:\n{conversation}",
                ),
            ],
            output_schema=MemoryExtraction,
        )

    def extracted(self, reply: str | None, known: Sequence[str]) -> list[str]:
        """The new memories in the memory model's reply (none when adding is not allowed)."""
        try:
            extraction = MemoryExtraction.model_validate_json(reply or "")
        except ValueError:
            log.debug("memory model reply is not a memory list: %r", reply)
            return []
        if not self.add_memories:
            return []
        seen, new = set(known), []
        for memory in extraction.memories:
            text = memory.strip()
            if text and text not in seen:
                seen.add(text)
                new.append(text)
        return new

    def allowed_tools(self) -> list[str]:
        """The memory tools the agentic memory model gets, by the manager's permissions."""
        allowed = {
            "add_memory": self.add_memories,
            "update_memory": self.update_memories,
            "delete_memory": self.delete_memories,
            "clear_memory": self.clear_memories,
        }
        return [name for name, ok in allowed.items() if ok]

    def task_prompt(self, listing: str) -> str:
        """The agentic memory model's system prompt, with the user's current memories."""
        duties = ", ".join(_TOOL_DUTIES[name] for name in self.allowed_tools()) or "none"
        base = _TASK_PROMPT.format(allowed=duties)
        return f"{self._instructions(base)}\n\nCurrent memories:\n{listing}"

    # -- the memory API --------------------------------------------------------------------
    def _db(self) -> SqlDb | None:
        if self.db is None:
            log.warning("MemoryManager has no db: memories are neither read nor stored")
        return self.db

    async def aget_user_memories(self, user_id: str | None = None) -> list[UserMemory]:
        """The user's memories (user "default" when None), oldest first."""
        db = self._db()
        return [] if db is None else await db.aget_user_memories(user_id or "default")

    def get_user_memories(self, user_id: str | None = None) -> list[UserMemory]:
        """Synchronous `aget_user_memories`."""
        return run_sync(self.aget_user_memories(user_id))

    async def asearch_user_memories(
        self,
        query: str | None = None,
        limit: int | None = None,
        retrieval_method: str | None = None,
        user_id: str | None = None,
    ) -> list[UserMemory]:
        """The user's memories (user "default" when None), as Agno's ``search_user_memories``.

        Args:
            query: What to look for (``"agentic"`` only, where it is required).
            limit: At most this many memories (all when None).
            retrieval_method: ``"last_n"`` (the default: the latest), ``"first_n"`` (the
                oldest), or ``"agentic"`` (those the manager's model finds related to
                ``query``, one model call).

        Raises:
            ValueError: an unknown method, ``"agentic"`` without a query, or a model answer
                that is not a list of ids.
        """
        method = retrieval_method or "last_n"
        if method not in ("last_n", "first_n", "agentic"):
            raise ValueError(
                f"retrieval_method must be 'last_n', 'first_n' or 'agentic', not {method!r}"
            )
        if method == "agentic" and not query:
            raise ValueError("a query is required for the agentic memory search")
        memories = await self.aget_user_memories(user_id)
        if method != "agentic" or not memories:
            return first_or_last(memories, limit, first=method == "first_n")
        if self.model is None:
            from agno_core.models.openai import OpenAIChat

            self.model = OpenAIChat(id="gpt-4o")
        assert query is not None
        return await agentic_search(self.model, memories, query, limit)

    def search_user_memories(
        self,
        query: str | None = None,
        limit: int | None = None,
        retrieval_method: str | None = None,
        user_id: str | None = None,
    ) -> list[UserMemory]:
        """Synchronous `asearch_user_memories`."""
        return run_sync(self.asearch_user_memories(query, limit, retrieval_method, user_id))

    async def aget_user_memory(
        self, memory_id: str, user_id: str | None = None
    ) -> UserMemory | None:
        """One of the user's memories, by id (None when the user has no such memory)."""
        for memory in await self.aget_user_memories(user_id):
            if memory.memory_id == memory_id:
                return memory
        return None

    def get_user_memory(self, memory_id: str, user_id: str | None = None) -> UserMemory | None:
        """Synchronous `aget_user_memory`."""
        return run_sync(self.aget_user_memory(memory_id, user_id))

    async def aadd_user_memory(self, memory: UserMemory, user_id: str | None = None) -> str | None:
        """Store ``memory`` for the user (a new id unless it has one); its id."""
        db = self._db()
        if db is None:
            return None
        memory.user_id = user_id or "default"
        return (await db.aupsert_user_memory(memory)).memory_id

    def add_user_memory(self, memory: UserMemory, user_id: str | None = None) -> str | None:
        """Synchronous `aadd_user_memory`."""
        return run_sync(self.aadd_user_memory(memory, user_id))

    async def areplace_user_memory(
        self, memory_id: str, memory: UserMemory, user_id: str | None = None
    ) -> str | None:
        """Store ``memory`` in place of the memory ``memory_id``; its id."""
        memory.memory_id = memory_id
        return await self.aadd_user_memory(memory, user_id)

    def replace_user_memory(
        self, memory_id: str, memory: UserMemory, user_id: str | None = None
    ) -> str | None:
        """Synchronous `areplace_user_memory`."""
        return run_sync(self.areplace_user_memory(memory_id, memory, user_id))

    async def adelete_user_memory(self, memory_id: str, user_id: str | None = None) -> None:
        """Delete one of the user's memories."""
        db = self._db()
        if db is not None:
            await db.adelete_user_memory(memory_id, user_id or "default")

    def delete_user_memory(self, memory_id: str, user_id: str | None = None) -> None:
        """Synchronous `adelete_user_memory`."""
        run_sync(self.adelete_user_memory(memory_id, user_id))

    async def aclear_user_memories(self, user_id: str | None = None) -> None:
        """Delete every memory of one user (user "default" when None)."""
        db = self._db()
        if db is not None:
            await db.aclear_memories(user_id or "default")

    def clear_user_memories(self, user_id: str | None = None) -> None:
        """Synchronous `aclear_user_memories`."""
        run_sync(self.aclear_user_memories(user_id))

    async def aclear(self) -> None:
        """Delete every memory of every user (nothing, silently, without a db: as in Agno)."""
        if self.db is not None:
            await self.db.aclear_memories()

    def clear(self) -> None:
        """Synchronous `aclear`."""
        run_sync(self.aclear())

    async def acreate_user_memories(
        self,
        message: str | None = None,
        messages: Sequence[Message] | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        user_id: str | None = None,
    ) -> str:
        """Extract memories from a message (or a conversation) with the memory model and
        store the new ones for the user; says how many were added.

        Raises:
            ValueError: Neither ``message`` nor ``messages`` given.
        """
        if not message and not messages:
            raise ValueError("give a message or a list of messages to create memories from")
        db = self._db()
        if db is None:
            return "No db: no memories were stored"
        conversation = [Message(role="user", content=message)] if message else list(messages or ())
        user_id = user_id or "default"
        known = await db.aget_memories(user_id)
        new, _ = await self.aextract(conversation, known, model=None)
        await db.aadd_memories(user_id, new, agent_id=agent_id, team_id=team_id)
        return f"Added {len(new)} memories" if new else "No new memories"

    def create_user_memories(
        self,
        message: str | None = None,
        messages: Sequence[Message] | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        user_id: str | None = None,
    ) -> str:
        """Synchronous `acreate_user_memories`."""
        return run_sync(
            self.acreate_user_memories(message, messages, agent_id, team_id, user_id=user_id)
        )

    async def aextract(
        self, conversation: Sequence[Message], known: Sequence[str], *, model: Model | None
    ) -> tuple[list[str], ModelResult | None]:
        """One memory model call over ``conversation``: the new memories and the call's
        result (for its usage). ``model`` stands in when the manager has none."""
        chosen = self.model or model
        if chosen is None:
            from agno_core.models.openai import OpenAIChat

            chosen = self.model = OpenAIChat(id="gpt-4o")
        text = "\n".join(
            f"{m.role}: {m.content}"
            for m in conversation
            if m.role in ("user", "assistant") and m.content and not m.from_history
        )
        result: ModelResult | None = None
        async with contextlib.aclosing(chosen.ainvoke(self.extraction_request(known, text))) as s:
            async for item in s:
                if isinstance(item, ModelResult):
                    result = item
        return (self.extracted(result.content, known) if result else []), result
