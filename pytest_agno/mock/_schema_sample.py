"""The smallest JSON document a structured-output request's schema accepts.

With nothing scripted, `MockOpenAI` answers every request with a default reply. A request that
asks for structured output (Chat Completions `response_format` or Responses `text.format` of type
`json_schema`) gets a document built here from that schema instead of the default text, so an
agent with an `output_schema` completes on an unscripted mock just as a plain agent does.

The document is deterministic: required properties only when the schema names them (all of them
under OpenAI's strict mode, which requires every property), the first enum value, null for a
nullable union and its first branch otherwise, empty strings and zeros, arrays at their minimum
length, `$ref` followed into `$defs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["requested_schema", "sample_for_schema"]

# `$ref` chains deeper than this (a recursive model) end as null rather than loop forever.
_MAX_DEPTH = 32


def requested_schema(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Return the JSON schema a request body asks the answer to follow, if any.

    Args:
        body: A Chat Completions or Responses request body.
    """
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        return schema if isinstance(schema, Mapping) else None
    text = body.get("text")
    if isinstance(text, Mapping):
        fmt = text.get("format")
        if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
            schema = fmt.get("schema")
            return schema if isinstance(schema, Mapping) else None
    return None


def sample_for_schema(schema: Mapping[str, Any]) -> Any:
    """Build the smallest document `schema` accepts (see the module docstring).

    Args:
        schema: A JSON schema as OpenAI receives it (pydantic's output, strict or not).
    """
    defs = schema.get("$defs") or schema.get("definitions") or {}
    return _sample(schema, defs, 0)


def _sample(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = defs.get(ref.rsplit("/", 1)[-1])
        return _sample(target, defs, depth + 1) if isinstance(target, Mapping) else None
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("anyOf", "oneOf", "allOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            usable = [b for b in branches if isinstance(b, Mapping) and b.get("type") != "null"]
            if key != "allOf" and len(usable) < len(branches):
                return None  # a nullable field: null is the smallest answer
            return _sample((usable or branches)[0], defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else next(iter(kind), None)
    return _by_type(kind, schema, defs, depth)


def _by_type(kind: Any, schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        required = schema.get("required")
        names = list(required) if isinstance(required, list) else list(properties)
        return {
            name: _sample(properties.get(name) or {}, defs, depth + 1)
            for name in names
            if isinstance(name, str)
        }
    if kind == "array":
        items = schema.get("items")
        count = int(schema.get("minItems") or 0)
        item_schema = items if isinstance(items, Mapping) else {}
        return [_sample(item_schema, defs, depth + 1) for _ in range(count)]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def _string(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt == "time":
        return "00:00:00"
    if fmt == "email":
        return "user@example.com"
    if fmt in ("uri", "url"):
        return "https://example.com"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return "x" * int(schema.get("minLength") or 0)
