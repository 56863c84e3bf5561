"""The fields a user fills in for a tool that asks for user input (``requires_user_input``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["UserInputField", "field_type_name"]

_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "dict": dict,
}


def field_type_name(field_type: Any) -> str:
    """How a field's type is stored: a class's name, else its text (``int | None``)."""
    return field_type.__name__ if isinstance(field_type, type) else str(field_type)


@dataclass(kw_only=True, slots=True)
class UserInputField:
    """One argument of a paused tool call that the user supplies.

    Attributes:
        name: The tool parameter's name.
        field_type: Its type (``str`` when the tool does not say).
        description: Its description, from the tool's docstring.
        value: The value: what the model gave for it (if it gave one), until the user sets it.
    """

    name: str
    field_type: Any = str
    description: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "field_type": field_type_name(self.field_type),
            "description": self.description,
            "value": self.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserInputField:
        raw = data.get("field_type")
        field_type = raw if isinstance(raw, type) else _TYPES.get(str(raw), str)
        return cls(
            name=data["name"],
            field_type=field_type,
            description=data.get("description"),
            value=data.get("value"),
        )
