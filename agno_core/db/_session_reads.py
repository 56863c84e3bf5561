"""Reading stored sessions with their runs, as Agno's ``db.get_session`` / ``db.get_sessions``.

A session is its row of the sessions table plus its rows of the runs table (DESIGN 3.4); its
``updated_at`` is the later of its last run's (a session row is not rewritten per run) and the
row's own ``updated_at`` (a rename, new state or upsert), or its creation time before either.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal, overload

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from agno_core._sync import run_sync
from agno_core.db._base import DbBase, chunks
from agno_core.db._runs import run_dict
from agno_core.db._session_records import (
    Session,
    SessionType,
    as_session_type,
    deserialize_session,
    session_record,
)
from agno_core.session._messages import HISTORY_SKIP_STATUSES

__all__ = ["SessionReads"]

log = logging.getLogger("agno_core")

# Runs left out of a session's history, so of ``runs_limit``.
_HISTORY_SKIP = tuple(status.value for status in HISTORY_SKIP_STATUSES)


class SessionReads(DbBase):
    """`aget_session` and `aget_sessions` (and their sync twins). Part of `SqlDb`."""

    def _updated_at(self) -> Any:
        """A session's last change: the later of its last run's ``updated_at`` and its row's
        own (either else its ``created_at``)."""
        sessions, runs = self.tables.sessions, self.tables.runs
        last_run = (
            select(func.max(runs.c.updated_at))
            .where(runs.c.session_id == sessions.c.session_id)
            .scalar_subquery()
        )
        by_runs = func.coalesce(last_run, sessions.c.created_at)
        # CASE, not GREATEST/MAX(a, b): portable, and a NULL row time leaves the runs' time.
        own = sessions.c.updated_at
        return case((own > by_runs, own), else_=by_runs)

    def _session_rows(self) -> Any:
        sessions = self.tables.sessions
        columns = [c for c in sessions.c if c.name != "updated_at"]
        return select(*columns, self._updated_at().label("updated_at"))

    async def _runs_of(
        self, conn: AsyncConnection, session_ids: Sequence[str], limit: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """The run dicts of each session, oldest first: all of them (member runs included),
        or with ``limit`` only the latest top-level runs that count as history."""
        runs = self.tables.runs
        columns = (runs.c.session_id, runs.c.status, runs.c.error, runs.c.data)
        found: dict[str, list[dict[str, Any]]] = {sid: [] for sid in session_ids}
        for ids in chunks(session_ids):
            stmt = select(*columns).where(runs.c.session_id.in_(ids))
            if limit is not None:
                stmt = (
                    stmt.where(runs.c.parent_run_id.is_(None))
                    .where(runs.c.status.not_in(_HISTORY_SKIP))
                    .order_by(runs.c.created_at.desc(), runs.c.run_id.desc())
                    .limit(limit)
                )
            else:
                stmt = stmt.order_by(runs.c.created_at, runs.c.run_id)
            rows = (await conn.execute(stmt)).all()
            for row in reversed(rows) if limit is not None else rows:
                found[row.session_id].append(run_dict(row))
        return found

    @overload
    async def aget_session(
        self,
        session_id: str,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        deserialize: Literal[True] = True,
        runs_limit: int | None = None,
    ) -> Session | None: ...

    @overload
    async def aget_session(
        self,
        session_id: str,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        *,
        deserialize: Literal[False],
        runs_limit: int | None = None,
    ) -> dict[str, Any] | None: ...

    @overload
    async def aget_session(
        self,
        session_id: str,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        deserialize: bool = True,
        runs_limit: int | None = None,
    ) -> Session | dict[str, Any] | None: ...

    async def aget_session(
        self,
        session_id: str,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        deserialize: bool = True,
        runs_limit: int | None = None,
    ) -> Session | dict[str, Any] | None:
        """A stored session with its runs, as Agno's ``db.get_session``.

        Args:
            session_id: The session.
            session_type: The kind to read it as (`SessionType` or ``"agent"``/``"team"``);
                default: the kind it was stored as. Not a filter, as in Agno.
            user_id: Only if the session belongs to this user.
            deserialize: An ``AgentSession``/``TeamSession`` (True) or Agno's session dict
                (False: its columns, ``runs`` as run dicts, member runs included).
            runs_limit: Only the latest ``runs_limit`` top-level runs that count as history
                (not paused, cancelled or error), as in Agno.

        Returns:
            The session, or None when there is no such session (of this user).

        Raises:
            NotSupportedError: ``session_type=SessionType.WORKFLOW`` with ``deserialize``.
        """
        kind = as_session_type(session_type)
        sessions = self.tables.sessions
        stmt = self._session_rows().where(sessions.c.session_id == session_id)
        if user_id is not None:
            stmt = stmt.where(sessions.c.user_id == user_id)
        engine = await self._engine()
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
            if row is None:
                return None
            runs = (await self._runs_of(conn, [session_id], runs_limit))[session_id]
        record = session_record(row, runs)
        return deserialize_session(kind, record) if deserialize else record

    @overload
    async def aget_sessions(
        self,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        component_id: str | None = None,
        session_name: str | None = None,
        start_timestamp: float | None = None,
        end_timestamp: float | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: Literal[True] = True,
        include_runs: bool = True,
        *,
        exclude: str | None = None,
    ) -> list[Session]: ...

    @overload
    async def aget_sessions(
        self,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        component_id: str | None = None,
        session_name: str | None = None,
        start_timestamp: float | None = None,
        end_timestamp: float | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        *,
        deserialize: Literal[False],
        include_runs: bool = True,
        exclude: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]: ...

    @overload
    async def aget_sessions(
        self,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        component_id: str | None = None,
        session_name: str | None = None,
        start_timestamp: float | None = None,
        end_timestamp: float | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
        include_runs: bool = True,
        *,
        exclude: str | None = None,
    ) -> list[Session] | tuple[list[dict[str, Any]], int]: ...

    async def aget_sessions(
        self,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        component_id: str | None = None,
        session_name: str | None = None,
        start_timestamp: float | None = None,
        end_timestamp: float | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
        include_runs: bool = True,
        *,
        exclude: str | None = None,
    ) -> list[Session] | tuple[list[dict[str, Any]], int]:
        """Stored sessions, filtered, sorted and paged, as Agno's ``db.get_sessions``.

        Args:
            session_type: Only sessions of this kind (each is read as its own kind).
            user_id: Only this user's sessions.
            component_id: Only the sessions of this agent (``agent_id``) or team
                (``team_id``), whichever ``session_type`` says (either without it).
            session_name: Only sessions whose name contains this (ignoring case).
            start_timestamp, end_timestamp: Only sessions created in this range (Unix
                seconds, both ends included).
            limit: At most this many sessions.
            page: With ``limit``, the page to return (from 1).
            sort_by: ``created_at`` (default), ``updated_at``, ``session_id``, ``user_id``,
                ``agent_id``, ``team_id`` or ``session_type``; another name sorts by the
                default (Agno ignores it too).
            sort_order: ``"asc"``, or anything else for descending (default: newest first).
            deserialize: Session objects (True), or ``(session dicts, total count)`` (False:
                the count of every matching session, not only of this page).
            include_runs: Attach each session's runs (False: ``runs`` is left empty).
            exclude: Leave out this session (agno_core's own option).

        Raises:
            ValueError: ``page`` without ``limit``, or a ``page`` below 1.
        """
        if page is not None and limit is None:
            raise ValueError("page was given without limit: pass both to paginate, or neither")
        if page is not None and page < 1:
            raise ValueError(f"page must be 1 or more (pages count from 1), not {page}")
        kind = as_session_type(session_type)
        sessions = self.tables.sessions
        where = self._session_filters(kind, user_id, component_id, session_name, exclude)
        if start_timestamp is not None:
            where.append(sessions.c.created_at >= start_timestamp)
        if end_timestamp is not None:
            where.append(sessions.c.created_at <= end_timestamp)
        stmt = self._session_rows().where(*where).order_by(*self._order(sort_by, sort_order))
        if limit is not None:
            stmt = stmt.limit(limit).offset((page - 1) * limit if page else 0)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
            total = len(rows)
            if not deserialize and limit is not None:
                count = select(func.count()).select_from(sessions).where(*where)
                total = int((await conn.execute(count)).scalar_one())
            ids = [row.session_id for row in rows]
            runs = await self._runs_of(conn, ids) if include_runs else {}
        records = [session_record(row, runs.get(row.session_id)) for row in rows]
        if not deserialize:
            return records, total
        return [deserialize_session(kind, record) for record in records]

    def _session_filters(
        self,
        kind: SessionType | None,
        user_id: str | None,
        component_id: str | None,
        session_name: str | None,
        exclude: str | None,
    ) -> list[Any]:
        sessions = self.tables.sessions
        where: list[Any] = []
        if kind is not None:
            where.append(sessions.c.session_type == kind.value)
        if user_id is not None:
            where.append(sessions.c.user_id == user_id)
        if component_id is not None:
            owners = {
                SessionType.AGENT: [sessions.c.agent_id],
                SessionType.TEAM: [sessions.c.team_id],
                SessionType.WORKFLOW: [],  # no workflows here
                None: [sessions.c.agent_id, sessions.c.team_id],
            }[kind]
            where.append(or_(*(c == component_id for c in owners)) if owners else false())
        if session_name is not None:
            name = func.lower(sessions.c.session_data["session_name"].as_string())
            where.append(name.contains(session_name.lower(), autoescape=True))
        if exclude is not None:
            where.append(sessions.c.session_id != exclude)
        return where

    def _order(self, sort_by: str | None, sort_order: str | None) -> list[Any]:
        sessions = self.tables.sessions
        columns = {
            "updated_at": self._updated_at(),
            **{name: sessions.c[name] for name in _SORTABLE},
        }
        column = columns.get(sort_by or "created_at")
        if column is None:
            log.debug("get_sessions: no field %r to sort by: sorting by created_at", sort_by)
            column = sessions.c.created_at
        if sort_order == "asc":
            return [column.asc(), sessions.c.session_id.asc()]
        return [column.desc(), sessions.c.session_id.desc()]

    # -- sync twins (coroutines on the Async* dbs, as in Agno) ---------------------------------
    def get_session(
        self,
        session_id: str,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        deserialize: bool = True,
        runs_limit: int | None = None,
    ) -> Any:
        """`aget_session`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(
            self.aget_session(session_id, session_type, user_id, deserialize, runs_limit)
        )

    def get_sessions(
        self,
        session_type: SessionType | str | None = None,
        user_id: str | None = None,
        component_id: str | None = None,
        session_name: str | None = None,
        start_timestamp: float | None = None,
        end_timestamp: float | None = None,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        deserialize: bool = True,
        include_runs: bool = True,
    ) -> Any:
        """`aget_sessions`, synchronously (a coroutine on the Async* dbs, as in Agno)."""
        return run_sync(
            self.aget_sessions(
                session_type,
                user_id,
                component_id,
                session_name,
                start_timestamp,
                end_timestamp,
                limit,
                page,
                sort_by,
                sort_order,
                deserialize,
                include_runs,
            )
        )


# The sessions table's own columns that `aget_sessions` sorts by.
_SORTABLE = ("created_at", "session_id", "user_id", "agent_id", "team_id", "session_type")
