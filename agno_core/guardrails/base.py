"""``from agno_core.guardrails.base import BaseGuardrail``, the module path Agno code uses."""

from __future__ import annotations

from agno_core.guardrails._base import BaseGuardrail

__all__ = ["BaseGuardrail"]
