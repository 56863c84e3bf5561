"""The model seam: a tiny protocol the run engine talks to.

A model turns a `ModelRequest` into an async stream of `ContentDelta`s followed by exactly one
`ModelResult`. Non-streaming calls yield only the result. Usage is taken once per call, from the
provider's usage object, never summed per chunk.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from agno_core.metrics import TokenCounts
from agno_core.models.message import Message, ToolCall
from agno_core.tools import Function

__all__ = [
    "ContentDelta",
    "Model",
    "ModelProviderError",
    "ModelRequest",
    "ModelResult",
    "strict_json_schema",
]


class ModelProviderError(Exception):
    """The provider answered with an error, or with something that could not be understood.

    Attributes:
        status_code: The HTTP status when there was one.
        model_id: The model that was called.
    """

    def __init__(self, message: str, *, status_code: int | None = None, model_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.model_id = model_id


@dataclass(kw_only=True, slots=True)
class ModelRequest:
    """Everything one model call needs."""

    messages: list[Message]
    tools: list[Function] = field(default_factory=list)
    output_schema: type[BaseModel] | None = None
    stream: bool = False


@dataclass(kw_only=True, slots=True)
class ContentDelta:
    """A piece of streamed content."""

    content: str


@dataclass(kw_only=True, slots=True)
class ModelResult:
    """The complete answer of one model call.

    Attributes:
        content: The assistant's text (None when it only called tools).
        tool_calls: Function calls asked for.
        usage: Token usage from the provider's usage object.
        time_to_first_token: Seconds from the request to its first token (whole response when
            not streaming).
        duration: Seconds the call took.
    """

    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: TokenCounts = field(default_factory=TokenCounts)
    time_to_first_token: float | None = None
    duration: float = 0.0
    response_id: str | None = None


class Model(ABC):
    """Base class of model adapters: provider name, model id, and one streaming call."""

    id: str
    name: str = "Model"
    provider: str = "Model"

    @abstractmethod
    def ainvoke(self, request: ModelRequest) -> AsyncIterator[ContentDelta | ModelResult]:
        """Call the model: zero or more `ContentDelta`s, then exactly one `ModelResult`."""


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A pydantic model's JSON schema made acceptable to OpenAI's strict structured outputs.

    Strict mode wants every object closed (``additionalProperties: false``) with every property
    listed in ``required``; optional fields stay optional through their ``null`` type.
    """
    schema = model.model_json_schema()

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" or "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node.get("properties", {}))
            node.pop("default", None)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for item in node:
                close(item)

    close(schema)
    return schema
