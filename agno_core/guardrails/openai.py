"""``from agno_core.guardrails.openai import OpenAIModerationGuardrail`` (Agno's module path)."""

from __future__ import annotations

from agno_core.guardrails._moderation import (
    MODERATION_CATEGORIES,
    ModerationCategory,
    OpenAIModerationGuardrail,
)

__all__ = ["MODERATION_CATEGORIES", "ModerationCategory", "OpenAIModerationGuardrail"]
