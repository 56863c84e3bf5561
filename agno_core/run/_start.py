"""Starting a run: the checks made before the model is called (a usable db, a cancel intent,
a stored row that moved on), the background slot, and the RUNNING row."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agno_core.db._errors import StorageError
from agno_core.run._context import RunContext
from agno_core.run._pause import resuming, start_resumed
from agno_core.run._registry import local_runs
from agno_core.run.base import RunStatus

__all__ = ["RUNNING_ROW_DELAY", "DbUnusable", "StartRefused", "start"]

# Seconds after its start at which a foreground run's RUNNING row is written (see `start`).
RUNNING_ROW_DELAY = 0.05


class DbUnusable(Exception):
    """The run's db cannot be opened: the run stops before calling the model."""

    def __init__(self, error: StorageError) -> None:
        super().__init__(str(error))
        self.error = error


class StartRefused(Exception):
    """The run may not start (cancelled before start, or its row moved on)."""

    def __init__(self, status: RunStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def _prepare_models(runner: Any) -> None:
    """Each model the run may call pays its one-time setup before the clock starts."""
    for model in (getattr(runner, "model", None), getattr(runner, "memory_model", None)):
        if model is not None:
            await model.prepare()
    for member in getattr(runner, "members", None) or ():
        await _prepare_models(member)


async def start(ctx: RunContext) -> None:
    """Mark the run RUNNING and start its clock, or refuse it.

    Raises:
        DbUnusable: the db cannot be opened (nothing was stored).
        StartRefused: cancelled before it started, or its stored row is no longer PENDING.
        asyncio.CancelledError: a cancel was requested before the run started.
    """
    o = ctx.output
    db = ctx.db if ctx.store else None
    if db is not None and not db._schema_ready:
        # The first use of this db: fail now, before the model is called, if it is unusable.
        try:
            await db.aready()
        except StorageError as exc:
            raise DbUnusable(exc) from exc
    await _prepare_models(ctx.owner)
    if ctx.active.cancel_requested:
        raise asyncio.CancelledError
    if resuming(ctx):
        refusal = await start_resumed(ctx, db)
        if refusal is not None:
            raise StartRefused(RunStatus.error, refusal)
        return
    if ctx.background:
        assert ctx.slot is not None
        await ctx.slot.acquire()
        ctx.extra["slot_held"] = True
        ctx.started_at = time.perf_counter()
        o.metrics.queue_wait = ctx.started_at - ctx.submitted_at
        if ctx.active.cancel_requested:
            raise asyncio.CancelledError
        o.status = RunStatus.running
        o.started_at = time.time()
        if db is not None and not await db.aupdate_run(o, status=RunStatus.running):
            row = await db.aget_run_row(o.run_id)
            status = RunStatus(row[0]) if row else RunStatus.error
            ctx.extra["row_final"] = True
            raise StartRefused(
                status if status.is_terminal else RunStatus.error,
                f"the stored run is {status.value}; it was not started",
            )
        return
    ctx.started_at = time.perf_counter()
    if ctx.user_supplied_id and (
        local_runs.has_intent(o.run_id)
        or (db is not None and o.run_id in await db.acancel_intents([o.run_id]))
    ):
        ctx.extra["intent"] = True
        raise StartRefused(RunStatus.cancelled, "cancelled before it started")
    o.status = RunStatus.running
    o.started_at = time.time()
    if db is not None:
        if ctx.user_supplied_id:
            # A chosen id may already exist: find out before calling the model.
            await db.ainsert_run(o, status=RunStatus.running, session_type=ctx.owner.kind)
            ctx.stored = True
        else:
            # A fresh uuid cannot clash, so the RUNNING row need not be written before the
            # model is called. It is written once the run has lasted RUNNING_ROW_DELAY (every
            # real model call takes longer), while the model works; a run that ends sooner
            # (a mocked model in a test suite) is written once, at its end.
            loop = asyncio.get_running_loop()

            def write_running_row() -> None:
                ctx.extra["insert"] = loop.create_task(
                    db.ainsert_run(o, status=RunStatus.running, session_type=ctx.owner.kind)
                )

            ctx.extra["insert_timer"] = loop.call_later(RUNNING_ROW_DELAY, write_running_row)
