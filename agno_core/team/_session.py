"""A team's stored session, as Agno's ``team.get_session()`` returns it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agno_core.db.base import SessionType
from agno_core.run._output import TeamRunOutput
from agno_core.session import TeamSession

if TYPE_CHECKING:
    from agno_core.team._view import TeamView as Team

__all__ = ["TeamSession", "load_team_session"]


async def load_team_session(team: Team, session_id: str) -> TeamSession | None:
    """The stored session ``session_id`` of ``team`` (None: no db, or nothing stored), read as
    ``db.get_session(session_id, SessionType.TEAM)`` reads it.

    Member runs are always stored (each its own run); as in Agno, a team run's
    ``member_responses`` carry them only when the team has ``store_member_responses=True``.
    """
    db = team.db
    if db is None:
        return None
    session = await db.aget_session(session_id, SessionType.TEAM)
    if not isinstance(session, TeamSession) or not session.runs:
        return None
    session.team_id = session.team_id or team.id
    if not team.store_member_responses:
        for run in session.runs:
            if isinstance(run, TeamRunOutput):
                run.member_responses = []
    return session
