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
from agno_core.run._extra_events import (
    CompressionCompletedEvent,
    CompressionStartedEvent,
    CustomEvent,
    IntermediateRunContentEvent,
    OutputModelResponseCompletedEvent,
    OutputModelResponseStartedEvent,
    ParserModelResponseCompletedEvent,
    ParserModelResponseStartedEvent,
    ReasoningCompletedEvent,
    ReasoningContentDeltaEvent,
    ReasoningStartedEvent,
    ReasoningStepEvent,
)
from agno_core.run._input import RunInput
from agno_core.run._output import RunOutput, ToolExecution
from agno_core.run._requirement import RunRequirement
from agno_core.run.base import RunStatus

RunOutputEvent = BaseRunEvent

# Agno's base classes of every event.
BaseAgentRunEvent = BaseRunEvent
BaseRunOutputEvent = BaseRunEvent

__all__ = [
    "BaseAgentRunEvent",
    "BaseRunEvent",
    "BaseRunOutputEvent",
    "CompressionCompletedEvent",
    "CompressionStartedEvent",
    "CustomEvent",
    "FollowupsCompletedEvent",
    "FollowupsStartedEvent",
    "IntermediateRunContentEvent",
    "MemoryUpdateCompletedEvent",
    "MemoryUpdateStartedEvent",
    "ModelRequestCompletedEvent",
    "ModelRequestStartedEvent",
    "OutputModelResponseCompletedEvent",
    "OutputModelResponseStartedEvent",
    "ParserModelResponseCompletedEvent",
    "ParserModelResponseStartedEvent",
    "PostHookCompletedEvent",
    "PostHookStartedEvent",
    "PreHookCompletedEvent",
    "PreHookStartedEvent",
    "ReasoningCompletedEvent",
    "ReasoningContentDeltaEvent",
    "ReasoningStartedEvent",
    "ReasoningStepEvent",
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
