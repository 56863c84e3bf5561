"""Guardrails: reusable input checks for ``pre_hooks`` (Agno's ``agno.guardrails``).

Example:
    >>> from agno_core.agent import Agent
    >>> from agno_core.guardrails import PIIDetectionGuardrail, PromptInjectionGuardrail
    >>> agent = Agent(pre_hooks=[PromptInjectionGuardrail(), PIIDetectionGuardrail(mask_pii=True)])
"""

from __future__ import annotations

from agno_core.guardrails._base import BaseGuardrail
from agno_core.guardrails._moderation import OpenAIModerationGuardrail
from agno_core.guardrails._pii import PIIDetectionGuardrail
from agno_core.guardrails._prompt_injection import PromptInjectionGuardrail

__all__ = [
    "BaseGuardrail",
    "OpenAIModerationGuardrail",
    "PIIDetectionGuardrail",
    "PromptInjectionGuardrail",
]
