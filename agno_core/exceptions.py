"""Errors agno_core raises on purpose, and the ones hooks and tools raise to steer a run (as in
Agno)."""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "AgentRunException",
    "CheckTrigger",
    "InputCheckError",
    "ModelProviderError",
    "NotSupportedError",
    "OutputCheckError",
    "RetryAgentRun",
    "RunCancelledException",
    "RunNotContinuableError",
    "RunNotFoundError",
    "StopAgentRun",
]


class NotSupportedError(TypeError):
    """An Agno parameter, method or value that agno_core does not implement.

    Raised instead of accepting the argument and ignoring it; the message names the parameter
    and says why. A `TypeError`, as an unknown keyword argument would be.
    """


class RunNotFoundError(RuntimeError):
    """``continue_run(run_id=...)`` names a run the db does not hold (in that session)."""


class RunCancelledException(Exception):
    """A run was cancelled: raised by `agno_core.run.cancel.raise_if_cancelled`.

    Raised inside a run (by a tool, a tool hook or a pre/post-hook), it ends that run CANCELLED
    with this message as the reason, as a cancel request would; the model is not called again.
    """

    def __init__(self, message: str = "Operation cancelled by user") -> None:
        super().__init__(message)
        self.type = "run_cancelled_error"
        self.error_id = "run_cancelled_error"


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


class ModelProviderError(Exception):
    """The provider answered with an error, or with something that could not be understood.

    Attributes:
        message: What went wrong, with the provider's own message.
        status_code: The HTTP status when there was one.
        model_id: The model that was called.
    """

    def __init__(self, message: str, *, status_code: int | None = None, model_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.model_id = model_id


class AgentRunException(Exception):
    """Raised by a tool to steer its run (Agno's base of `RetryAgentRun` and `StopAgentRun`).

    The exception's text becomes the tool call's result (marked as an error); the messages
    given are added to the conversation after the round's tool results.

    Args:
        exc: The text the model receives as the tool's result.
        user_message: Added as a user message (a ``Message`` is taken as is).
        agent_message: Added as an assistant message.
        messages: Further messages (``Message`` objects or their dicts).
        stop_execution: End the run after this round of tool calls, without calling the model
            again.
    """

    def __init__(
        self,
        exc: Any,
        user_message: Any = None,
        agent_message: Any = None,
        messages: list[Any] | None = None,
        stop_execution: bool = False,
    ) -> None:
        super().__init__(exc)
        self.user_message = user_message
        self.agent_message = agent_message
        self.messages = messages
        self.stop_execution = stop_execution
        self.type = "agent_run_error"
        self.error_id = "agent_run_error"


class RetryAgentRun(AgentRunException):
    """Raised by a tool to have the model try again: the text goes back as the tool's result
    (and ``user_message``, if given, as a user message) and the run goes on."""

    def __init__(
        self,
        exc: Any,
        user_message: Any = None,
        agent_message: Any = None,
        messages: list[Any] | None = None,
    ) -> None:
        super().__init__(exc, user_message, agent_message, messages, stop_execution=False)
        self.error_id = "retry_agent_run_error"


class StopAgentRun(AgentRunException):
    """Raised by a tool to end its run: no further model call; the run completes with
    ``agent_message`` as its content when given, else the exception's text."""

    def __init__(
        self,
        exc: Any,
        user_message: Any = None,
        agent_message: Any = None,
        messages: list[Any] | None = None,
    ) -> None:
        super().__init__(exc, user_message, agent_message, messages, stop_execution=True)
        self.error_id = "stop_agent_run_error"
