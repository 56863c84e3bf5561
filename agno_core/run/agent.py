"""Agent run outputs and events."""

from __future__ import annotations

from agno_core.run._events import (
    BaseRunEvent,
    FollowupsCompletedEvent,
    FollowupsStartedEvent,
    MemoryUpdateCompletedEvent,
    MemoryUpdateStartedEvent,
    ModelRequestCompletedEvent,
    ModelRequestStartedEvent,
    PostHookCompletedEvent,
    PostHookStartedEvent,
    PreHookCompletedEvent,
    PreHookStartedEvent,
    RunCancelledEvent,
    RunCompletedEvent,
    RunContentCompletedEvent,
    RunContentEvent,
    RunContinuedEvent,
    RunErrorEvent,
    RunEvent,
    RunPausedEvent,
    RunStartedEvent,
    SessionSummaryCompletedEvent,
    SessionSummaryStartedEvent,
    ToolCallArgsDeltaEvent,
    ToolCallCompletedEvent,
    ToolCallErrorEvent,
    ToolCallStartedEvent,
)
from agno_core.run._input import RunInput
from agno_core.run._output import RunOutput, ToolExecution
from agno_core.run._requirement import RunRequirement
from agno_core.run.base import RunStatus

RunOutputEvent = BaseRunEvent

__all__ = [
    "BaseRunEvent",
    "FollowupsCompletedEvent",
    "FollowupsStartedEvent",
    "MemoryUpdateCompletedEvent",
    "MemoryUpdateStartedEvent",
    "ModelRequestCompletedEvent",
    "ModelRequestStartedEvent",
    "PostHookCompletedEvent",
    "PostHookStartedEvent",
    "PreHookCompletedEvent",
    "PreHookStartedEvent",
    "RunCancelledEvent",
    "RunCompletedEvent",
    "RunContentCompletedEvent",
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
    "SessionSummaryCompletedEvent",
    "SessionSummaryStartedEvent",
    "ToolCallArgsDeltaEvent",
    "ToolCallCompletedEvent",
    "ToolCallErrorEvent",
    "ToolCallStartedEvent",
    "ToolExecution",
]
