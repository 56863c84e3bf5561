"""Team run outputs and events."""

from __future__ import annotations

from agno_core.run._events import TeamRunEvent
from agno_core.run._output import TeamRunOutput

__all__ = ["TeamRunEvent", "TeamRunOutput"]
