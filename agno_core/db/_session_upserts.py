"""Writing whole sessions, as Agno's ``db.upsert_session`` / ``db.upsert_sessions``.

An upsert writes the session's row (its owner, ``session_data``, Agno's ``metadata`` and
``agent_data``/``team_data``), never its runs: runs are rows of their own, written by the runs
that make them (DESIGN 3.4), as in Agno 3, whose upsert leaves its runs table alone too. A
session that belongs to another user is not overwritten (Agno's rule): it is left out of the
result.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from agno_core._sync import run_sync
from agno_core.db._base import chunks
from agno_core.db._session_reads import SessionReads
from agno_core.db._session_records import (
    SUMMARY_KEY,
    Session,
    SessionType,
    deserialize_session,
    session_record,
)
from agno_core.session import AgentSession, TeamSession
from agno_core.session.summary import SessionSummary

__all__ = ["SessionUpserts"]

# The columns an upsert of an existing session changes (not its kind, not its creation time).
_UPDATED = ("agent_id", "team_id", "user_id", "session_data", "extra", "updated_at")


class SessionUpserts(SessionReads):
    """`aupsert_session` and `aupsert_sessions` (and their sync twins). Part of `SqlDb`."""

    async def aupsert_session(
        self, session: Session, deserialize: bool = True
    ) -> Session | dict[str, Any] | None:
        """Store a session (insert it, or update the stored one), as Agno's
        ``db.upsert_session``.

        The row is written: user, agent or team, ``session_data`` (with an agent session's
        ``session_state`` and ``summary``), ``metadata`` and ``agent_data``/``team_data``; the
        session's ``updated_at`` becomes now. Its runs are not written (see the module).

        Args:
            session: An ``AgentSession`` or ``TeamSession``.
            deserialize: Return a session object (True) or Agno's session dict (False).

        Returns:
            The stored session (with the given session's runs attached, as in Agno), or None
            when a session of that id belongs to another user (it is left unchanged).

        Raises:
            TypeError: ``session`` is not an ``AgentSession`` or ``TeamSession``.
        """
        stored = await self._upsert_sessions([session], deserialize, preserve_updated_at=False)
        return stored[0] if stored else None

    async def aupsert_sessions(
        self,
        sessions: Sequence[Session],
        deserialize: bool = True,
        preserve_updated_at: bool = False,
    ) -> list[Session | dict[str, Any]]:
        """Store many sessions in one transaction, as Agno's ``db.upsert_sessions``.

        Args:
            sessions: ``AgentSession``/``TeamSession`` objects (a session id given twice: the
                last one is stored).
            deserialize: Session objects (True) or Agno's session dicts (False).
            preserve_updated_at: Keep each session's own ``updated_at`` (e.g. copying sessions
                from another db) instead of now; a session's later runs still count.

        Returns:
            The stored sessions, in the order given, without those of another user.

        Raises:
            TypeError: an element is not an ``AgentSession`` or ``TeamSession``.
        """
        return await self._upsert_sessions(sessions, deserialize, preserve_updated_at)

    async def _upsert_sessions(
        self, sessions: Sequence[Session], deserialize: bool, preserve_updated_at: bool
    ) -> list[Session | dict[str, Any]]:
        latest = {session.session_id: session for session in map(_checked, sessions)}
        if not latest:
            return []
        now = time.time()
        rows = [_row(session, now, preserve_updated_at) for session in latest.values()]
        table = self.tables.sessions
        stmt = self._insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["session_id"],
            set_={name: stmt.excluded[name] for name in _UPDATED},
            # Agno's rule: a session of another user is not taken over.
            where=(table.c.user_id == stmt.excluded.user_id) | table.c.user_id.is_(None),
        )
        found: dict[str, Any] = {}
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(stmt, rows)
            for ids in chunks(list(latest)):
                query = self._session_rows().where(table.c.session_id.in_(ids))
                found.update((row.session_id, row) for row in await conn.execute(query))
        results: list[Session | dict[str, Any]] = []
        for session_id, session in latest.items():
            row = found.get(session_id)
            if row is None or row.user_id != session.user_id:
                continue  # the conflict update was refused: another user's session
            record = session_record(row, [run.to_dict() for run in session.runs])
            if not deserialize:
                results.append(record)
                continue
            stored = deserialize_session(None, {**record, "runs": None})
            stored.runs = list(session.runs)  # the given runs, as Agno returns them
            results.append(stored)
        return results

    # -- sync twins (coroutines on the Async* dbs, as in Agno) ---------------------------------
    def upsert_session(self, session: Session, deserialize: bool = True) -> Any:
        """`aupsert_session`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aupsert_session(session, deserialize))

    def upsert_sessions(
        self,
        sessions: Sequence[Session],
        deserialize: bool = True,
        preserve_updated_at: bool = False,
    ) -> Any:
        """`aupsert_sessions`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.aupsert_sessions(sessions, deserialize, preserve_updated_at))


def _checked(session: Any) -> Session:
    if not isinstance(session, AgentSession | TeamSession):
        raise TypeError(
            f"upsert_session(s) stores AgentSession and TeamSession objects, not "
            f"{type(session).__name__} (agno_core has no workflow sessions)"
        )
    return session


def _row(session: Session, now: float, preserve_updated_at: bool) -> dict[str, Any]:
    """The sessions-table values of a session object."""
    data = dict(session.session_data or {})
    extra: dict[str, Any] = {"metadata": session.metadata}
    if isinstance(session, AgentSession):
        kind = SessionType.AGENT
        # The state field wins over ``session_data``'s copy unless it is empty (a session
        # made with only ``session_data``, as Agno's AgentSession is).
        if session.session_state or "session_state" not in data:
            data["session_state"] = session.session_state
        extra["agent_data"] = session.agent_data
    else:
        kind = SessionType.TEAM
        extra["team_data"] = session.team_data
    summary = session.summary
    if summary is not None:
        data[SUMMARY_KEY] = summary.to_dict() if isinstance(summary, SessionSummary) else summary
    updated = session.updated_at if preserve_updated_at and session.updated_at else now
    extra = {key: value for key, value in extra.items() if value is not None}
    return {
        "session_id": session.session_id,
        "session_type": kind.value,
        "agent_id": getattr(session, "agent_id", None),
        "team_id": session.team_id,
        "user_id": session.user_id,
        "created_at": session.created_at or now,
        "session_data": data,
        "extra": extra or None,
        "updated_at": updated,
    }
