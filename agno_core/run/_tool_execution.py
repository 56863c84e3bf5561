"""One tool call of a run, as the run output records it (human-in-the-loop state included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from agno_core.metrics import ToolCallMetrics
from agno_core.tools._user_input import UserInputField

__all__ = ["ToolExecution", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` made JSON-ready (pydantic models dumped, unknown objects as text)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # a Message given as a run's input, ...
        return jsonable(to_dict())
    return str(value)


# The human-in-the-loop fields, stored only when set (a run without a pause stores what it did).
_HITL_FLAGS = (
    "requires_confirmation",
    "confirmed",
    "confirmation_note",
    "requires_user_input",
    "answered",
    "external_execution_required",
    "external_execution_silent",
)


@dataclass(kw_only=True, slots=True)
class ToolExecution:
    """One tool call made during a run.

    Attributes:
        tool_call_id: The model's id for the call.
        tool_name: The tool called.
        tool_args: The arguments as the model sent them (JSON-decoded; {} when they were not
            a JSON object), as in Agno.
        result: The result given back to the model (a string).
        tool_call_error: True when the tool raised, its arguments were invalid, or the user
            rejected the call.
        metrics: Timing of the call.
        requires_confirmation: The call waits for the user's confirmation (a paused run).
        confirmed: The user's answer (None until given).
        confirmation_note: The user's reason for a rejection.
        requires_user_input: The call waits for the user to fill in ``user_input_schema``.
        user_input_schema: The fields the user fills in (`UserInputField`).
        answered: The user filled in every field.
        external_execution_required: The caller runs the tool and gives back its ``result``.
        external_execution_silent: No "I have tools to execute" content for this pause.
        stop_after_tool_call: The tool is marked ``stop_after_tool_call``: the run ended with
            this call's result.
    """

    tool_call_id: str | None = None
    tool_name: str
    tool_args: dict[str, Any] = field(default_factory=dict)
    result: str | None = None
    tool_call_error: bool = False
    metrics: ToolCallMetrics | None = None
    requires_confirmation: bool | None = None
    confirmed: bool | None = None
    confirmation_note: str | None = None
    requires_user_input: bool | None = None
    user_input_schema: list[UserInputField] | None = None
    answered: bool | None = None
    external_execution_required: bool | None = None
    external_execution_silent: bool | None = None
    stop_after_tool_call: bool = False

    @property
    def is_paused(self) -> bool:
        """True while the call waits for the user."""
        return bool(
            self.requires_confirmation
            or self.requires_user_input
            or self.external_execution_required
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tool_call_id": self.tool_call_id,
            "tool_name": self.tool_name,
            "tool_args": jsonable(self.tool_args),
            "result": self.result,
            "tool_call_error": self.tool_call_error,
            "metrics": self.metrics.to_dict() if self.metrics else None,
        }
        if self.stop_after_tool_call:
            data["stop_after_tool_call"] = True
        for name in _HITL_FLAGS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.user_input_schema is not None:
            data["user_input_schema"] = [
                {**f.to_dict(), "value": jsonable(f.value)} for f in self.user_input_schema
            ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolExecution:
        metrics = data.get("metrics")
        schema = data.get("user_input_schema")
        return cls(
            tool_call_id=data.get("tool_call_id"),
            tool_name=data["tool_name"],
            tool_args=data.get("tool_args") or {},
            result=data.get("result"),
            tool_call_error=bool(data.get("tool_call_error")),
            metrics=ToolCallMetrics.from_dict(metrics) if metrics else None,
            stop_after_tool_call=bool(data.get("stop_after_tool_call")),
            user_input_schema=(
                [UserInputField.from_dict(f) for f in schema] if schema is not None else None
            ),
            **{name: data.get(name) for name in _HITL_FLAGS},
        )
