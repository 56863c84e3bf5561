"""How a team's leader works with its members: `TeamMode`, and the mode a team's flags mean."""

from __future__ import annotations

import logging
from enum import Enum

__all__ = ["TeamMode", "resolve_mode"]

log = logging.getLogger("agno_core")


class TeamMode(str, Enum):
    """How the leader works with the members (Agno's names and values).

    Attributes:
        coordinate: The default. The leader picks members, writes a task for each through the
            ``delegate_task_to_member`` tool, and writes the answer from their results.
        route: The leader hands the request to one member, whose answer is the team's answer
            (the run ends with it; the same as ``respond_directly=True``).
        broadcast: One ``delegate_task_to_members`` call gives the same task to every member
            (run concurrently); the leader answers from all their results (the same as
            ``delegate_to_all_members=True``).
        tasks: The leader plans a task list with task tools (``create_task``,
            ``execute_task``, ``execute_tasks_parallel``, ...) and members execute the tasks;
            the run loops until the goal is marked complete or every task is done, for at most
            ``max_iterations`` turns.
    """

    coordinate = "coordinate"
    route = "route"
    broadcast = "broadcast"
    tasks = "tasks"


def resolve_mode(
    mode: TeamMode | str | None, respond_directly: bool, delegate_to_all_members: bool
) -> tuple[TeamMode, bool, bool]:
    """The mode and the two flags that follow from what the user passed.

    An explicit ``mode`` wins and sets the flags; without one, the flags choose the mode. Both
    flags at once mean broadcast (a direct answer cannot come from every member), with a warning.

    Returns:
        ``(mode, respond_directly, delegate_to_all_members)``.

    Raises:
        ValueError: ``mode`` is not a `TeamMode` value.
    """
    if mode is not None:
        try:
            chosen = TeamMode(mode)
        except ValueError:
            known = ", ".join(m.value for m in TeamMode)
            raise ValueError(f"unknown team mode {mode!r}: use one of {known}") from None
        return chosen, chosen is TeamMode.route, chosen is TeamMode.broadcast
    if respond_directly and delegate_to_all_members:
        log.warning(
            "respond_directly and delegate_to_all_members are both set: every member gets the "
            "task and the leader answers (broadcast mode); respond_directly is turned off"
        )
        return TeamMode.broadcast, False, True
    if respond_directly:
        return TeamMode.route, True, False
    if delegate_to_all_members:
        return TeamMode.broadcast, False, True
    return TeamMode.coordinate, False, False
