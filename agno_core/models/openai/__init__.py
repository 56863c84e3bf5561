"""OpenAI models on the official ``openai`` SDK: Chat Completions and the Responses API."""

from __future__ import annotations

from agno_core.models.openai._chat import OpenAIChat
from agno_core.models.openai._compatible import OpenAILike, OpenResponses
from agno_core.models.openai._responses import OpenAIResponses

__all__ = ["OpenAIChat", "OpenAILike", "OpenAIResponses", "OpenResponses"]
