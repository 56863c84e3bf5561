"""Listing a user's sessions (for ``search_past_sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update

from agno_core.db._base import DbBase

__all__ = ["SessionInfo", "SessionStore"]


@dataclass(kw_only=True, frozen=True, slots=True)
class SessionInfo:
    """A stored session: its id, kind, owner and creation time."""

    session_id: str
    session_type: str
    user_id: str | None
    agent_id: str | None
    team_id: str | None
    created_at: float


class SessionStore(DbBase):
    """Sessions: listing them, and their ``session_data`` (state, name, summary)."""

    async def adelete_session(self, session_id: str) -> bool:
        """Delete a session and all its runs; True if the session existed."""
        engine = await self._engine()
        sessions, runs = self.tables.sessions, self.tables.runs
        async with engine.begin() as conn:
            await conn.execute(delete(runs).where(runs.c.session_id == session_id))
            deleted = await conn.execute(
                delete(sessions).where(sessions.c.session_id == session_id)
            )
        self._known_sessions.pop(session_id, None)
        return bool(deleted.rowcount)

    async def aget_session_data(self, session_id: str) -> dict[str, Any] | None:
        """The session's stored ``session_data`` (state, name, summary); None when the
        session does not exist."""
        engine = await self._engine()
        table = self.tables.sessions
        stmt = select(table.c.session_data).where(table.c.session_id == session_id)
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return dict(row[0]) if isinstance(row[0], dict) else {}

    async def aupdate_session_data(self, session_id: str, **values: Any) -> bool:
        """Set keys of a session's ``session_data`` (read and written in one transaction, so
        keys set by others are kept); False when the session does not exist."""
        engine = await self._engine()
        table = self.tables.sessions
        async with engine.begin() as conn:
            row = (
                await conn.execute(
                    select(table.c.session_data).where(table.c.session_id == session_id)
                )
            ).first()
            if row is None:
                return False
            data = dict(row[0]) if isinstance(row[0], dict) else {}
            data.update(values)
            await conn.execute(
                update(table).where(table.c.session_id == session_id).values(session_data=data)
            )
        return True

    async def aget_session_state(self, session_id: str) -> dict[str, Any] | None:
        """The stored session state; None when the session does not exist."""
        data = await self.aget_session_data(session_id)
        if data is None:
            return None
        state = data.get("session_state")
        return dict(state) if isinstance(state, dict) else {}

    async def aset_session_state(self, session_id: str, state: dict[str, Any]) -> bool:
        """Store a session's state; False when the session does not exist."""
        return await self.aupdate_session_data(session_id, session_state=state)

    async def aget_sessions(
        self,
        *,
        session_type: str | None = None,
        user_id: str | None = None,
        limit: int | None = None,
        exclude: str | None = None,
    ) -> list[SessionInfo]:
        """Sessions of a kind (``"agent"``/``"team"``) and user, newest first."""
        engine = await self._engine()
        table = self.tables.sessions
        stmt = select(
            table.c.session_id,
            table.c.session_type,
            table.c.user_id,
            table.c.agent_id,
            table.c.team_id,
            table.c.created_at,
        ).order_by(table.c.created_at.desc(), table.c.session_id.desc())
        if session_type is not None:
            stmt = stmt.where(table.c.session_type == session_type)
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        if exclude is not None:
            stmt = stmt.where(table.c.session_id != exclude)
        if limit is not None:
            stmt = stmt.limit(limit)
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [
            SessionInfo(
                session_id=r.session_id,
                session_type=r.session_type,
                user_id=r.user_id,
                agent_id=r.agent_id,
                team_id=r.team_id,
                created_at=float(r.created_at),
            )
            for r in rows
        ]
