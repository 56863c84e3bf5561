"""`BaseGuardrail`: a reusable input check that goes in ``pre_hooks=[...]``."""

from __future__ import annotations

from abc import ABC, abstractmethod

from agno_core.run._input import RunInput

__all__ = ["BaseGuardrail"]


class BaseGuardrail(ABC):
    """A check run before the model sees a run's input, as a pre-hook of an Agent or a Team.

    Put an instance in ``pre_hooks``: a synchronous ``run()`` calls `check`, ``arun()`` calls
    `async_check`, each with the run's `RunInput` (a team passes its own input the same way).
    A check refuses the input by raising `agno_core.exceptions.InputCheckError` (the run ends
    ERROR with the error's message as its content, before any model call), or rewrites it by
    assigning ``run_input.input_content``. In the streamed events the hook is named after the
    method called (``check`` or ``async_check``), as in Agno.

    In ``post_hooks`` a guardrail gets no ``run_input``: as in Agno, the call fails, the failure
    is logged and the run goes on. Write a post-hook function to check outputs.

    Example:
        >>> from agno_core.exceptions import InputCheckError
        >>> class NoShouting(BaseGuardrail):
        ...     def check(self, run_input):
        ...         if run_input.input_content_string().isupper():
        ...             raise InputCheckError("please do not shout")
        ...     async def async_check(self, run_input):
        ...         self.check(run_input)
    """

    @abstractmethod
    def check(self, run_input: RunInput) -> None:
        """Check (and possibly rewrite) the input of a synchronous run.

        Args:
            run_input: The run's input; assign ``input_content`` to change what the model gets.

        Raises:
            InputCheckError: The input is refused.
        """

    @abstractmethod
    async def async_check(self, run_input: RunInput) -> None:
        """Check (and possibly rewrite) the input of an asynchronous run; as `check`."""
