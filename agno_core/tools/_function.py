"""Turning Python callables into tools a model can call."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

__all__ = ["Function", "ToolError", "tool"]

_ARGS_HEADER = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:\s*$")
_SECTION_HEADER = re.compile(r"^\s*[A-Z][A-Za-z ]*:\s*$")
_PARAM_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(\([^)]*\))?\s*:\s*(.*)$")


class ToolError(Exception):
    """Raised for a tool call that cannot be made (unknown tool, arguments that do not validate)."""


def _parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into its description and per-argument descriptions."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    current: str | None = None
    in_args = False
    for line in lines:
        if _ARGS_HEADER.match(line):
            in_args, current = True, None
            continue
        if in_args and _SECTION_HEADER.match(line) and not line.startswith((" ", "\t")):
            in_args, current = False, "__section__"
            continue
        if not in_args:
            if _SECTION_HEADER.match(line) and not line.startswith((" ", "\t")):
                in_args = False
                current = "__section__"
            elif current != "__section__":
                description.append(line)
            continue
        match = _PARAM_LINE.match(line)
        if match and (len(line) - len(line.lstrip())) <= 4:
            current = match.group(1).lstrip("*")
            params[current] = match.group(3).strip()
        elif current and line.strip():
            params[current] = f"{params[current]} {line.strip()}".strip()
    return "\n".join(description).strip(), params


@dataclass(kw_only=True, slots=True)
class Function:
    """A tool: a callable plus the JSON schema the model sees.

    Build one with `Function.from_callable` or the `tool` decorator; agents also accept plain
    functions and do this for you.

    Attributes:
        name: The name the model calls it by.
        description: What it does (the docstring's summary by default).
        parameters: JSON schema of the arguments.
        entrypoint: The callable (sync or async).
        strict: Ask the provider for strict argument schemas.
        show_result: Kept for Agno compatibility (results are always returned to the model).
        stop_after_tool_call: End the run with the tool's result as the content.
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    entrypoint: Callable[..., Any]
    strict: bool = False
    show_result: bool = False
    stop_after_tool_call: bool = False
    _arguments_model: type[BaseModel] | None = None

    @classmethod
    def from_callable(
        cls,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool = False,
        show_result: bool = False,
        stop_after_tool_call: bool = False,
    ) -> Function:
        """Build a tool from a function: the schema comes from its signature, hints and docstring."""
        summary, param_docs = _parse_docstring(inspect.getdoc(fn))
        try:
            hints = get_type_hints(fn)
        except Exception:  # unresolvable forward references: fall back to "any"
            hints = {}
        fields: dict[str, Any] = {}
        for param in inspect.signature(fn).parameters.values():
            if param.name in ("self", "cls", "agent", "team", "run_context"):
                continue
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            annotation = hints.get(param.name, Any)
            default = ... if param.default is param.empty else param.default
            from pydantic import Field

            fields[param.name] = (
                annotation,
                Field(default, description=param_docs.get(param.name) or None),
            )
        tool_name = name or getattr(fn, "__name__", type(fn).__name__)
        model = create_model(  # type: ignore[call-overload]
            f"{tool_name}_arguments", __config__=ConfigDict(arbitrary_types_allowed=True), **fields
        )
        schema = model.model_json_schema()
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        schema.setdefault("properties", {})
        return cls(
            name=tool_name,
            description=description if description is not None else summary,
            parameters=schema,
            entrypoint=fn,
            strict=strict,
            show_result=show_result,
            stop_after_tool_call=stop_after_tool_call,
            _arguments_model=model,
        )

    def to_openai_schema(self) -> dict[str, Any]:
        """The ``{"name", "description", "parameters"}`` part of an OpenAI function tool."""
        data: dict[str, Any] = {"name": self.name, "parameters": self.parameters}
        if self.description:
            data["description"] = self.description
        return data

    def parse_arguments(self, raw: str | dict[str, Any] | None) -> dict[str, Any]:
        """Decode and validate the model's arguments; raises `ToolError` with a readable reason."""
        if raw is None or raw == "":
            data: Any = {}
        elif isinstance(raw, dict):
            data = raw
        else:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ToolError(f"arguments for {self.name!r} are not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ToolError(f"arguments for {self.name!r} must be a JSON object, got {raw!r}")
        if self._arguments_model is None:
            return data
        try:
            validated = self._arguments_model.model_validate(data)
        except ValidationError as exc:
            raise ToolError(f"invalid arguments for {self.name!r}: {exc}") from None
        return {name: getattr(validated, name) for name in type(validated).model_fields}

    async def acall(self, arguments: dict[str, Any]) -> Any:
        """Call the tool; awaits the result of async tools."""
        result = self.entrypoint(**arguments)
        if inspect.isawaitable(result):
            result = await result
        return result


def tool(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool = False,
    show_result: bool = False,
    stop_after_tool_call: bool = False,
) -> Any:
    """Decorator that turns a function into a `Function` tool.

    Use bare (``@tool``) or with options (``@tool(name="lookup", description="...")``).
    """

    def wrap(f: Callable[..., Any] | Callable[..., Awaitable[Any]]) -> Function:
        return Function.from_callable(
            f,
            name=name,
            description=description,
            strict=strict,
            show_result=show_result,
            stop_after_tool_call=stop_after_tool_call,
        )

    return wrap(fn) if fn is not None else wrap
