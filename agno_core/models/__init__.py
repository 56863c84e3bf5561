"""Model adapters. Provider modules live below (``agno_core.models.openai``)."""

from __future__ import annotations

from agno_core.models.base import (
    ContentDelta,
    Model,
    ModelProviderError,
    ModelRequest,
    ModelResult,
    ToolCallArgsDelta,
)
from agno_core.models.message import Message, ToolCall

__all__ = [
    "ContentDelta",
    "Message",
    "Model",
    "ModelProviderError",
    "ModelRequest",
    "ModelResult",
    "ToolCall",
    "ToolCallArgsDelta",
]
