"""`PIIDetectionGuardrail`: refuse, or mask, personal data found in a run's input."""

from __future__ import annotations

import re
from collections.abc import Mapping

from agno_core.exceptions import CheckTrigger, InputCheckError
from agno_core.guardrails._base import BaseGuardrail
from agno_core.run._input import RunInput

__all__ = ["PIIDetectionGuardrail"]

# What each built-in kind matches (the same inputs as Agno's patterns). The kind names are
# user-visible: they are listed in the error's ``additional_data["detected_pii"]``.
_SSN = r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"
_CREDIT_CARD = r"\b[0-9]{4}(?:[\s-]?[0-9]{4}){3}\b"
_EMAIL = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"
_PHONE = r"\b[0-9]{3}[\s.-]?[0-9]{3}[\s.-]?[0-9]{4}\b"


class PIIDetectionGuardrail(BaseGuardrail):
    """Finds personal data in a run's input: refuses the run, or masks the data.

    Built-in kinds: ``"SSN"`` (123-45-6789), ``"Credit Card"`` (16 digits, optionally in groups
    of four), ``"Email"`` and ``"Phone"`` (US style, 555-123-4567). Detection is by regular
    expression, so it catches these shapes, not every way of writing them.

    Args:
        mask_pii: Replace each match by as many ``*`` and let the run go on (the model gets the
            masked text, and ``run_output.input`` holds it), instead of refusing the run.
        enable_ssn_check: Look for social security numbers.
        enable_credit_card_check: Look for credit card numbers.
        enable_email_check: Look for email addresses.
        enable_phone_check: Look for phone numbers.
        custom_patterns: More kinds to look for: name -> regular expression (text or compiled),
            checked after the built-in ones.

    Raises:
        TypeError: A custom pattern is neither text nor a compiled pattern.
        re.error: A custom pattern is not a valid regular expression (raised here, not on the
            first run).
        InputCheckError: From `check`/`async_check` when PII is found and ``mask_pii`` is off,
            with ``check_trigger`` ``CheckTrigger.PII_DETECTED`` and
            ``additional_data={"detected_pii": [kind, ...]}``.
    """

    def __init__(
        self,
        mask_pii: bool = False,
        enable_ssn_check: bool = True,
        enable_credit_card_check: bool = True,
        enable_email_check: bool = True,
        enable_phone_check: bool = True,
        custom_patterns: Mapping[str, str | re.Pattern[str]] | None = None,
    ) -> None:
        self.mask_pii = mask_pii
        built_in = (
            ("SSN", enable_ssn_check, _SSN),
            ("Credit Card", enable_credit_card_check, _CREDIT_CARD),
            ("Email", enable_email_check, _EMAIL),
            ("Phone", enable_phone_check, _PHONE),
        )
        self.pii_patterns: dict[str, re.Pattern[str]] = {
            kind: re.compile(source) for kind, enabled, source in built_in if enabled
        }
        for kind, pattern in (custom_patterns or {}).items():
            if isinstance(pattern, re.Pattern):
                self.pii_patterns[kind] = pattern
            elif isinstance(pattern, str):
                self.pii_patterns[kind] = re.compile(pattern)
            else:
                raise TypeError(
                    f"custom_patterns[{kind!r}] must be a regular expression (str or "
                    f"re.Pattern), not {type(pattern).__name__}"
                )

    def detect(self, text: str) -> list[str]:
        """The kinds of PII found in ``text``, in the order they are checked."""
        return [kind for kind, pattern in self.pii_patterns.items() if pattern.search(text)]

    def check(self, run_input: RunInput) -> None:
        """Refuse the input when it holds PII, or mask the PII when ``mask_pii`` is on."""
        text = run_input.input_content_string()
        found = self.detect(text)
        if not found:
            return
        if not self.mask_pii:
            raise InputCheckError(
                "Potential PII detected in input",
                check_trigger=CheckTrigger.PII_DETECTED,
                additional_data={"detected_pii": found},
            )
        for kind in found:
            text = self.pii_patterns[kind].sub(lambda match: "*" * len(match.group()), text)
        run_input.input_content = text

    async def async_check(self, run_input: RunInput) -> None:
        """As `check` (pattern matching, nothing to await)."""
        self.check(run_input)
