"""A run's structured output: the model's final text validated against its ``output_schema``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from agno_core.run._context import RunContext

__all__ = ["OutputValidationError", "final_content", "parse_structured"]


class OutputValidationError(ValueError):
    """The model's output does not validate against the run's ``output_schema``."""


def final_content(ctx: RunContext, content: str | None) -> Any:
    """The run's content: ``content`` itself, or its validated ``output_schema`` instance."""
    schema = ctx.output_schema
    if schema is None:
        return content
    ctx.output.content_type = schema.__name__
    return parse_structured(schema, content)


def parse_structured(schema: type[BaseModel], content: str | None) -> BaseModel:
    """Validate the model's text against ``schema``; `OutputValidationError` if it fails."""
    if content is None or not content.strip():
        raise OutputValidationError(
            f"the model returned no content for output_schema {schema.__name__}"
        )
    try:
        return schema.model_validate_json(content)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise OutputValidationError(
            f"the model's output does not match output_schema {schema.__name__}: {detail}"
        ) from None
