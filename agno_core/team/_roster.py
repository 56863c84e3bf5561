"""What the leader is told about its members: the roster, the mode's rules, member lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agno_core._runner import RunnerBase
from agno_core.team._modes import TeamMode

if TYPE_CHECKING:
    from agno_core.team._view import TeamView as Team

__all__ = ["checked_members", "find_member", "members_text", "team_block"]

DELEGATE_ONE = "delegate_task_to_member"
DELEGATE_ALL = "delegate_task_to_members"
MEMBER_INFO = "get_member_information"


def _tool_names(member: RunnerBase) -> list[str]:
    try:
        return list(member._functions())
    except Exception:  # a toolkit that cannot list its tools must not break the prompt
        return []


def members_text(team: Team, indent: int = 0) -> str:
    """The roster: one ``<member>`` element per member, nested teams with their own members.

    Only direct members show an ``id`` (the value to delegate with); the members of a nested
    team are listed for context, since work reaches them through that team's own leader.
    """
    pad = " " * indent
    lines: list[str] = []
    for member in team.members:
        nested = member.kind == "team"
        kind = ' type="team"' if nested else ""
        ident = f'id="{member.id}" ' if indent == 0 else ""
        lines.append(f'{pad}<member {ident}name="{member.name or member.id}"{kind}>')
        if member.role:
            lines.append(f"{pad}  Role: {member.role}")
        if member.description:
            lines.append(f"{pad}  Description: {member.description}")
        if nested:
            inner = members_text(member, indent + 2)  # type: ignore[arg-type]
            if inner:
                lines.append(inner.rstrip("\n"))
        elif team.add_member_tools_to_context:
            names = _tool_names(member)
            if names:
                lines.append(f"{pad}  Tools: {', '.join(names)}")
        lines.append(f"{pad}</member>")
    return "\n".join(lines) + "\n" if lines else ""


def _mode_rules(team: Team) -> str:
    if team.mode is TeamMode.tasks:
        rules = [
            "Tasks mode: plan the work as a task list, have members execute it, then answer.",
            "`create_task` with the assignee whose role fits; set `depends_on` only when a "
            "task needs another's result.",
            "Run a task with `execute_task`, or independent pending tasks at once with "
            "`execute_tasks_parallel`; `list_tasks` shows the list.",
            "Record work you did yourself with `update_task_status`, context for later tasks "
            "with `add_task_note`.",
            "When the goal is met (or out of reach), write your answer and call "
            "`mark_all_complete` in the same turn; a request that needs no task can be "
            "answered at once.",
        ]
        return "<delegation>\n" + "\n".join(f"- {r}" for r in rules) + "\n</delegation>\n"
    if team.mode is TeamMode.route:
        rules = [
            f"Route mode: give the request to exactly one member with `{DELEGATE_ONE}`. That "
            "member's answer goes to the user unchanged and ends the run.",
            "Choose the member whose role fits best; pass the request whole, with any "
            "requirement on format or length written into the task.",
            "Write nothing yourself in the turn you delegate.",
        ]
    elif team.mode is TeamMode.broadcast:
        rules = [
            f"Broadcast mode: call `{DELEGATE_ALL}` once; it gives the same task to every "
            "member. Then answer from all their results.",
            "Write a task every member can answer from its own angle.",
            "Merge agreeing findings, reconcile conflicting ones, and say when a member "
            "failed or returned nothing.",
        ]
    else:
        rules = [
            f"Coordinate mode: give sub-tasks to members with `{DELEGATE_ONE}`, then write the "
            "answer yourself from their results.",
            "Match each sub-task to the member whose role fits it; independent sub-tasks can "
            "be delegated in the same turn.",
            "Treat members' results as evidence: say when one failed, and never invent what "
            "a member did not report.",
        ]
    if not team.determine_input_for_members:
        rules.append(
            "Each member receives the user's message itself, not your task text: keep the "
            "task to a short label."
        )
    elif team.add_team_history_to_members or team.share_member_interactions:
        rules.append(
            "Members see your task plus the shared team context, not this conversation: "
            "include every detail the task depends on."
        )
    else:
        rules.append(
            "Members do not see this conversation: include every detail the task depends on."
        )
    if team.mode is not TeamMode.broadcast:
        rules.append("Use member ids exactly as listed.")
    return "<delegation>\n" + "\n".join(f"- {rule}" for rule in rules) + "\n</delegation>\n"


def team_block(team: Team) -> str:
    """The part of the leader's system message that describes the team and how to use it."""
    text = (
        "<team>\nYou lead a team of members, listed below, to fulfil the user's request. "
        "Delegate when a member's role or tools are needed; answer yourself when they are not."
        "\n<team_members>\n" + members_text(team) + "</team_members>\n"
    )
    if team.get_member_information_tool and team.mode is not TeamMode.tasks:
        text += f"Call `{MEMBER_INFO}` to read this list again at any time.\n"
    return text + _mode_rules(team) + "</team>"


def find_member(team: Team, member_id: str) -> RunnerBase | None:
    """The member with this id (or name), searching nested teams too; None if there is none."""
    wanted = member_id.strip().lower()
    for member in team.members:
        if member.id.lower() == wanted or (member.name or "").lower() == wanted:
            return member
    for member in team.members:
        if member.kind == "team":
            found = find_member(member, member_id)  # type: ignore[arg-type]
            if found is not None:
                return found
    return None


def checked_members(members: Sequence[RunnerBase]) -> list[RunnerBase]:
    """The members as a list; two members with one id could never both be delegated to."""
    checked = list(members)
    seen: set[str] = set()
    for member in checked:
        if not isinstance(member, RunnerBase):
            raise TypeError(
                f"a team's members must be Agents or Teams, not {type(member).__name__}"
            )
        key = member.id.lower()
        if key in seen:
            raise ValueError(
                f"two members of the team have the id {member.id!r}: give them distinct "
                "names or ids, so the leader can tell them apart"
            )
        seen.add(key)
    return checked
