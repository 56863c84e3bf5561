"""`FunctionCall`: one call of a tool, as a tool's ``pre_hook``/``post_hook`` receives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agno_core.tools._function import Function

__all__ = ["FunctionCall"]


@dataclass(kw_only=True, slots=True)
class FunctionCall:
    """A call of ``function`` by the model.

    Attributes:
        function: The tool called.
        arguments: The arguments the model gave (validated).
        call_id: The model's id for the call.
        result: The tool's return value (set once it has run; None in a pre-hook).
        error: Why the call failed, when it did.
    """

    function: Function
    arguments: dict[str, Any] = field(default_factory=dict)
    call_id: str | None = None
    result: Any = None
    error: str | None = None
