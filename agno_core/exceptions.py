"""Errors agno_core raises on purpose, and the ones hooks raise to stop a run (as in Agno)."""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "CheckTrigger",
    "InputCheckError",
    "NotSupportedError",
    "OutputCheckError",
    "RunNotContinuableError",
    "RunNotFoundError",
]


class NotSupportedError(TypeError):
    """An Agno parameter, method or value that agno_core does not implement.

    Raised instead of accepting the argument and ignoring it; the message names the parameter
    and says why. A `TypeError`, as an unknown keyword argument would be.
    """


class RunNotFoundError(RuntimeError):
    """``continue_run(run_id=...)`` names a run the db does not hold (in that session)."""


class RunNotContinuableError(ValueError):
    """``continue_run`` was given a run that is not paused (completed, cancelled, running...),
    or a paused run whose answers are missing (an external execution without its result)."""


class CheckTrigger(Enum):
    """Why a pre- or post-hook stopped a run (carried by `InputCheckError`/`OutputCheckError`)."""

    OFF_TOPIC = "off_topic"
    INPUT_NOT_ALLOWED = "input_not_allowed"
    OUTPUT_NOT_ALLOWED = "output_not_allowed"
    VALIDATION_FAILED = "validation_failed"
    PROMPT_INJECTION = "prompt_injection"
    PII_DETECTED = "pii_detected"


class _CheckError(Exception):
    kind = "check_error"

    def __init__(
        self,
        message: str,
        check_trigger: CheckTrigger | str = CheckTrigger.INPUT_NOT_ALLOWED,
        additional_data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.type = self.kind
        self.message = message
        self.check_trigger = check_trigger
        self.error_id = (
            check_trigger.value if isinstance(check_trigger, CheckTrigger) else str(check_trigger)
        )
        self.additional_data = additional_data


class InputCheckError(_CheckError):
    """Raised by a pre-hook to refuse a run's input: the run ends ERROR before the model is
    called, with this message as its content.

    Args:
        message: Why the input was refused.
        check_trigger: The kind of refusal (`CheckTrigger`).
        additional_data: Free-form details.
    """

    kind = "input_check_error"


class OutputCheckError(_CheckError):
    """Raised by a post-hook to refuse a run's output: the run ends ERROR.

    Args:
        message: Why the output was refused.
        check_trigger: The kind of refusal (`CheckTrigger`).
        additional_data: Free-form details.
    """

    kind = "output_check_error"

    def __init__(
        self,
        message: str,
        check_trigger: CheckTrigger | str = CheckTrigger.OUTPUT_NOT_ALLOWED,
        additional_data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, check_trigger, additional_data)
