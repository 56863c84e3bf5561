"""``from agno_core.models.openai.open_responses import OpenResponses``, Agno's module path."""

from __future__ import annotations

from agno_core.models.openai._compatible import OpenResponses

__all__ = ["OpenResponses"]
