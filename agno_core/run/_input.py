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
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


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
