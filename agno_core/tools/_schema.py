"""The JSON schema of a tool's arguments, in the exact form Agno sends it.

What the model receives is a compatibility contract, so this follows Agno's rules rather than
pydantic's ``model_json_schema``: no ``default``s, ``required`` always present, ``Optional[X]``
written as ``X`` (but ``X | None`` as an ``anyOf``), pydantic models inlined, enums and literals
as ``enum``s. Arguments are still validated with pydantic (see `Function.parse_arguments`);
this schema is only what the model is told.

Agno also closes a schema (``additionalProperties: false``) in ways that depend on how the tool
reached the agent; `SchemaKind` names those ways and `wire_parameters` applies them.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["SchemaKind", "arguments_schema", "json_schema_for", "wire_parameters"]

logger = logging.getLogger("agno_core")

SchemaKind = Literal["callable", "decorated", "toolkit", "toolkit_decorated"]
"""How a tool reached the agent, which decides how Agno closes its schema:

- ``callable``: a plain function in ``tools`` (and agno_core's built-in tools);
- ``decorated``: a ``@tool`` function (Agno processes its schema twice and the second pass
  adds ``additionalProperties: false``);
- ``toolkit``: a plain method of a `Toolkit`;
- ``toolkit_decorated``: a ``@tool`` method of a `Toolkit` (its schema is used as built).
"""

_PY_TO_JSON = {
    "int": "integer",
    "float": "number",
    "complex": "number",
    "Decimal": "number",
    "str": "string",
    "string": "string",
    "bool": "boolean",
    "boolean": "boolean",
    "NoneType": "null",
    "None": "null",
    "list": "array",
    "tuple": "array",
    "set": "array",
    "frozenset": "array",
    "dict": "object",
    "mapping": "object",
}


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic model schema with its ``$defs`` inlined (a recursive ref becomes a stub)."""
    definitions = schema.pop("$defs", {})

    def walk(node: Any, active: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                return {"type": "object"}
            name = ref.split("/")[-1]
            if name in active:
                return {
                    "type": "object",
                    "description": f"A nested {name} object of this same shape.",
                }
            if name not in definitions:
                return {"type": "object"}
            return walk(definitions[name], active | {name})
        result = dict(node)
        for key in ("items", "additionalProperties", "propertyNames"):
            if key in result:
                result[key] = walk(result[key], active)
        if "properties" in result:
            result["properties"] = {k: walk(v, active) for k, v in result["properties"].items()}
        for key in ("anyOf", "allOf", "oneOf"):
            if key in result:
                result[key] = [walk(sub, active) for sub in result[key]]
        result.pop("$defs", None)
        return result

    inlined: dict[str, Any] = walk(schema, frozenset())
    return inlined


def _literal_schema(values: tuple[Any, ...]) -> dict[str, Any]:
    if not values:
        return {"type": "string"}
    if all(isinstance(v, str) for v in values):
        return {"type": "string", "enum": list(values)}
    if all(isinstance(v, bool) for v in values):
        return {"type": "boolean", "enum": list(values)}
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return {"type": "integer", "enum": list(values)}
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return {"type": "number", "enum": list(values)}
    return {"enum": list(values)}


def json_schema_for(hint: Any) -> dict[str, Any] | None:
    """The schema of one argument type (None: no schema, the argument is left out)."""
    args = get_args(hint)
    origin = get_origin(hint)
    if origin is not None:
        if origin is typing.Annotated:
            return json_schema_for(args[0]) if args else None
        if origin is Literal:
            return _literal_schema(args)
        if origin in (list, tuple, set, frozenset):
            return {
                "type": "array",
                "items": json_schema_for(args[0]) if args else {"type": "string"},
            }
        if origin is dict:
            return {
                "type": "object",
                "propertyNames": json_schema_for(args[0]) if args else {"type": "string"},
                "additionalProperties": json_schema_for(args[1])
                if len(args) > 1
                else {"type": "string"},
            }
        if origin in (Union, types.UnionType):
            options = []
            for arg in args:
                try:
                    option = json_schema_for(arg)
                except Exception:
                    continue
                if option:
                    options.append(option)
            return {"anyOf": options} if options else None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return _inline_refs(hint.model_json_schema())
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass_schema(hint)
    if hint is dict:
        return {"type": "object", "additionalProperties": True}
    schema: dict[str, Any] = {"type": _PY_TO_JSON.get(hint.__name__, "object")}
    if schema["type"] == "object":
        schema["properties"] = {}
        schema["additionalProperties"] = False
    return schema


def _dataclass_schema(cls: type) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        schema = json_schema_for(spec.type)
        options = schema.get("anyOf") if schema else None
        if options is not None and any(o.get("type") == "null" for o in options):
            non_null = next(
                (o["type"] for o in options if o.get("type") not in (None, "null")), None
            )
            if non_null is not None and schema is not None:
                schema["type"] = non_null
                schema.pop("anyOf")
        else:
            required.append(name)
        if schema:
            properties[name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties}
    result["additionalProperties"] = False
    if required:
        result["required"] = required
    return result


def arguments_schema(
    hints: Mapping[str, Any],
    descriptions: Mapping[str, str],
    required: list[str],
    *,
    strict: bool = False,
) -> dict[str, Any]:
    """The ``parameters`` object: one property per argument of ``hints`` (None: untyped).

    ``required`` lists the arguments without a default; an argument whose type has no schema
    is left out of both. With ``strict`` (Agno's agent-level strict mode for a plain
    function), the object is closed and every argument is required.
    """
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    if strict:
        schema["additionalProperties"] = False
    properties: dict[str, Any] = schema["properties"]
    for name, hint in hints.items():
        try:
            if get_origin(hint) is Union:
                hint_args = get_args(hint)
                if len(hint_args) == 2 and type(None) in hint_args:
                    hint = next(arg for arg in hint_args if arg is not type(None))
            arg_schema = json_schema_for(hint) if hint else {}
        except Exception:
            logger.warning("Could not build a schema for argument %r", name)
            continue
        if arg_schema is None:
            logger.warning("Could not parse argument %s of type %s", name, hint)
            continue
        if descriptions.get(name):
            arg_schema["description"] = descriptions[name]
        properties[name] = arg_schema
    names = list(properties) if strict else required
    schema["required"] = [name for name in names if name in properties]
    return schema


def _close_nested(schema: Any) -> Any:
    """Agno's strict rewrite: every object schema, at any depth, gets
    ``additionalProperties: false`` (and a typeless one a type)."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    if result.get("type") == "object" or "properties" in result:
        result["additionalProperties"] = False
    if "type" not in result:
        if "properties" in result:
            result["type"] = "object"
            result["additionalProperties"] = False
        elif result.get("title") and not any(
            key in result for key in ("properties", "items", "anyOf", "oneOf", "allOf", "enum")
        ):
            result["type"] = "string"
    for key, value in result.items():
        if isinstance(value, dict):
            if key == "properties":
                result[key] = {k: _close_nested(v) for k, v in value.items()}
            else:
                result[key] = _close_nested(value)
    return result


def _strict(parameters: dict[str, Any]) -> dict[str, Any]:
    closed: dict[str, Any] = _close_nested(parameters)
    properties = closed.get("properties")
    if not isinstance(properties, dict):
        properties = closed["properties"] = {}
    closed["required"] = list(properties)
    return closed


_EMPTY = {"type": "object", "properties": {}, "required": []}


def wire_parameters(
    parameters: dict[str, Any],
    strict_parameters: dict[str, Any] | None,
    kind: SchemaKind,
    strict: bool,
) -> dict[str, Any]:
    """The ``parameters`` Agno sends for a tool of this ``kind``.

    Args:
        parameters: The schema as built from the signature (`arguments_schema`).
        strict_parameters: The schema built in strict mode (closed, all required), for the
            kinds that Agno rebuilds from the signature under strict mode.
        kind: How the tool reached the agent.
        strict: Whether the tool is sent strict (its own ``strict``, else the agent's).
    """
    if kind == "callable":
        return strict_parameters if strict and strict_parameters is not None else parameters
    if kind == "toolkit":
        if strict and strict_parameters is not None:
            return _strict(strict_parameters)
        return parameters
    if kind == "decorated" and parameters != _EMPTY:
        # Agno's second processing of a @tool sees a schema it did not build there and
        # treats it as the user's: it closes it and rebuilds `required` from the signature.
        closed = dict(parameters)
        if strict:
            closed["required"] = list(closed.get("properties") or {})
        closed["additionalProperties"] = False
        return _strict(closed) if strict else closed
    return _strict(parameters) if strict else parameters
