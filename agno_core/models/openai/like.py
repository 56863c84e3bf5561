"""``from agno_core.models.openai.like import OpenAILike``, Agno's module path."""

from __future__ import annotations

from agno_core.models.openai._compatible import OpenAILike

__all__ = ["OpenAILike"]
