"""The Agent, and the run records Agno users import from ``agno.agent``."""

from __future__ import annotations

from agno_core.agent._agent import Agent
from agno_core.run._followups import FollowupConfig
from agno_core.run.agent import (
    RunCancelledEvent,
    RunCompletedEvent,
    RunContentEvent,
    RunErrorEvent,
    RunEvent,
    RunInput,
    RunOutput,
    RunOutputEvent,
    RunStartedEvent,
    ToolCallCompletedEvent,
    ToolCallStartedEvent,
)
from agno_core.run.base import RunStatus

__all__ = [
    "Agent",
    "FollowupConfig",
    "RunCancelledEvent",
    "RunCompletedEvent",
    "RunContentEvent",
    "RunErrorEvent",
    "RunEvent",
    "RunInput",
    "RunOutput",
    "RunOutputEvent",
    "RunStartedEvent",
    "RunStatus",
    "ToolCallCompletedEvent",
    "ToolCallStartedEvent",
]
