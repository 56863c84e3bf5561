"""Chat messages exchanged with a model, provider-neutral."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agno_core.metrics import MessageMetrics

__all__ = ["Message", "ToolCall"]


@dataclass(kw_only=True, slots=True)
class ToolCall:
    """A function call the model asked for.

    Attributes:
        id: The provider's call id (``call_id`` on the Responses API).
        name: The function's name.
        arguments: The raw JSON arguments string, as the model produced it.
        item_id: On the Responses API, the id of the ``function_call`` output item (``fc_...``),
            sent back with the call as Agno does; None on Chat Completions.
    """

    id: str
    name: str
    arguments: str = "{}"
    item_id: str | None = field(default=None, compare=False)

    # Agno keeps a message's tool calls as dicts in OpenAI's shape; Agno code reads them so
    # (``call["function"]["name"]``): a ToolCall answers those reads too.
    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """``call.get("function")``, as on Agno's dicts."""
        return self.to_dict().get(key, default)

    def keys(self) -> list[str]:
        """The keys of OpenAI's shape: ``id``, ``type``, ``function`` (and ``call_id`` for a
        Responses API call)."""
        return list(self.to_dict())

    def __iter__(self) -> Iterator[str]:
        # Without it, iteration and ``in`` fall back to ``__getitem__(0)``: a KeyError.
        return iter(self.keys())

    def to_dict(self) -> dict[str, Any]:
        """OpenAI's (and Agno's) shape: ``{"id", "type": "function", "function": {"name",
        "arguments"}}``; a Responses API call as Agno keeps it, ``id`` the item's and
        ``call_id`` the call's."""
        function = {"name": self.name, "arguments": self.arguments}
        if self.item_id is not None:
            return {
                "id": self.item_id,
                "call_id": self.id,
                "type": "function",
                "function": function,
            }
        return {"id": self.id, "type": "function", "function": function}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolCall:
        """From OpenAI's shape, or the flat ``{"id", "name", "arguments"}`` of rows stored by
        agno_core before 0.2."""
        function = data.get("function")
        if isinstance(function, dict):
            name, arguments = function.get("name") or "", function.get("arguments")
        else:
            name, arguments = data["name"], data.get("arguments")
        if data.get("call_id"):  # a Responses API call: ``id`` is its item's
            return cls(
                id=data["call_id"], name=name, arguments=arguments or "{}", item_id=data.get("id")
            )
        return cls(id=data.get("id") or "", name=name, arguments=arguments or "{}")


@dataclass(kw_only=True, slots=True)
class Message:
    """One message of a model conversation.

    Attributes:
        role: ``"system"``, ``"user"``, ``"assistant"`` or ``"tool"``.
        content: Text content (for a tool message: the tool's result).
        tool_calls: Calls an assistant message asked for.
        tool_call_id: For a tool message, the call it answers.
        name: For a tool message, the tool's name.
        from_history: True when the message was replayed from an earlier run.
        metrics: For an assistant message, the usage of the model call that produced it
            (zero for other messages).
        id: The message's id (Agno's field; not compared: two messages with the same role
            and content are equal).
        created_at: Unix time (seconds) the message was made (Agno's field; not compared).
    """

    role: str
    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    from_history: bool = False
    metrics: MessageMetrics = field(default_factory=MessageMetrics)
    id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)
    created_at: int = field(default_factory=lambda: int(time.time()), compare=False)

    @property
    def tool_name(self) -> str | None:
        """For a tool message, the tool's name (Agno's name for ``name`` there)."""
        return self.name if self.role == "tool" else None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "role": self.role,
            "content": self.content,
            "id": self.id,
            "created_at": self.created_at,
        }
        if self.tool_calls:
            data["tool_calls"] = [c.to_dict() for c in self.tool_calls]
        if self.tool_call_id is not None:
            data["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            data["name"] = self.name
        if self.from_history:
            data["from_history"] = True
        if self.role == "assistant":
            metrics = self.metrics.to_dict()
            if metrics:
                data["metrics"] = metrics
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        content = data.get("content")
        if content is not None and not isinstance(content, str):
            content = json.dumps(content)
        return cls(
            role=data["role"],
            content=content,
            tool_calls=[ToolCall.from_dict(c) for c in data.get("tool_calls") or ()],
            tool_call_id=data.get("tool_call_id"),
            name=data.get("name"),
            from_history=bool(data.get("from_history", False)),
            metrics=MessageMetrics.from_dict(data["metrics"])
            if isinstance(data.get("metrics"), dict)
            else MessageMetrics(),
            # Messages stored before these fields existed get new ones.
            **{k: data[k] for k in ("id", "created_at") if data.get(k) is not None},
        )
