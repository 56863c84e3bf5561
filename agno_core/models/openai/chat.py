"""``from agno_core.models.openai.chat import OpenAIChat``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.models.openai._chat import OpenAIChat

__all__ = ["OpenAIChat"]
