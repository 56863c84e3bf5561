"""Storing a run's final state, and what happens when the db does not take it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from agno_core.db._errors import driver_message
from agno_core.run._context import RunContext
from agno_core.run._storage_view import storage_view
from agno_core.run.base import RunStatus

__all__ = ["PERSIST_RETRY_DELAYS", "persist_final"]

log = logging.getLogger("agno_core")

# Waits between the attempts to store a run's final state while the db is unavailable (the
# last one repeats); the attempts stop when the db's ``write_retry_window`` has passed.
PERSIST_RETRY_DELAYS = (0.05, 0.25, 0.5, 1.0)
# Errors of a db that may come back (a server restart, a lock held too long): worth retrying.
_TRANSIENT = (OperationalError, InterfaceError, OSError)


async def persist_final(ctx: RunContext, db: Any) -> None:
    """Store the run's final state, retried while the db is away (``write_retry_window``).

    If the db stays unavailable, the caller still gets the complete output (nothing is lost,
    and the agent keeps it for ``aget_run_output``), but a completed run becomes ERROR: a
    result that was not stored must not pass for a stored success.
    """
    o = ctx.output
    timer: asyncio.TimerHandle | None = ctx.extra.pop("insert_timer", None)
    if timer is not None:
        timer.cancel()
    insert: asyncio.Task[None] | None = ctx.extra.pop("insert", None)
    if insert is not None:
        try:
            await asyncio.shield(insert)
            ctx.stored = True
        except Exception as exc:  # not stored yet: the final write inserts the row instead
            log.warning("run %s: the RUNNING row could not be stored: %s", o.run_id, exc)
    stored = storage_view(ctx.owner, o)  # without the messages the owner does not store
    deadline = time.monotonic() + db.write_retry_window
    attempt = 0
    while True:
        try:
            if ctx.stored or ctx.background:
                if not await db.aupdate_run(stored, status=o.status):
                    row = await db.aget_run_row(o.run_id)
                    if row is not None and RunStatus(row[0]).is_terminal:
                        # Someone else ended the stored run first (e.g. a lease expiry).
                        log.warning("run %s was already %s in the db", o.run_id, row[0])
                        return
                    await db.ainsert_run(stored, status=o.status, session_type=ctx.owner.kind)
            else:
                await db.ainsert_run(stored, status=o.status, session_type=ctx.owner.kind)
            ctx.stored = True
            return
        except Exception as exc:
            remaining = deadline - time.monotonic()
            if not isinstance(exc, _TRANSIENT) or remaining <= 0:
                _not_stored(ctx, db, exc)
                return
            log.info("run %s: storing its result failed, retrying: %s", o.run_id, exc)
            delay = PERSIST_RETRY_DELAYS[min(attempt, len(PERSIST_RETRY_DELAYS) - 1)]
            await asyncio.sleep(min(delay, remaining))  # the last attempt at the deadline
            attempt += 1


def _not_stored(ctx: RunContext, db: Any, exc: Exception) -> None:
    o = ctx.output
    note = db.masked(
        f"the run's result could not be stored in {db!r}: {type(exc).__name__}: "
        f"{driver_message(exc)}"
    )
    log.error("run %s: %s", o.run_id, note)
    if o.status is RunStatus.completed:
        o.status = RunStatus.error
    o.error = f"{o.error}; {note}" if o.error else note
    ctx.owner._keep_unsaved(o)
