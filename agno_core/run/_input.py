"""`RunInput`: a run's input as pre-hooks receive it (Agno's ``agno.run.agent.RunInput``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

__all__ = ["RunInput"]


@dataclass(kw_only=True, slots=True)
class RunInput:
    """The input of a run. A pre-hook may replace ``input_content``: the model gets the new one.

    Attributes:
        input_content: What was passed to ``run``/``arun`` (text, a dict, a list, a model).
    """

    input_content: Any

    def input_content_string(self) -> str:
        """The input as text (JSON for structured input)."""
        content = self.input_content
        if isinstance(content, str):
            return content
        if isinstance(content, BaseModel):
            return content.model_dump_json()
        try:
            return json.dumps(content, default=str)
        except (TypeError, ValueError):
            return str(content)
