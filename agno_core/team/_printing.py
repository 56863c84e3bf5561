"""``Team.print_response(show_member_responses=True)``: the members' answers, then the team's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core.exceptions import NotSupportedError
from agno_core.run.base import RunStatus

if TYPE_CHECKING:
    from agno_core.run._output import RunOutput
    from agno_core.team._view import TeamView as Team

__all__ = ["print_team_response"]

_COMPLETED = ("RunCompleted", "TeamRunCompleted")
_CONTENT = ("RunContent", "TeamRunContent")


def _heading(run: RunOutput) -> str:
    name = getattr(run, "team_name", None) if run.is_team else run.agent_name
    return f"--- {name or run.agent_id or run.team_id} ---"


def _body(run: RunOutput) -> str:
    if run.status is RunStatus.completed:
        return run.get_content_as_string()
    return f"[{run.status.value}] {run.error or ''}".rstrip()


def _print_members(run: RunOutput) -> None:
    """Each member run (nested teams' members first, then the nested team), in run order."""
    for member in getattr(run, "member_responses", ()):
        _print_members(member)
        print(_heading(member))
        print(_body(member))


async def print_team_response(
    team: Team,
    input: Any,
    *,
    stream: bool,
    show_message: bool = True,
    plain: bool = True,
    **kwargs: Any,
) -> None:
    """Print the user's message (``show_message``), the members' answers under their names,
    then the team's answer, as plain text on stdout.

    Streaming, a member's answer is printed when its run completes (from its completion event)
    and the team's answer as it arrives.

    Raises:
        NotSupportedError: not ``plain`` (a rich console or markdown rendering was asked for).
    """
    if not plain:
        raise NotSupportedError(
            "Team.print_response(show_member_responses=True) prints plain text: console= "
            "and markdown=True are not supported with it"
        )
    if show_message and isinstance(input, str):
        print(f"Message: {input}")
    if not stream:
        output = await team.arun(input, **kwargs)
        _print_members(output)
        print(_heading(output))
        print(_body(output))
        return
    started = False
    shown: set[str] = set()
    # The members' answers are printed from their completion events, part of the event stream.
    kwargs.pop("stream_events", None)
    async for event in team.arun(input, stream=True, stream_events=True, **kwargs):
        run = getattr(event, "run_output", None)
        if event.parent_run_id is not None:
            if event.event in _COMPLETED and run is not None:
                shown.add(run.run_id)
                print(_heading(run))
                print(_body(run))
            continue
        if event.event in _COMPLETED and run is not None:
            # Members whose events were not streamed (stream_member_events=False).
            unseen = [m for m in getattr(run, "member_responses", ()) if m.run_id not in shown]
            if unseen:
                print()
            for member in unseen:
                print(_heading(member))
                print(_body(member))
            continue
        if event.event in _CONTENT:
            if not started:
                print(f"--- {team.name or team.id} ---")
                started = True
            print(event.content, end="", flush=True)
    print()
