"""What a paused run waits for: one `RunRequirement` per tool call the user must resolve."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from agno_core.run._tool_execution import ToolExecution
from agno_core.tools._user_input import UserInputField

__all__ = ["PauseType", "RunRequirement", "link_requirements"]

PauseType = Literal["confirmation", "user_input", "external_execution"]


class RunRequirement:
    """A tool call a paused run waits on, and the user's answer to it.

    Resolve it with `confirm` / `reject` (``requires_confirmation`` tools; setting
    ``confirmation`` directly works too), `provide_user_input` or the fields of
    ``user_input_schema`` (``requires_user_input``), or `set_external_execution_result`
    (``external_execution``); then continue the run with ``agent.continue_run(run_response=run)``
    or ``agent.continue_run(run_id=..., requirements=[...])``.

    Attributes:
        id: The requirement's id.
        tool_execution: The paused call (the same object as in ``RunOutput.tools``).
        created_at: When the run paused on it (UTC).
        confirmation: True (confirmed), False (rejected) or None (not answered yet).
        confirmation_note: Why it was rejected (given to the model).
        user_input_schema: The fields the user fills in (the tool call's own list).
        external_execution_result: The result of a call the caller executed.
    """

    __slots__ = (
        "confirmation",
        "confirmation_note",
        "created_at",
        "external_execution_result",
        "id",
        "tool_execution",
        "user_input_schema",
    )

    def __init__(
        self,
        tool_execution: ToolExecution,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> None:
        self.id = id or str(uuid.uuid4())
        self.tool_execution = tool_execution
        self.created_at = created_at or datetime.now(UTC)
        self.confirmation: bool | None = None
        self.confirmation_note: str | None = None
        self.user_input_schema: list[UserInputField] | None = tool_execution.user_input_schema
        self.external_execution_result: str | None = None

    def __repr__(self) -> str:
        tool = self.tool_execution
        return (
            f"RunRequirement(id={self.id!r}, tool={tool.tool_name!r}, "
            f"pause_type={self.pause_type!r}, resolved={self.is_resolved()})"
        )

    @property
    def needs_confirmation(self) -> bool:
        tool = self.tool_execution
        if self.confirmation is not None or tool.confirmed is not None:
            return False
        return bool(tool.requires_confirmation)

    @property
    def needs_user_input(self) -> bool:
        tool = self.tool_execution
        if tool.answered:
            return False
        if tool.requires_user_input:
            return True
        schema = self.user_input_schema
        return bool(schema) and not all(f.value is not None for f in schema or ())

    @property
    def needs_external_execution(self) -> bool:
        if self.external_execution_result is not None:
            return False
        return bool(self.tool_execution.external_execution_required)

    @property
    def external_execution_silent(self) -> bool:
        return self.needs_external_execution and bool(self.tool_execution.external_execution_silent)

    @property
    def pause_type(self) -> PauseType:
        tool = self.tool_execution
        if tool.external_execution_required:
            return "external_execution"
        if tool.requires_user_input:
            return "user_input"
        return "confirmation"

    def confirm(self) -> None:
        """Let the call run."""
        if not self.needs_confirmation:
            raise ValueError("This requirement does not require confirmation")
        self.confirmation = True
        self.tool_execution.confirmed = True

    def reject(self, note: str | None = None) -> None:
        """Refuse the call; the model is told it was rejected (with ``note`` when given)."""
        if not self.needs_confirmation:
            raise ValueError("This requirement does not require confirmation")
        self.confirmation = False
        self.confirmation_note = note
        self.tool_execution.confirmed = False
        self.tool_execution.confirmation_note = note

    def provide_user_input(self, values: dict[str, Any]) -> None:
        """Fill in user input fields by name (answered once every field has a value)."""
        if not self.needs_user_input:
            raise ValueError("This requirement does not require user input")
        for input_field in self.user_input_schema or ():
            if input_field.name in values:
                input_field.value = values[input_field.name]
        if all(f.value is not None for f in self.user_input_schema or ()):
            self.tool_execution.answered = True

    def set_external_execution_result(self, result: str) -> None:
        """Give the result of a call the caller executed itself."""
        if not self.needs_external_execution:
            raise ValueError("This requirement does not require external execution")
        self.external_execution_result = result
        self.tool_execution.result = result

    def is_resolved(self) -> bool:
        """True once the user has answered what the call waits for."""
        return not (
            self.needs_confirmation or self.needs_user_input or self.needs_external_execution
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "confirmation": self.confirmation,
            "confirmation_note": self.confirmation_note,
            "external_execution_result": self.external_execution_result,
            "tool_execution": self.tool_execution.to_dict(),
        }
        return {key: value for key, value in data.items() if value is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRequirement:
        tool_data = data.get("tool_execution")
        tool = (
            ToolExecution.from_dict(tool_data)
            if tool_data
            else ToolExecution(tool_name="unknown", tool_args={})
        )
        created = data.get("created_at")
        requirement = cls(
            tool,
            id=data.get("id"),
            created_at=datetime.fromisoformat(created) if isinstance(created, str) else None,
        )
        requirement.confirmation = data.get("confirmation")
        requirement.confirmation_note = data.get("confirmation_note")
        requirement.external_execution_result = data.get("external_execution_result")
        return requirement

    def apply_answer(self) -> None:
        """Carry an answer set on the requirement itself (``confirmation = True``,
        ``external_execution_result``) over to its tool call, which the run reads."""
        tool = self.tool_execution
        if self.confirmation is not None and tool.confirmed is None:
            tool.confirmed = self.confirmation
            if self.confirmation is False and tool.confirmation_note is None:
                tool.confirmation_note = self.confirmation_note
        if self.external_execution_result is not None and tool.result is None:
            tool.result = self.external_execution_result
        if self.user_input_schema is not None and self.user_input_schema is not (
            tool.user_input_schema
        ):
            values = {f.name: f.value for f in self.user_input_schema if f.value is not None}
            for tool_field in tool.user_input_schema or ():
                if tool_field.value is None and tool_field.name in values:
                    tool_field.value = values[tool_field.name]


def link_requirements(
    requirements: Iterable[RunRequirement], tools: list[ToolExecution]
) -> list[RunRequirement]:
    """Point each requirement at the run's own record of its tool call (matched by call id),
    so that answering the requirement answers the call; returns the requirements."""
    by_id = {tool.tool_call_id: tool for tool in tools if tool.tool_call_id is not None}
    linked = []
    for requirement in requirements:
        call_id = requirement.tool_execution.tool_call_id
        own = by_id.get(call_id) if call_id is not None else None
        if own is not None and own is not requirement.tool_execution:
            requirement.tool_execution = own
            if own.user_input_schema is not None:
                requirement.user_input_schema = own.user_input_schema
        linked.append(requirement)
    return linked
