"""The Agent."""

from __future__ import annotations

from agno_core.agent._agent import Agent
from agno_core.run.agent import RunEvent, RunOutput, RunOutputEvent
from agno_core.run.base import RunStatus

__all__ = ["Agent", "RunEvent", "RunOutput", "RunOutputEvent", "RunStatus"]
