"""`PromptInjectionGuardrail`: refuse input that contains a known jailbreak phrase."""

from __future__ import annotations

from collections.abc import Sequence

from agno_core.exceptions import CheckTrigger, InputCheckError
from agno_core.guardrails._base import BaseGuardrail
from agno_core.run._input import RunInput

__all__ = ["DEFAULT_INJECTION_PATTERNS", "PromptInjectionGuardrail"]

#: The phrases refused by default (the same list as Agno's, so the same inputs are refused).
DEFAULT_INJECTION_PATTERNS: tuple[str, ...] = (
    "ignore previous instructions",
    "ignore your instructions",
    "you are now a",
    "forget everything above",
    "developer mode",
    "override safety",
    "disregard guidelines",
    "system prompt",
    "jailbreak",
    "act as if",
    "pretend you are",
    "roleplay as",
    "simulate being",
    "bypass restrictions",
    "ignore safeguards",
    "admin override",
    "root access",
    "forget everything",
)


class PromptInjectionGuardrail(BaseGuardrail):
    """Refuses an input that contains one of a list of phrases, whatever their case.

    This is a plain substring test: cheap and predictable, and easy to get around. Pair it
    with a model-based check when the stakes are high.

    Args:
        injection_patterns: The phrases to refuse; by default `DEFAULT_INJECTION_PATTERNS`
            (an empty list also means the default, as in Agno).

    Raises:
        InputCheckError: From `check`/`async_check`, with ``check_trigger``
            ``CheckTrigger.PROMPT_INJECTION``.
    """

    def __init__(self, injection_patterns: Sequence[str] | None = None) -> None:
        self.injection_patterns: list[str] = list(injection_patterns or DEFAULT_INJECTION_PATTERNS)

    def check(self, run_input: RunInput) -> None:
        """Refuse the input if it contains one of `injection_patterns`."""
        text = run_input.input_content_string().casefold()
        if any(phrase.casefold() in text for phrase in self.injection_patterns):
            raise InputCheckError(
                "Potential jailbreaking or prompt injection detected.",
                check_trigger=CheckTrigger.PROMPT_INJECTION,
            )

    async def async_check(self, run_input: RunInput) -> None:
        """As `check` (a pure text test, nothing to await)."""
        self.check(run_input)
