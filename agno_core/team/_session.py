"""A team's stored session, as Agno's ``team.get_session()`` returns it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agno_core.db.base import SessionType
from agno_core.session import TeamSession

if TYPE_CHECKING:
    from agno_core.team._view import TeamView as Team

__all__ = ["TeamSession", "load_team_session"]


async def load_team_session(team: Team, session_id: str) -> TeamSession | None:
    """The stored session ``session_id`` of ``team`` (None: no db, or nothing stored), read as
    ``db.get_session(session_id, SessionType.TEAM)`` reads it."""
    db = team.db
    if db is None:
        return None
    session = await db.aget_session(session_id, SessionType.TEAM)
    if not isinstance(session, TeamSession) or not session.runs:
        return None
    session.team_id = session.team_id or team.id
    return session
