"""Team run outputs and events.

A team's events are the same classes as an agent's (`agno_core.run.agent`), named by
`TeamRunEvent` (``event == "TeamRunContent"``, ...); they are importable from here under the
names Agno's ``agno.run.team`` gives them.
"""

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
    RunPausedEvent,
    RunStartedEvent,
    SessionSummaryCompletedEvent,
    SessionSummaryStartedEvent,
    TeamRunEvent,
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
from agno_core.run._output import TeamRunOutput

# Agno's names for "any team event" and for its base class.
TeamRunOutputEvent = BaseRunEvent
BaseTeamRunEvent = BaseRunEvent

# Agno's base classes of every event.
BaseRunOutputEvent = BaseRunEvent

__all__ = [
    "BaseRunOutputEvent",
    "BaseTeamRunEvent",
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
    "RunPausedEvent",
    "RunStartedEvent",
    "SessionSummaryCompletedEvent",
    "SessionSummaryStartedEvent",
    "TeamRunEvent",
    "TeamRunOutput",
    "TeamRunOutputEvent",
    "ToolCallCompletedEvent",
    "ToolCallErrorEvent",
    "ToolCallStartedEvent",
]
