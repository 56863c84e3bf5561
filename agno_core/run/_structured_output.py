"""A run's structured output: the model's final text validated against its ``output_schema``.

The schema is a pydantic model (the content is a validated instance) or, as in Agno, a JSON
schema dict in the provider's ``response_format`` shape (the content is the parsed JSON object,
``content_type`` "dict"). Models asked in JSON mode, or without native structured outputs, may
wrap the JSON in a code fence, prose or a ``<think>`` block: the JSON is taken out of them, as
Agno does. What still does not parse or validate ends the run ERROR with the reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from agno_core.models.base import OutputSchema
from agno_core.run._context import RunContext

__all__ = ["OutputValidationError", "final_content", "json_candidates", "parse_structured"]

_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.S)


class OutputValidationError(ValueError):
    """The model's output does not validate against the run's ``output_schema``."""


def final_content(ctx: RunContext, content: str | None) -> Any:
    """The run's content: ``content`` itself, or its validated ``output_schema`` value."""
    schema = ctx.output_schema
    if schema is None:
        return content
    ctx.output.content_type = "dict" if isinstance(schema, dict) else schema.__name__
    return parse_structured(schema, content)


def json_candidates(text: str) -> list[str]:
    """Where the JSON may be in a model's text, most likely first: the text after a
    ``<think>`` block, each fenced code block, the span from the first ``{`` to the last ``}``."""
    if "</think>" in text:
        text = text.rsplit("</think>", 1)[1]
    found = [text.strip(), *(block.strip() for block in _FENCE.findall(text))]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        found.append(text[start : end + 1])
    return list(dict.fromkeys(c for c in found if c))


def parse_structured(schema: OutputSchema, content: str | None) -> Any:
    """Validate the model's text against ``schema``; `OutputValidationError` if it fails.

    Returns:
        An instance of a pydantic ``schema``; the JSON object for a dict ``schema``.
    """
    name = "(JSON schema)" if isinstance(schema, dict) else schema.__name__
    if content is None or not content.strip():
        raise OutputValidationError(f"the model returned no content for output_schema {name}")
    if isinstance(schema, dict):
        for candidate in json_candidates(content):
            try:
                value = json.loads(candidate)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
        raise OutputValidationError(
            f"the model's output is not a JSON object, as output_schema {name} asks: "
            f"{content[:200]!r}"
        )
    try:
        return schema.model_validate_json(content)
    except ValidationError as exc:
        first = exc
    if first.errors()[0]["type"] == "json_invalid":
        # Not JSON as a whole: the JSON may be inside a fence or prose.
        for candidate in json_candidates(content):
            if candidate == content.strip():
                continue  # tried above
            try:
                return schema.model_validate_json(candidate)
            except ValidationError as exc:
                if exc.errors()[0]["type"] != "json_invalid":
                    first = exc  # JSON, but not the schema's: that is the error to report
                    break
    detail = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
        for err in first.errors()
    )
    raise OutputValidationError(
        f"the model's output does not match output_schema {name}: {detail}"
    ) from None
