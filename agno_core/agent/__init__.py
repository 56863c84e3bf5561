"""The Agent, and the run records and events Agno code imports from ``agno.agent``."""

from __future__ import annotations

from agno_core.agent._agent import Agent
from agno_core.models.message import Message
from agno_core.run._followups import FollowupConfig
from agno_core.run.agent import (
    MemoryUpdateCompletedEvent,
    MemoryUpdateStartedEvent,
    RunCancelledEvent,
    RunCompletedEvent,
    RunContentEvent,
    RunContinuedEvent,
    RunErrorEvent,
    RunEvent,
    RunInput,
    RunOutput,
    RunOutputEvent,
    RunPausedEvent,
    RunRequirement,
    RunStartedEvent,
    ToolCallArgsDeltaEvent,
    ToolCallCompletedEvent,
    ToolCallStartedEvent,
)
from agno_core.run.base import RunStatus

__all__ = [
    "Agent",
    "FollowupConfig",
    "MemoryUpdateCompletedEvent",
    "MemoryUpdateStartedEvent",
    "Message",
    "RunCancelledEvent",
    "RunCompletedEvent",
    "RunContentEvent",
    "RunContinuedEvent",
    "RunErrorEvent",
    "RunEvent",
    "RunInput",
    "RunOutput",
    "RunOutputEvent",
    "RunPausedEvent",
    "RunRequirement",
    "RunStartedEvent",
    "RunStatus",
    "ToolCallArgsDeltaEvent",
    "ToolCallCompletedEvent",
    "ToolCallStartedEvent",
]
