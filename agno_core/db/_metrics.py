"""Daily usage metrics (Agno's metrics table): runs, sessions, users and tokens per day and user.

The table holds derived data only: `acalculate_metrics` recomputes it from the runs table, from
the first day that is not complete yet (a day is complete once it has ended, UTC) up to today.
So it is created on first use of these methods, outside the versioned table set, and can be
dropped at any time. Counts are of top-level runs: a team run's tokens already include its
members' runs, which are not counted again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)

from agno_core._sync import run_sync
from agno_core.db._base import DbBase
from agno_core.db._schema import index_name

__all__ = ["MetricsStore", "metrics_table"]

_TOKENS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "audio_total_tokens",
    "audio_input_tokens",
    "audio_output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)
_COUNTS = (
    "agent_runs_count",
    "team_runs_count",
    "agent_sessions_count",
    "team_sessions_count",
    "users_count",
)


def metrics_table(name: str, schema: str | None) -> Table:
    """The metrics table: one row per (user, day); ``user_id`` "" holds runs without a user."""
    table = Table(
        name,
        MetaData(schema=schema),
        Column("id", String(64), primary_key=True),
        *(Column(count, Integer, nullable=False) for count in _COUNTS),
        Column("workflow_runs_count", Integer, nullable=False),
        Column("workflow_sessions_count", Integer, nullable=False),
        Column("token_metrics", JSON, nullable=False),
        Column("model_metrics", JSON, nullable=False),
        Column("date", String(10), nullable=False),
        Column("aggregation_period", String(16), nullable=False),
        Column("user_id", String(128), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float),
        Column("completed", Boolean, nullable=False),
    )
    Index(index_name(name, "date_user"), table.c.date, table.c.user_id)
    return table


class MetricsStore(DbBase):
    """Agno's ``calculate_metrics`` / ``get_metrics`` over the ``metrics_table``."""

    _metrics: Table | None = None
    _metrics_created = False

    def _metrics_table(self) -> Table:
        if self._metrics is None:
            self._metrics = metrics_table(self.metrics_table_name, self._schema_for_tables())
        return self._metrics

    async def _ready_metrics(self) -> Table:
        table = self._metrics_table()
        engine = await self._engine()  # the run tables exist from here on
        if not self._metrics_created:
            async with engine.begin() as conn:
                await conn.run_sync(table.create, checkfirst=True)
            self._metrics_created = True
        return table

    async def acalculate_metrics(self) -> list[dict[str, Any]] | None:
        """Recompute the daily metrics of every day not complete yet, from the stored runs.

        Returns:
            The rows written (as `aget_metrics` returns them), or None when there is nothing
            to compute (no runs, or every day with runs is complete).
        """
        table = await self._ready_metrics()
        engine = await self._engine()
        runs = self.tables.runs
        async with engine.connect() as conn:
            last_complete = (
                await conn.execute(select(func.max(table.c.date)).where(table.c.completed))
            ).scalar()
            first_run = (
                await conn.execute(select(func.min(runs.c.created_at)).where(_top_level(runs)))
            ).scalar()
        if first_run is None:
            return None
        start = _day(first_run)
        if last_complete is not None:
            start = max(start, date.fromisoformat(last_complete) + timedelta(days=1))
        today = datetime.now(UTC).date()
        if start > today:
            return None
        since = datetime.combine(start, datetime.min.time(), UTC).timestamp()
        stmt = select(
            runs.c.session_id,
            runs.c.kind,
            runs.c.user_id,
            runs.c.created_at,
            runs.c.data["metrics"],
            runs.c.data["model"],
            runs.c.data["model_provider"],
        ).where(_top_level(runs) & (runs.c.created_at >= since))
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        records = _aggregate(rows, today)
        async with engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.date >= start.isoformat()))
            if records:
                await conn.execute(insert(table), records)
        return [_public(record) for record in records] or None

    def calculate_metrics(self) -> list[dict[str, Any]] | None:
        """Synchronous `acalculate_metrics`."""
        return run_sync(self.acalculate_metrics())

    async def aget_metrics(
        self,
        starting_date: date | None = None,
        ending_date: date | None = None,
        user_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """The daily metrics between two dates (inclusive), brought up to date first.

        Args:
            starting_date, ending_date: The days to return (default: all).
            user_id: Only this user's rows (None: every row, runs without a user included).

        Returns:
            The rows (oldest day first) and the time (Unix seconds) of the latest update.
        """
        await self.acalculate_metrics()
        table = await self._ready_metrics()
        stmt = select(table).order_by(table.c.date, table.c.user_id)
        if starting_date is not None:
            stmt = stmt.where(table.c.date >= starting_date.isoformat())
        if ending_date is not None:
            stmt = stmt.where(table.c.date <= ending_date.isoformat())
        if user_id is not None:
            stmt = stmt.where(table.c.user_id == user_id)
        engine = await self._engine()
        async with engine.connect() as conn:
            rows = [_public(dict(row._mapping)) for row in (await conn.execute(stmt)).all()]
        latest = max((row["updated_at"] for row in rows if row["updated_at"]), default=None)
        return rows, latest

    def get_metrics(
        self,
        starting_date: date | None = None,
        ending_date: date | None = None,
        user_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Synchronous `aget_metrics`."""
        return run_sync(self.aget_metrics(starting_date, ending_date, user_id))


def _top_level(runs: Table) -> Any:
    return runs.c.parent_run_id.is_(None)


def _day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, UTC).date()


def _aggregate(rows: Sequence[Any], today: date) -> list[dict[str, Any]]:
    """One record per (day, user) seen in ``rows``."""
    buckets: dict[tuple[date, str], dict[str, Any]] = {}
    for session_id, kind, user_id, created_at, metrics, model, provider in rows:
        key = (_day(created_at), user_id or "")
        bucket = buckets.setdefault(
            key,
            {
                "sessions": {"agent": set(), "team": set()},
                "runs": {"agent": 0, "team": 0},
                "tokens": dict.fromkeys(_TOKENS, 0),
                "models": {},
            },
        )
        side = "team" if kind == "team" else "agent"
        bucket["runs"][side] += 1
        bucket["sessions"][side].add(session_id)
        for name in _TOKENS:
            bucket["tokens"][name] += int((metrics or {}).get(name) or 0)
        if model:
            model_key = (model, provider or "")
            bucket["models"][model_key] = bucket["models"].get(model_key, 0) + 1
    now = time.time()
    return [
        {
            "id": uuid.uuid4().hex,
            "agent_runs_count": bucket["runs"]["agent"],
            "team_runs_count": bucket["runs"]["team"],
            "workflow_runs_count": 0,
            "agent_sessions_count": len(bucket["sessions"]["agent"]),
            "team_sessions_count": len(bucket["sessions"]["team"]),
            "workflow_sessions_count": 0,
            "users_count": 1 if user else 0,
            "token_metrics": bucket["tokens"],
            "model_metrics": [
                {"model_id": model, "model_provider": provider, "count": count}
                for (model, provider), count in sorted(bucket["models"].items())
            ],
            "date": day.isoformat(),
            "aggregation_period": "daily",
            "user_id": user,
            "created_at": now,
            "updated_at": now,
            "completed": day < today,
        }
        for (day, user), bucket in sorted(buckets.items())
    ]


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A row as Agno returns it: ``date`` a `date`, times in whole seconds, no user as None."""
    out = dict(record)
    out["date"] = date.fromisoformat(out["date"])
    out["user_id"] = out["user_id"] or None
    out["created_at"] = int(out["created_at"])
    out["updated_at"] = int(out["updated_at"]) if out["updated_at"] is not None else None
    return out
