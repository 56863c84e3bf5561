"""``from agno_core.models.openai.responses import OpenAIResponses``, as in Agno."""

from __future__ import annotations

from agno_core.models.openai._responses import OpenAIResponses

__all__ = ["OpenAIResponses"]
