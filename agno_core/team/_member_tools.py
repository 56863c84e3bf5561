"""The tools a leader gets for its members: delegate to one, delegate to all, member info."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core.run._tools import CONCURRENT_ATTR, EVENT_STREAM_ATTR
from agno_core.team._delegation import run_all_members, run_one_member
from agno_core.team._modes import TeamMode
from agno_core.team._roster import DELEGATE_ALL, DELEGATE_ONE, MEMBER_INFO, members_text
from agno_core.team._tasks import task_functions
from agno_core.tools import Function

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from agno_core.run._context import RunContext
    from agno_core.run._output import ToolExecution
    from agno_core.team._view import TeamView as Team

__all__ = ["member_functions"]


def _delegate_one(team: Team) -> Function:
    roster = "; ".join(
        m.id + (f" ({m.role})" if m.role else (f" ({m.name})" if m.name else ""))
        for m in team.members
    )

    def streamer(ctx: RunContext, execution: ToolExecution, **args: Any) -> AsyncIterator[Any]:
        return run_one_member(team, ctx, execution, **args)

    return Function(
        name=DELEGATE_ONE,
        description=(
            f"Give a task to one member of the team and get back its answer. Members: {roster}."
        ),
        parameters={
            "type": "object",
            "properties": {
                "member_id": {
                    "type": "string",
                    "enum": [m.id for m in team.members],
                    "description": "The id of the member to delegate to.",
                },
                "task": {
                    "type": "string",
                    "description": "The task, with all the context the member needs.",
                },
            },
            "required": ["member_id", "task"],
            "additionalProperties": False,
        },
        # Several delegations in one response run together under ``arun``, route mode too.
        entrypoint=_with_streamer(streamer, concurrent=True),
        # Route mode: the member's answer is the run's answer.
        stop_after_tool_call=team.respond_directly,
        show_result=team.respond_directly,
    )


def _delegate_all(team: Team) -> Function:
    def streamer(ctx: RunContext, execution: ToolExecution, **args: Any) -> AsyncIterator[Any]:
        return run_all_members(team, ctx, execution, **args)

    names = ", ".join(m.name or m.id for m in team.members)
    return Function(
        name=DELEGATE_ALL,
        description=(
            "Give the same task to every member of the team at once and get back all their "
            f"answers. One call reaches every member ({names}); do not call it once per member."
        ),
        parameters={
            "type": "object",
            "properties": {
                "task": {
                    "type": "string",
                    "description": "The task, with all the context the members need.",
                },
            },
            "required": ["task"],
            "additionalProperties": False,
        },
        entrypoint=_with_streamer(streamer),
    )


def _member_information(team: Team) -> Function:
    async def get_member_information() -> str:
        return members_text(team)

    return Function(
        name=MEMBER_INFO,
        description="Read the list of the team's members: their ids, names, roles.",
        parameters={"type": "object", "properties": {}, "additionalProperties": False},
        entrypoint=get_member_information,
    )


def _with_streamer(streamer: Any, *, concurrent: bool = False) -> Any:
    """An entrypoint the engine runs through ``streamer`` (an async generator of events);
    ``concurrent``: several calls of it in one model response run together."""

    def delegate(**_: Any) -> str:  # pragma: no cover - the engine calls the streamer instead
        raise RuntimeError("delegation runs through the run engine")

    setattr(delegate, EVENT_STREAM_ATTR, streamer)
    setattr(delegate, CONCURRENT_ATTR, concurrent)
    return delegate


def member_functions(team: Team) -> list[Function]:
    """The leader's member tools, for the team's current members and mode."""
    if team.mode is TeamMode.tasks:
        return task_functions()
    if not team.members:
        return []
    functions = [_delegate_all(team) if team.delegate_to_all_members else _delegate_one(team)]
    if team.get_member_information_tool:
        functions.append(_member_information(team))
    return functions
