"""``from agno_core.guardrails.pii import PIIDetectionGuardrail``, the module path Agno uses."""

from __future__ import annotations

from agno_core.guardrails._pii import PIIDetectionGuardrail

__all__ = ["PIIDetectionGuardrail"]
