"""Sessions: their ``session_data`` (state, name, summary), renaming and deleting them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update

from agno_core._sync import run_sync
from agno_core.db._base import chunks
from agno_core.db._compiled import param
from agno_core.db._session_records import Session, SessionType, as_session_type
from agno_core.db._session_upserts import SessionUpserts

__all__ = ["SessionStore"]


class SessionStore(SessionUpserts):
    """Sessions: their ``session_data``, renaming and deleting them (and reading and upserting
    them: see `SessionReads`, `SessionUpserts`). Part of `SqlDb`."""

    async def adelete_session(self, session_id: str, user_id: str | None = None) -> bool:
        """Delete a session and all its runs (member runs included), as Agno's
        ``db.delete_session``.

        Args:
            session_id: The session.
            user_id: Only if the session belongs to this user (its runs are then left alone
                otherwise).

        Returns:
            True if the session existed (and belonged to ``user_id``) and was deleted.
        """
        return await self._delete_sessions([session_id], user_id) > 0

    async def adelete_sessions(
        self, session_ids: Sequence[str], user_id: str | None = None
    ) -> None:
        """Delete sessions and all their runs, in one transaction, as Agno's
        ``db.delete_sessions``; with ``user_id``, only that user's sessions."""
        await self._delete_sessions(session_ids, user_id)

    async def _delete_sessions(self, session_ids: Sequence[str], user_id: str | None) -> int:
        """Delete the sessions and their runs; how many sessions were deleted.

        Without ``user_id`` the runs of every given id go, also those of a session whose row
        is already gone (no orphan runs stay behind); with it, only the runs of the sessions
        that user owned.
        """
        engine = await self._engine()
        sessions, runs = self.tables.sessions, self.tables.runs
        deleted: list[str] = []
        async with engine.begin() as conn:
            for ids in chunks(session_ids):
                stmt = delete(sessions).where(sessions.c.session_id.in_(ids))
                if user_id is not None:
                    stmt = stmt.where(sessions.c.user_id == user_id)
                gone = [r[0] for r in await conn.execute(stmt.returning(sessions.c.session_id))]
                owned = ids if user_id is None else gone
                if owned:
                    await conn.execute(delete(runs).where(runs.c.session_id.in_(owned)))
                deleted += gone
        for session_id in session_ids if user_id is None else deleted:
            # A later run in the session writes its row again (see `RunStore.ainsert_run`).
            self._known_sessions.pop(session_id, None)
        return len(deleted)

    async def arename_session(
        self,
        session_id: str,
        session_type: SessionType | str | None,
        session_name: str,
        user_id: str | None = None,
        deserialize: bool = True,
    ) -> Session | dict[str, Any] | None:
        """Name a session (its ``session_data["session_name"]``, what ``get_session_name``
        reads), as Agno's ``db.rename_session``; its ``updated_at`` becomes now.

        Args:
            session_id: The session.
            session_type: Only a session of this kind (None: any), and the kind to return it
                as (see `aget_session`).
            session_name: The new name.
            user_id: Only if the session belongs to this user.
            deserialize: Return a session object (True) or Agno's session dict.

        Returns:
            The renamed session, or None when there is no such session (of that kind and user).
        """
        kind = as_session_type(session_type)
        if not await self._update_session_data(
            session_id, {"session_name": session_name}, user_id=user_id, kind=kind
        ):
            return None
        return await self.aget_session(session_id, kind, user_id, deserialize)

    async def aget_session_data(self, session_id: str) -> dict[str, Any] | None:
        """The session's stored ``session_data`` (state, name, summary); None when the
        session does not exist."""
        # Every run of a known session reads its state: one round trip on the hot path.
        hot = await self._hot()
        statement = self._statement(hot, "session_data", self._build_session_data)
        rows = await hot.fetch(statement.bind({"p_session_id": session_id}))
        if not rows:
            return None
        data = rows[0][0]
        return dict(data) if isinstance(data, dict) else {}

    def _build_session_data(self) -> Any:
        table = self.tables.sessions
        return select(table.c.session_data).where(table.c.session_id == param("session_id"))

    async def aupdate_session_data(self, session_id: str, **values: Any) -> bool:
        """Set keys of a session's ``session_data`` (read and written in one transaction, so
        keys set by others are kept) and make its ``updated_at`` now; False when the session
        does not exist."""
        return await self._update_session_data(session_id, values)

    async def _update_session_data(
        self,
        session_id: str,
        values: dict[str, Any],
        *,
        user_id: str | None = None,
        kind: SessionType | None = None,
    ) -> bool:
        """Set keys of the session's ``session_data`` (of that user and kind, when given);
        False when there is no such session."""
        engine = await self._engine()
        table = self.tables.sessions
        where = [table.c.session_id == session_id]
        if user_id is not None:
            where.append(table.c.user_id == user_id)
        if kind is not None:
            where.append(table.c.session_type == kind.value)
        async with engine.begin() as conn:
            # FOR UPDATE (PostgreSQL; SQLite's writers take turns anyway): two writers of
            # different keys do not lose each other's.
            read = select(table.c.session_data).where(*where).with_for_update()
            row = (await conn.execute(read)).first()
            if row is None:
                return False
            data = dict(row[0]) if isinstance(row[0], dict) else {}
            data.update(values)
            await conn.execute(
                update(table)
                .where(table.c.session_id == session_id)
                .values(session_data=data, updated_at=time.time())
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

    # -- sync twins (coroutines on the Async* dbs, as in Agno) ---------------------------------
    def delete_session(self, session_id: str, user_id: str | None = None) -> Any:
        """`adelete_session`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.adelete_session(session_id, user_id))

    def delete_sessions(self, session_ids: Sequence[str], user_id: str | None = None) -> Any:
        """`adelete_sessions`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(self.adelete_sessions(session_ids, user_id))

    def rename_session(
        self,
        session_id: str,
        session_type: SessionType | str | None,
        session_name: str,
        user_id: str | None = None,
        deserialize: bool = True,
    ) -> Any:
        """`arename_session`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(
            self.arename_session(session_id, session_type, session_name, user_id, deserialize)
        )
