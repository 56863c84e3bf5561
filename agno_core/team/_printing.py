"""``Team.print_response(show_member_responses=True)``: the members' answers, then the team's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core._session_api import drop_display_options, print_answer, writer
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


def _print_run(run: RunOutput, markdown: bool, console: Any) -> None:
    write = writer(console)
    write(_heading(run) + "\n")
    body = _body(run)
    print_answer(body, markdown=markdown and run.status is RunStatus.completed, console=console)


def _print_members(run: RunOutput, markdown: bool, console: Any) -> None:
    """Each member run (nested teams' members first, then the nested team), in run order."""
    for member in getattr(run, "member_responses", ()):
        _print_members(member, markdown, console)
        _print_run(member, markdown, console)


async def print_team_response(
    team: Team,
    input: Any,
    *,
    stream: bool,
    show_message: bool = True,
    markdown: bool = False,
    console: Any = None,
    **kwargs: Any,
) -> None:
    """Print the user's message (``show_message``), the members' answers under their names,
    then the team's answer, to ``console`` (a ``rich`` console) or stdout.

    Streaming, a member's answer is printed when its run completes (from its completion event)
    and the team's answer as it arrives. With ``markdown``, finished answers are rendered as
    markdown (with ``rich`` when installed); a streamed answer is written as it comes.
    """
    drop_display_options(kwargs)
    write = writer(console)
    if show_message and isinstance(input, str):
        write(f"Message: {input}\n")
    if not stream:
        output = await team.arun(input, **kwargs)
        _print_members(output, markdown, console)
        _print_run(output, markdown, console)
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
                _print_run(run, markdown, console)
            continue
        if event.event in _COMPLETED and run is not None:
            # Members whose events were not streamed (stream_member_events=False).
            unseen = [m for m in getattr(run, "member_responses", ()) if m.run_id not in shown]
            if unseen:
                write("\n")
            for member in unseen:
                _print_run(member, markdown, console)
            continue
        if event.event in _CONTENT and event.content is not None:
            if not started:
                write(f"--- {team.name or team.id} ---\n")
                started = True
            write(event.content if isinstance(event.content, str) else str(event.content))
    write("\n")
