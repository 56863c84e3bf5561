"""A team's stored session, as Agno's ``team.get_session()`` returns it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_core.run._output import TeamRunOutput

if TYPE_CHECKING:
    from agno_core.run._output import RunOutput
    from agno_core.team._view import TeamView as Team

__all__ = ["TeamSession", "load_team_session"]


@dataclass(kw_only=True)
class TeamSession:
    """One session of a team, read back from its db.

    Attributes:
        session_id: The session.
        team_id: The team whose session it is.
        user_id: The user of its first run.
        session_data: What is stored with the session: ``session_state`` when it has state,
            ``session_name`` once named.
        runs: The session's team runs, oldest first, each with its ``member_responses`` when
            the team stores them (``store_member_responses=True``).
        created_at, updated_at: Unix times of its first and last runs.
    """

    session_id: str
    team_id: str
    user_id: str | None = None
    session_data: dict[str, Any] = field(default_factory=dict)
    runs: list[RunOutput] = field(default_factory=list)
    created_at: float | None = None
    updated_at: float | None = None

    @property
    def session_state(self) -> dict[str, Any] | None:
        """The session's stored state (None: it has none)."""
        state = self.session_data.get("session_state")
        return state if isinstance(state, dict) else None


async def load_team_session(team: Team, session_id: str) -> TeamSession | None:
    """The stored session ``session_id`` of ``team`` (None: no db, or nothing stored)."""
    db = team.db
    if db is None:
        return None
    stored = await db.aget_session_runs(session_id, top_level_only=False)
    if not stored:
        return None
    children: dict[str, list[RunOutput]] = {}
    runs: list[RunOutput] = []
    for run in stored:
        if run.parent_run_id is None:
            runs.append(run)
        else:
            children.setdefault(run.parent_run_id, []).append(run)
    for run in runs:
        if isinstance(run, TeamRunOutput) and not run.member_responses:
            run.member_responses = children.get(run.run_id, [])
    data = await db.aget_session_data(session_id)
    first = runs[0] if runs else stored[0]
    return TeamSession(
        session_id=session_id,
        team_id=team.id,
        user_id=first.user_id,
        session_data=data or {},
        runs=runs,
        created_at=first.created_at,
        updated_at=max(r.finished_at or r.created_at for r in stored),
    )
