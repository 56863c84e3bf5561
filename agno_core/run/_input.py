"""`RunInput`: a run's input as pre-hooks receive it (Agno's ``agno.run.agent.RunInput``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

__all__ = ["RunInput", "text_of"]


def text_of(value: Any) -> str:
    """``value`` as the model reads it: text as it is, a pydantic model as its JSON, anything
    else as JSON when it serializes, else ``str(value)``."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    contents = _message_contents(value)
    if contents is not None:
        return "\n".join(contents)
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def _message_contents(value: Any) -> list[str] | None:
    """The texts of an input made of messages (objects with ``role`` and ``content``, or such
    dicts), else None."""
    items = value if isinstance(value, list) else [value]
    texts: list[str] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("role"), str) and "content" in item:
            content = item["content"]
        elif hasattr(item, "role") and hasattr(item, "content") and not isinstance(item, type):
            content = item.content
        else:
            return None
        if content:
            texts.append(content if isinstance(content, str) else json.dumps(content, default=str))
    return texts if items else None


@dataclass(kw_only=True, slots=True)
class RunInput:
    """The input of a run. A pre-hook may replace ``input_content``: the model gets the new one.

    Attributes:
        input_content: What was passed to ``run``/``arun`` (text, a dict, a list, a model).
    """

    input_content: Any

    def input_content_string(self) -> str:
        """The input as text (JSON for structured input)."""
        return text_of(self.input_content)
