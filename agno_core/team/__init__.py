"""The Team, and the run events Agno's ``agno.team`` re-exports."""

from __future__ import annotations

from agno_core.run.team import (
    FollowupsCompletedEvent,
    FollowupsStartedEvent,
    MemoryUpdateCompletedEvent,
    MemoryUpdateStartedEvent,
    RunCancelledEvent,
    RunCompletedEvent,
    RunContentEvent,
    RunErrorEvent,
    RunStartedEvent,
    TeamRunEvent,
    TeamRunOutput,
    TeamRunOutputEvent,
    ToolCallCompletedEvent,
    ToolCallStartedEvent,
)
from agno_core.team._modes import TeamMode
from agno_core.team._session import TeamSession
from agno_core.team._team import Team

__all__ = [
    "FollowupsCompletedEvent",
    "FollowupsStartedEvent",
    "MemoryUpdateCompletedEvent",
    "MemoryUpdateStartedEvent",
    "RunCancelledEvent",
    "RunCompletedEvent",
    "RunContentEvent",
    "RunErrorEvent",
    "RunStartedEvent",
    "Team",
    "TeamMode",
    "TeamRunEvent",
    "TeamRunOutput",
    "TeamRunOutputEvent",
    "TeamSession",
    "ToolCallCompletedEvent",
    "ToolCallStartedEvent",
]
