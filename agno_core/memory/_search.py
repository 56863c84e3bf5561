"""``MemoryManager.search_user_memories``: a user's memories, the latest, the oldest, or those a
model finds related to a query (Agno's ``retrieval_method`` "last_n", "first_n", "agentic")."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from agno_core.memory._user_memory import UserMemory
from agno_core.models.base import ModelRequest, ModelResult
from agno_core.models.message import Message

if TYPE_CHECKING:
    from agno_core.models.base import Model

__all__ = ["MemorySearchResponse", "agentic_search", "first_or_last"]


class MemorySearchResponse(BaseModel):
    """What the model answers in an agentic search: the ids of the related memories."""

    memory_ids: list[str]


def first_or_last(
    memories: list[UserMemory], limit: int | None, *, first: bool
) -> list[UserMemory]:
    """The oldest (``first``) or latest ``limit`` memories by their last change (all of them
    without a limit), oldest first."""
    ordered = sorted(memories, key=lambda m: m.updated_at or m.created_at)
    if limit is None:
        return ordered
    if limit <= 0:
        return []
    return ordered[:limit] if first else ordered[-limit:]


def _request(memories: list[UserMemory], query: str) -> ModelRequest:
    listing = "\n\n".join(
        f"ID: {m.memory_id}\nMemory: {m.memory}"
        + (f"\nTopics: {','.join(m.topics)}" if m.topics else "")
        for m in memories
    )
    system = (
        "Your task is to search through user memories and return the IDs of the memories that "
        f"are related to the query.\n\n<user_memories>\n{listing}\n</user_memories>\n\n"
        "REMEMBER: Only return the IDs of the memories that are related to the query."
    )
    return ModelRequest(
        messages=[
            Message(role="system", content=system),
            Message(
                role="user",
                content=f"Return the IDs of the memories related to the following query: {query}",
            ),
        ],
        output_schema=MemorySearchResponse,
    )


async def agentic_search(
    model: Model, memories: list[UserMemory], query: str, limit: int | None
) -> list[UserMemory]:
    """The memories the model finds related to ``query``, in the order it gives them.

    Raises:
        ValueError: the model's answer is not the expected list of ids.
    """
    result: ModelResult | None = None
    async with contextlib.aclosing(model.ainvoke(_request(memories, query))) as stream:
        async for item in stream:
            if isinstance(item, ModelResult):
                result = item
    try:
        found = MemorySearchResponse.model_validate_json((result.content if result else "") or "")
    except ValidationError as exc:
        raise ValueError(f"the memory search model answered no list of memory ids: {exc}") from None
    by_id = {m.memory_id: m for m in memories}
    chosen = [by_id[i] for i in found.memory_ids if i in by_id]
    return chosen if limit is None else chosen[: max(limit, 0)]
