"""What the team's helper modules (delegation, roster, member tools, tasks, printing) use of a team.

`agno_core.team._team.Team` is the one implementation; naming this protocol instead of it keeps the
helpers below the class that wires them, so the team package has no import circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.db import SqlDb
    from agno_core.team._modes import TeamMode

__all__ = ["TeamView"]


class TeamView(Protocol):
    """The team attributes its helpers read (see `Team.__init__` for what each one means)."""

    id: str
    name: str | None
    db: SqlDb | None
    members: list[RunnerBase]
    mode: TeamMode
    respond_directly: bool
    delegate_to_all_members: bool
    determine_input_for_members: bool
    share_member_interactions: bool
    add_team_history_to_members: bool
    num_team_history_runs: int
    get_member_information_tool: bool
    add_member_tools_to_context: bool
    store_member_responses: bool
    stream_member_events: bool
    max_iterations: int

    def arun(self, input: Any, **kwargs: Any) -> Any:
        """The team's async run entry point (a coroutine, or an event stream when streaming)."""
        ...
