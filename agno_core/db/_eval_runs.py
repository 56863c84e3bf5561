"""Eval runs: stored by `PerformanceEval` (or ``create_eval_run``), read back as Agno does
(``db.get_eval_runs``, ``db.get_eval_run``, ``db.rename_eval_run``, ``db.delete_eval_runs``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Literal, overload

from sqlalchemy import delete, func, insert, select, update

from agno_core._sync import run_sync
from agno_core.db._base import DbBase, chunks
from agno_core.db._eval_records import (
    COLUMN_FIELDS,
    EvalFilterType,
    EvalRunRecord,
    EvalType,
    insert_values,
    row_dict,
)

__all__ = ["EvalStore"]

# ``sort_by`` names (Agno's columns) that are not the column's name here.
_SORT_ALIASES = {"run_id": "eval_id"}
_SORTABLE = frozenset(
    {"run_id", "eval_type", *COLUMN_FIELDS, "user_id", "created_at", "updated_at"}
)


def _check_pagination(limit: int | None, page: int | None) -> None:
    """Agno's ``validate_pagination``: a page needs a limit, and pages count from 1."""
    if page is not None and limit is None:
        raise ValueError(
            "`page` was provided without `limit`: pass both to paginate, or neither to fetch "
            "all rows"
        )
    if page is not None and page < 1:
        raise ValueError(f"`page` must be >= 1 (pages are 1-indexed); got {page}")


class EvalStore(DbBase):
    """Eval runs (`PerformanceEval` results), with Agno's eval methods. Part of `SqlDb`."""

    async def _insert_eval(self, values: dict[str, Any]) -> None:
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(insert(self.tables.evals).values(**values))

    async def asave_eval_run(self, record: dict[str, Any]) -> None:
        """Store an eval run as `PerformanceEval` hands it over.

        Args:
            record: ``{"eval_id", "name", "eval_type", "created_at", "result"}`` (see
                ``agno_core.eval._persist.eval_run_record``), optionally with `EvalRunRecord`
                fields (``agent_id``, ``model_id``, ...) and ``user_id``.

        Raises:
            ValueError: ``eval_type`` is not an `EvalType` value.
        """
        await self._insert_eval(insert_values(record))

    def save_eval_run(self, record: dict[str, Any]) -> None:
        """`asave_eval_run`, synchronously (used by ``PerformanceEval.run``)."""
        run_sync(self.asave_eval_run(record))

    async def acreate_eval_run(self, eval_run: EvalRunRecord) -> EvalRunRecord:
        """Store an eval run, as Agno's ``db.create_eval_run``; returns it."""
        await self._insert_eval(insert_values(eval_run))
        return eval_run

    @overload
    async def aget_eval_run(
        self, eval_run_id: str, deserialize: Literal[True] = True, user_id: str | None = None
    ) -> EvalRunRecord | None: ...

    @overload
    async def aget_eval_run(
        self, eval_run_id: str, deserialize: Literal[False], user_id: str | None = None
    ) -> dict[str, Any] | None: ...

    @overload
    async def aget_eval_run(
        self, eval_run_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> EvalRunRecord | dict[str, Any] | None: ...

    async def aget_eval_run(
        self, eval_run_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> EvalRunRecord | dict[str, Any] | None:
        """One eval run, as Agno's ``db.get_eval_run``.

        Args:
            eval_run_id: The eval run (a `PerformanceResult`'s ``eval_id``, ``run_id``).
            deserialize: An `EvalRunRecord` (True) or Agno's eval-run dict (``run_id``,
                ``eval_type``, ``eval_data``, ..., ``created_at``/``updated_at`` in Unix
                seconds).
            user_id: Only if the run belongs to this user.

        Returns:
            The eval run, or None when there is none (of that user).
        """
        table = self.tables.evals
        stmt = select(table).where(table.c.eval_id == eval_run_id)
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        engine = await self._engine()
        async with engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        found = row_dict(row)
        return EvalRunRecord.model_validate(found) if deserialize else found

    @overload
    async def aget_eval_runs(
        self,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        workflow_id: str | None = None,
        model_id: str | None = None,
        filter_type: EvalFilterType | str | None = None,
        eval_type: Sequence[EvalType | str] | EvalType | str | None = None,
        deserialize: Literal[True] = True,
        user_id: str | None = None,
        *,
        name: str | None = None,
    ) -> list[EvalRunRecord]: ...

    @overload
    async def aget_eval_runs(
        self,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        workflow_id: str | None = None,
        model_id: str | None = None,
        filter_type: EvalFilterType | str | None = None,
        eval_type: Sequence[EvalType | str] | EvalType | str | None = None,
        *,
        deserialize: Literal[False],
        user_id: str | None = None,
        name: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]: ...

    @overload
    async def aget_eval_runs(
        self,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        workflow_id: str | None = None,
        model_id: str | None = None,
        filter_type: EvalFilterType | str | None = None,
        eval_type: Sequence[EvalType | str] | EvalType | str | None = None,
        deserialize: bool = True,
        user_id: str | None = None,
        *,
        name: str | None = None,
    ) -> list[EvalRunRecord] | tuple[list[dict[str, Any]], int]: ...

    async def aget_eval_runs(
        self,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        workflow_id: str | None = None,
        model_id: str | None = None,
        filter_type: EvalFilterType | str | None = None,
        eval_type: Sequence[EvalType | str] | EvalType | str | None = None,
        deserialize: bool = True,
        user_id: str | None = None,
        *,
        name: str | None = None,
    ) -> list[EvalRunRecord] | tuple[list[dict[str, Any]], int]:
        """Stored eval runs, newest first, as Agno's ``db.get_eval_runs``.

        Args:
            limit: At most this many.
            page: The page of ``limit`` runs to return, from 1 (needs ``limit``).
            sort_by: A field to sort by (``created_at``, ``updated_at``, ``name``, ``run_id``,
                ``eval_type``, ``agent_id``, ``model_id``, ...); another name keeps the
                default order.
            sort_order: ``"asc"``, else descending.
            agent_id: Only the runs that evaluated this agent.
            team_id: Only the runs that evaluated this team.
            workflow_id: Only the runs that evaluated this workflow.
            model_id: Only the runs of this model.
            filter_type: Only the runs that evaluated an agent, a team or a workflow
                (`EvalFilterType` or its value).
            eval_type: Only the runs of these types (a list of `EvalType` or values).
            deserialize: `EvalRunRecord` objects (True), or Agno's eval-run dicts and the
                number of runs that match the filters, whatever the page (False).
            user_id: Only the runs of this user.
            name: Only the runs of evals with this name (agno_core's own filter).

        Returns:
            The runs; with ``deserialize=False``, ``(dicts, total count)``.

        Raises:
            ValueError: ``page`` without ``limit``, ``page`` below 1, or an unknown
                ``filter_type``.
        """
        _check_pagination(limit, page)
        table = self.tables.evals
        stmt = select(table)
        equal = {
            "user_id": user_id,
            "agent_id": agent_id,
            "team_id": team_id,
            "workflow_id": workflow_id,
            "model_id": model_id,
            "name": name,
        }
        for column, value in equal.items():
            if value is not None:
                stmt = stmt.where(table.c[column] == value)
        if eval_type is not None:
            kinds = [eval_type] if isinstance(eval_type, str) else list(eval_type)
            if kinds:
                stmt = stmt.where(table.c.eval_type.in_([EvalType(k).value for k in kinds]))
        if filter_type is not None:
            kind = EvalFilterType(filter_type).value
            stmt = stmt.where(table.c[f"{kind}_id"].is_not(None))
        count = select(func.count()).select_from(stmt.subquery())
        stmt = stmt.order_by(self._eval_order(sort_by, sort_order), table.c.eval_id)
        if limit is not None:
            stmt = stmt.limit(limit).offset((page - 1) * limit if page is not None else 0)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
            total = int((await conn.execute(count)).scalar() or 0) if not deserialize else 0
        found = [row_dict(row) for row in rows]
        if not deserialize:
            return found, total
        return [EvalRunRecord.model_validate(item) for item in found]

    def _eval_order(self, sort_by: str | None, sort_order: str | None) -> Any:
        table = self.tables.evals
        if sort_by not in _SORTABLE:
            return table.c.created_at.desc()
        if sort_by == "updated_at":  # rows of an older version have none: their creation
            column: Any = func.coalesce(table.c.updated_at, table.c.created_at)
        else:
            column = table.c[_SORT_ALIASES.get(sort_by, sort_by)]
        return column.asc() if sort_order == "asc" else column.desc()

    async def arename_eval_run(
        self, eval_run_id: str, name: str, deserialize: bool = True, user_id: str | None = None
    ) -> EvalRunRecord | dict[str, Any] | None:
        """Rename an eval run, as Agno's ``db.rename_eval_run``.

        Args:
            eval_run_id: The eval run.
            name: Its new name.
            deserialize: Return an `EvalRunRecord` (True) or Agno's dict.
            user_id: Only if the run belongs to this user.

        Returns:
            The renamed run, or None when there is none (of that user).
        """
        table = self.tables.evals
        stmt = (
            update(table)
            .where(table.c.eval_id == eval_run_id)
            .values(name=name, updated_at=time.time())
        )
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(stmt)
        return await self.aget_eval_run(eval_run_id, deserialize, user_id)

    async def aupdate_eval_run_user_id(self, eval_run_id: str, user_id: str) -> None:
        """Set the owner of an eval run, as Agno's ``db.update_eval_run_user_id``."""
        table = self.tables.evals
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(
                update(table).where(table.c.eval_id == eval_run_id).values(user_id=user_id)
            )

    async def adelete_eval_run(self, eval_run_id: str) -> None:
        """Delete one eval run, as Agno's ``db.delete_eval_run``; an unknown id is ignored."""
        await self.adelete_eval_runs([eval_run_id])

    async def adelete_eval_runs(
        self, eval_run_ids: Sequence[str], user_id: str | None = None
    ) -> None:
        """Delete eval runs (only those of ``user_id`` when given), as Agno's
        ``db.delete_eval_runs``; ids that do not exist are ignored."""
        table = self.tables.evals
        engine = await self._engine()
        async with engine.begin() as conn:
            for ids in chunks(eval_run_ids):
                stmt = delete(table).where(table.c.eval_id.in_(ids))
                if user_id is not None:
                    stmt = stmt.where(table.c.user_id == user_id)
                await conn.execute(stmt)

    # -- Agno's names: synchronous here, coroutines on the Async* dbs (`AsyncDbApi`) ---------
    def create_eval_run(self, eval_run: EvalRunRecord) -> Any:
        """`acreate_eval_run`, synchronously."""
        return run_sync(self.acreate_eval_run(eval_run))

    def get_eval_run(
        self, eval_run_id: str, deserialize: bool = True, user_id: str | None = None
    ) -> Any:
        """`aget_eval_run`, synchronously."""
        return run_sync(self.aget_eval_run(eval_run_id, deserialize, user_id))

    def get_eval_runs(
        self,
        limit: int | None = None,
        page: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        agent_id: str | None = None,
        team_id: str | None = None,
        workflow_id: str | None = None,
        model_id: str | None = None,
        filter_type: EvalFilterType | str | None = None,
        eval_type: Sequence[EvalType | str] | EvalType | str | None = None,
        deserialize: bool = True,
        user_id: str | None = None,
        *,
        name: str | None = None,
    ) -> Any:
        """`aget_eval_runs`, synchronously."""
        return run_sync(
            self.aget_eval_runs(
                limit,
                page,
                sort_by,
                sort_order,
                agent_id,
                team_id,
                workflow_id,
                model_id,
                filter_type,
                eval_type,
                deserialize,
                user_id,
                name=name,
            )
        )

    def rename_eval_run(
        self, eval_run_id: str, name: str, deserialize: bool = True, user_id: str | None = None
    ) -> Any:
        """`arename_eval_run`, synchronously."""
        return run_sync(self.arename_eval_run(eval_run_id, name, deserialize, user_id))

    def update_eval_run_user_id(self, eval_run_id: str, user_id: str) -> Any:
        """`aupdate_eval_run_user_id`, synchronously."""
        return run_sync(self.aupdate_eval_run_user_id(eval_run_id, user_id))

    def delete_eval_run(self, eval_run_id: str) -> Any:
        """`adelete_eval_run`, synchronously."""
        return run_sync(self.adelete_eval_run(eval_run_id))

    def delete_eval_runs(self, eval_run_ids: Sequence[str], user_id: str | None = None) -> Any:
        """`adelete_eval_runs`, synchronously."""
        return run_sync(self.adelete_eval_runs(eval_run_ids, user_id))
