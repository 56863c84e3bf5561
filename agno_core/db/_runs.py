"""Runs: one row each, forward-only status updates, leases, session metrics."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert, select, update

from agno_core.db._base import DbBase
from agno_core.db._compiled import param as _param
from agno_core.db._schema import LIVE_STATUSES, live
from agno_core.metrics import RunMetrics, SessionMetrics
from agno_core.run._output import RunOutput, agno_input, output_from_dict
from agno_core.run.base import RunStatus

__all__ = ["PROCESS_TOKEN", "RunStore", "run_dict"]

# Identifies this process as the holder of a run's lease.
PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

# Allowed previous statuses of each status; nothing may go back to PENDING.
_FORWARD: dict[RunStatus, tuple[RunStatus, ...]] = {
    RunStatus.pending: (),
    RunStatus.running: (RunStatus.pending, RunStatus.paused),
    RunStatus.paused: (RunStatus.running,),
    RunStatus.completed: (RunStatus.running,),
    RunStatus.error: (RunStatus.pending, RunStatus.running, RunStatus.paused),
    RunStatus.cancelled: (RunStatus.pending, RunStatus.running, RunStatus.paused),
}


def _leased(status: RunStatus) -> bool:
    """Whether a run in ``status`` holds a lease: a process is executing it. A paused run
    waits for a person (perhaps for days, to be continued from another process): no lease, so
    it never expires to ERROR."""
    return status in (RunStatus.pending, RunStatus.running)


_RUN_COLUMNS = (
    "run_id",
    "session_id",
    "parent_run_id",
    "kind",
    "agent_id",
    "team_id",
    "user_id",
    "status",
    "error",
    "created_at",
    "updated_at",
    "lease_owner",
    "lease_expires_at",
    "data",
)
_SESSION_COLUMNS = (
    "session_id",
    "session_type",
    "agent_id",
    "team_id",
    "user_id",
    "created_at",
    "session_data",
)


class _RunRow(NamedTuple):
    status: str
    error: str | None
    lease_expires_at: float | None
    data: dict[str, Any]


_LIVE = LIVE_STATUSES  # the partial index on (status, lease) has this very predicate


def run_dict(row: Any) -> dict[str, Any]:
    """A run's stored data with its row's status and error (the columns are the truth: a
    status change rewrites them, not always the data)."""
    data = dict(row.data)
    data["status"] = row.status
    data["error"] = row.error
    data["input"] = agno_input(data.get("input"))  # rows of earlier versions: the raw input
    return data


class RunStore(DbBase):
    """Storage of runs. Part of `SqlDb`."""

    def _build_run_update(self, status: RunStatus, keys: tuple[str, ...]) -> Any:
        runs = self.tables.runs
        allowed = [s.value for s in _FORWARD[status]] or ["-"]
        return (
            update(runs)
            .where(runs.c.run_id == _param("run_id"))
            .where(runs.c.status.in_(allowed))
            .values({key: _param(key) for key in keys})
        )

    async def _conditional_update(
        self, run_id: str, status: RunStatus, values: dict[str, Any]
    ) -> bool:
        """``UPDATE runs SET ... WHERE run_id = :id AND status IN (allowed previous)``."""
        hot = await self._hot()
        keys = tuple(values)
        statement = self._statement(
            hot, ("update", status, keys), lambda: self._build_run_update(status, keys)
        )
        params = {f"p_{key}": value for key, value in values.items()}
        params["p_run_id"] = run_id
        (count,) = await hot.write([statement.bind(params)])
        return bool(count)

    def _build_run_insert(self, with_session: bool) -> Any:
        stmt = insert(self.tables.runs).values({c: _param(c) for c in _RUN_COLUMNS})
        if with_session:
            stmt = stmt.add_cte(self._build_session_insert().cte("new_session"))
        return stmt

    def _build_session_insert(self) -> Any:
        return (
            self._insert(self.tables.sessions)
            .values({c: _param(c, "s_") for c in _SESSION_COLUMNS})
            .on_conflict_do_nothing(index_elements=["session_id"])
        )

    def _run_values(self, output: RunOutput, status: RunStatus) -> dict[str, Any]:
        data = output.own_dict()  # not the member runs: serialised only to be dropped
        data["status"] = status.value
        return {
            "session_id": output.session_id,
            "parent_run_id": output.parent_run_id,
            "kind": data["kind"],
            "agent_id": output.agent_id,
            "team_id": output.team_id,
            "user_id": output.user_id,
            "status": status.value,
            "error": output.error,
            "updated_at": time.time(),
            "data": data,
        }

    async def ainsert_run(
        self,
        output: RunOutput,
        *,
        status: RunStatus,
        session_type: str = "agent",
        lease: bool = True,
    ) -> None:
        """Store a new run (and, for a top-level run, its session the first time) in one
        transaction."""
        hot = await self._hot()
        values = self._run_values(output, status)
        values["run_id"] = output.run_id
        values["created_at"] = output.created_at
        if lease and _leased(status):
            values["lease_owner"] = PROCESS_TOKEN
            values["lease_expires_at"] = time.time() + self.run_lease_seconds
        params = {f"p_{key}": value for key, value in values.items()}
        # A member run (it has a parent) does not write the session's row: the session is its
        # top-level run's, which writes the row with its own kind and ids. A member run often
        # ends, and is stored, before the team run it belongs to; the row it wrote made a team
        # session look like its member agent's.
        top_level = output.parent_run_id is None
        new_session = top_level and output.session_id not in self._known_sessions
        if new_session:
            params.update(
                s_session_id=output.session_id,
                s_session_type=session_type,
                s_agent_id=output.agent_id,
                s_team_id=output.team_id,
                s_user_id=output.user_id,
                s_created_at=time.time(),
                s_session_data={},
            )
        if not new_session or self._cte_inserts:
            # One statement (PostgreSQL inserts the session in a CTE of the run's insert).
            key = ("insert", new_session)
            statement = self._statement(hot, key, lambda: self._build_run_insert(new_session))
            steps = [statement.bind(params)]
        else:
            session = self._statement(hot, "insert_session", self._build_session_insert)
            run = self._statement(hot, ("insert", False), lambda: self._build_run_insert(False))
            steps = [session.bind(params), run.bind(params)]
        await hot.write(steps)
        if top_level:
            self._remember_session(output.session_id)

    def _remember_session(self, session_id: str) -> None:
        self._known_sessions[session_id] = None
        if len(self._known_sessions) > 10_000:
            self._known_sessions.pop(next(iter(self._known_sessions)))

    async def aupdate_run(self, output: RunOutput, *, status: RunStatus) -> bool:
        """Store the run's new state if the status change is allowed; False if it is not.

        A transition is allowed only forward (see `RunStatus`), as one conditional update.
        """
        values = self._run_values(output, status)
        if not _leased(status):
            values["lease_owner"] = None
            values["lease_expires_at"] = None
        else:  # the process writing a live state runs it: its lease starts afresh
            values["lease_owner"] = PROCESS_TOKEN
            values["lease_expires_at"] = time.time() + self.run_lease_seconds
        return await self._conditional_update(output.run_id, status, values)

    async def aset_status(
        self, run_id: str, status: RunStatus, *, error: str | None = None
    ) -> bool:
        """Move a run to ``status`` (forward only) without rewriting its data."""
        values: dict[str, Any] = {"status": status.value, "updated_at": time.time()}
        if error is not None:
            values["error"] = error
        if not _leased(status):
            values["lease_owner"] = None
            values["lease_expires_at"] = None
        return await self._conditional_update(run_id, status, values)

    async def arenew_leases(self, run_ids: Sequence[str]) -> None:
        """Heartbeat: extend this process's leases on the given live runs."""
        if not run_ids:
            return
        engine = await self._engine()
        runs = self.tables.runs
        stmt = (
            update(runs)
            .where(runs.c.run_id.in_(list(run_ids)))
            .where(live(runs.c.status))
            .values(
                lease_owner=PROCESS_TOKEN,
                lease_expires_at=time.time() + self.run_lease_seconds,
            )
        )
        async with engine.begin() as conn:
            await conn.execute(stmt)

    async def _expire(self, conn: Any, where: Any) -> int:
        """Mark live runs matching ``where`` whose lease expired as error; returns how many."""
        runs = self.tables.runs
        now = time.time()
        stmt = (
            update(runs)
            .where(where)
            .where(live(runs.c.status))
            .where(runs.c.lease_expires_at < now)
            .values(
                status=RunStatus.error.value,
                error=(
                    "the run's lease expired: the process running it stopped before the run "
                    "finished (crash, kill or shutdown)"
                ),
                updated_at=now,
                lease_expires_at=None,
            )
        )
        result = await conn.execute(stmt)
        return int(result.rowcount or 0)

    async def aexpire_leases(self) -> int:
        """Mark every live run whose lease expired as error (their process died)."""
        engine = await self._engine()
        async with engine.begin() as conn:
            return await self._expire(conn, self.tables.runs.c.run_id.is_not(None))

    @staticmethod
    def _lease_expired(row: Any) -> bool:
        return (
            row.status in _LIVE
            and row.lease_expires_at is not None
            and row.lease_expires_at < time.time()
        )

    def _row_to_output(self, row: Any) -> RunOutput:
        return output_from_dict(run_dict(row))

    async def aget_run_row(self, run_id: str) -> tuple[str, str] | None:
        """``(status, session_id)`` of a run, or None when it does not exist."""
        engine = await self._engine()
        runs = self.tables.runs
        stmt = select(runs.c.status, runs.c.session_id, runs.c.lease_expires_at).where(
            runs.c.run_id == run_id
        )
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is not None and self._lease_expired(row):
            async with engine.begin() as conn:
                await self._expire(conn, runs.c.run_id == run_id)
                row = (await conn.execute(stmt)).first()
        return (row.status, row.session_id) if row else None

    async def aget_run(
        self, run_id: str, session_id: str | None = None, *, with_members: bool = False
    ) -> RunOutput | None:
        """A fresh copy of a stored run; None if it does not exist (in ``session_id``).

        Reading is a pure read, except for a live run whose lease expired: that one is marked
        error first (its process died), so no run is ever reported RUNNING forever.
        """
        hot = await self._hot()
        runs = self.tables.runs
        # The common case, one round trip: a run with a valid lease (or ended) and no members
        # to attach.
        scoped = session_id is not None
        fast = self._statement(hot, ("get_run", scoped), lambda: self._build_get_run(scoped))
        found = await hot.fetch(fast.bind({"p_run_id": run_id, "p_session_id": session_id}))
        if not found:
            return None
        first = _RunRow(*found[0])
        if not (with_members and first.data.get("kind") == "team") and not self._lease_expired(
            first
        ):
            return self._row_to_output(first)
        where = runs.c.run_id == run_id
        if session_id is not None:
            where = where & (runs.c.session_id == session_id)
        stmt = select(runs.c.status, runs.c.error, runs.c.lease_expires_at, runs.c.data).where(
            where
        )
        members = with_members
        engine = hot.engine
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
            if row is None:
                return None
            output = self._row_to_output(row)
            fresh = not self._lease_expired(row)
            if fresh and members and row.data.get("kind") == "team":
                fresh = await self._attach_members(conn, output)
            if fresh:
                return output
        async with engine.begin() as conn:
            await self._expire(conn, where)
            if members:
                await self._expire_members(conn, [run_id])
            row = (await conn.execute(stmt)).first()
            if row is None:  # deleted meanwhile
                return None
            output = self._row_to_output(row)
            if members and row.data.get("kind") == "team":
                await self._attach_members(conn, output)
        return output

    def _build_get_run(self, scoped: bool) -> Any:
        runs = self.tables.runs
        stmt = select(runs.c.status, runs.c.error, runs.c.lease_expires_at, runs.c.data).where(
            runs.c.run_id == _param("run_id")
        )
        if scoped:
            stmt = stmt.where(runs.c.session_id == _param("session_id"))
        return stmt

    async def _expire_members(self, conn: Any, parent_ids: list[str]) -> None:
        """Expire the lapsed leases of the member runs below ``parent_ids``, level by level."""
        runs = self.tables.runs
        while parent_ids:
            await self._expire(conn, runs.c.parent_run_id.in_(parent_ids))
            rows = await conn.execute(
                select(runs.c.run_id).where(runs.c.parent_run_id.in_(parent_ids))
            )
            parent_ids = [r[0] for r in rows.all()]

    async def _attach_members(self, conn: Any, output: RunOutput) -> bool:
        """Read the member runs into ``output``; False if one of them has a lapsed lease."""
        runs = self.tables.runs
        rows = (
            await conn.execute(
                select(runs.c.status, runs.c.error, runs.c.lease_expires_at, runs.c.data)
                .where(runs.c.parent_run_id == output.run_id)
                .order_by(runs.c.created_at)
            )
        ).all()
        fresh = not any(self._lease_expired(r) for r in rows)
        members = [self._row_to_output(r) for r in rows]
        for member in members:
            if member.is_team:
                fresh = await self._attach_members(conn, member) and fresh
        output.member_responses = members  # type: ignore[attr-defined]
        return fresh

    async def aget_session_runs(
        self,
        session_id: str,
        *,
        limit: int | None = None,
        statuses: Iterable[RunStatus] | None = None,
        top_level_only: bool = True,
        agent_id: str | None = None,
    ) -> list[RunOutput]:
        """The session's runs, oldest first (the last ``limit`` when given)."""
        engine = await self._engine()
        runs = self.tables.runs
        stmt = select(runs.c.status, runs.c.error, runs.c.data).where(
            runs.c.session_id == session_id
        )
        if top_level_only:
            stmt = stmt.where(runs.c.parent_run_id.is_(None))
        if agent_id is not None:
            stmt = stmt.where(runs.c.agent_id == agent_id)
        if statuses is not None:
            stmt = stmt.where(runs.c.status.in_([s.value for s in statuses]))
        stmt = stmt.order_by(runs.c.created_at.desc(), runs.c.run_id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [self._row_to_output(r) for r in reversed(rows)]

    async def adelete_run(self, run_id: str) -> bool:
        """Delete one run and its member runs; True if it existed."""
        engine = await self._engine()
        runs = self.tables.runs
        async with engine.begin() as conn:
            await conn.execute(delete(runs).where(runs.c.parent_run_id == run_id))
            deleted = await conn.execute(delete(runs).where(runs.c.run_id == run_id))
        return bool(deleted.rowcount)

    async def acount_runs(self, session_id: str | None = None) -> int:
        engine = await self._engine()
        runs = self.tables.runs
        stmt = select(func.count()).select_from(runs)
        if session_id is not None:
            stmt = stmt.where(runs.c.session_id == session_id)
        async with engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def asession_metrics(self, session_id: str) -> SessionMetrics:
        """Session metrics, summed over the session's stored top-level runs."""
        engine = await self._engine()
        runs = self.tables.runs
        stmt = select(runs.c.data["metrics"]).where(
            (runs.c.session_id == session_id) & runs.c.parent_run_id.is_(None)
        )
        metrics = SessionMetrics(session_id=session_id)
        async with engine.connect() as conn:
            for (data,) in (await conn.execute(stmt)).all():
                metrics.add_run(RunMetrics.from_dict(data))
        return metrics
