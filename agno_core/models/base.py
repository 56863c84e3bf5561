"""The model seam: a tiny protocol the run engine talks to.

A model turns a `ModelRequest` into an async stream of `ContentDelta`s (and, while tool calls are
being written, `ToolCallArgsDelta`s) followed by exactly one `ModelResult`. Non-streaming calls
yield only the result. Usage is taken once per call, from the
provider's usage object, never summed per chunk.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pydantic import BaseModel

from agno_core.exceptions import ModelProviderError
from agno_core.metrics import TokenCounts
from agno_core.models.finish_reason import FinishReason
from agno_core.models.message import Message, ToolCall
from agno_core.tools import Function

__all__ = [
    "ContentDelta",
    "Model",
    "ModelProviderError",
    "ModelRequest",
    "ModelResult",
    "ModelStreamItem",
    "OutputSchema",
    "ToolCallArgsDelta",
    "strict_json_schema",
    "strict_schema",
]


# A run's structured output: a pydantic model, or (as in Agno) a JSON schema dict in the
# provider's own ``response_format`` shape, sent as given and answered with a dict.
OutputSchema: TypeAlias = "type[BaseModel] | dict[str, Any]"


@dataclass(kw_only=True, slots=True)
class ModelRequest:
    """Everything one model call needs."""

    messages: list[Message]
    tools: list[Function] = field(default_factory=list)
    output_schema: OutputSchema | None = None
    stream: bool = False
    # "none", "auto", "required", or a chosen function in Chat Completions' shape
    # ({"type": "function", "function": {"name": ...}}); each adapter converts it.
    tool_choice: str | dict[str, Any] | None = None
    # Ask for ``output_schema`` in JSON mode (any JSON object; the fields are described in the
    # system message) instead of a strict json_schema.
    json_mode: bool = False


@dataclass(kw_only=True, slots=True)
class ContentDelta:
    """A piece of streamed content.

    Attributes:
        content: The new text; ``""`` for a chunk that carries no text yet (Chat Completions'
            first, role-only chunk) and None for one that carries only ``provider_data``. Both
            still become a ``RunContent`` event, as in Agno.
        provider_data: Provider data the chunk carries (the Responses API's response id).
    """

    content: str | None
    provider_data: dict[str, Any] | None = None


@dataclass(kw_only=True, slots=True)
class ToolCallArgsDelta:
    """A fragment of a tool call's JSON arguments, as the provider streamed it.

    Attributes:
        index: The call's position among the tool calls of this model response (0, 1, ...).
        call_id: The call's id, once the provider has sent it (None before).
        name: The function's name, once the provider has sent it (None before).
        delta: The new fragment of the arguments; the fragments of one call, joined in order,
            are its complete arguments.
    """

    index: int
    call_id: str | None
    name: str | None
    delta: str


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
        finish_reason: Why the model stopped (None: the provider did not say).
        native_finish_reason: The provider's own value for it.
    """

    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: TokenCounts = field(default_factory=TokenCounts)
    time_to_first_token: float | None = None
    duration: float = 0.0
    response_id: str | None = None
    finish_reason: FinishReason | None = None
    native_finish_reason: str | None = None


ModelStreamItem = ContentDelta | ToolCallArgsDelta | ModelResult


class Model(ABC):
    """Base class of model adapters: provider name, model id, and one streaming call."""

    id: str
    name: str = "Model"
    provider: str = "Model"

    def get_provider(self) -> str:
        """The provider as a run's metrics name it (``ModelMetrics.provider``), as in Agno.

        ``provider`` itself ("OpenAI") is the run's ``model_provider``; an adapter may add the
        API it speaks ("OpenAI Chat", "OpenAI Responses").
        """
        return self.provider or self.name or type(self).__name__

    @abstractmethod
    def ainvoke(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        """Call the model: zero or more deltas (streaming only), then exactly one `ModelResult`.

        Deltas are `ContentDelta`s (text) and `ToolCallArgsDelta`s (tool-call arguments as they
        arrive); consumers that need only the result skip them.
        """

    async def prepare(self) -> None:  # noqa: B027 (an optional hook: most adapters need none)
        """Pay one-time setup (a client, lazy imports) now, before a run's clock starts.

        Called on the running event loop before each run is timed, so a run's ``duration`` and
        ``time_to_first_token`` measure the run, not the adapter's first-use costs. Must be
        cheap once done. The default does nothing.
        """


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A pydantic model's JSON schema made acceptable to OpenAI's strict structured outputs.

    Strict mode wants every object closed (``additionalProperties: false``) with every property
    listed in ``required``; optional fields stay optional through their ``null`` type.
    """
    return strict_schema(model.model_json_schema())


# Keywords whose value maps names to schemas (the map itself is not a schema), and keywords whose
# value is data, not a schema: neither may be rewritten as if it were an object schema.
_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_DATA_KEYWORDS = ("enum", "const", "examples", "default", "required")


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A closed copy of a JSON schema for OpenAI's strict mode (structured output or tools).

    Walks the schema by its keywords, so a property that happens to be named ``default``,
    ``properties`` or ``type`` is treated as a property, never as a keyword.
    """

    def close(node: Any) -> Any:
        if isinstance(node, list):
            return [close(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "default":
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: close(sub) for name, sub in value.items()}
            elif key in _DATA_KEYWORDS:
                out[key] = copy.deepcopy(value)
            else:
                out[key] = close(value)
        properties = out.get("properties")
        if out.get("type") == "object" or isinstance(properties, dict):
            out["additionalProperties"] = False
            out["required"] = list(properties) if isinstance(properties, dict) else []
        return out

    closed: dict[str, Any] = close(schema)
    return closed
