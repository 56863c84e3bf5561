"""``from agno_core.guardrails.prompt_injection import PromptInjectionGuardrail`` (Agno's path)."""

from __future__ import annotations

from agno_core.guardrails._prompt_injection import (
    DEFAULT_INJECTION_PATTERNS,
    PromptInjectionGuardrail,
)

__all__ = ["DEFAULT_INJECTION_PATTERNS", "PromptInjectionGuardrail"]
