"""Cancelling runs: before they start, while they run, in this process or another.

A cancel is recorded as an *intent*: in memory for this process, and in the db so that another
process sharing it sees it (its run supervisor polls intents while it has live runs). A run that
starts with an intent waiting for its id ends CANCELLED without calling the model.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from agno_core._sync import run_sync
from agno_core.exceptions import RunCancelledException
from agno_core.run._ids import check_id
from agno_core.run._registry import local_runs
from agno_core.run.base import RunStatus

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = [
    "acancel_run",
    "acleanup_run",
    "aget_active_runs",
    "ais_cancelled",
    "araise_if_cancelled",
    "aregister_run",
    "cancel_run",
    "cleanup_run",
    "get_active_runs",
    "is_cancelled",
    "raise_if_cancelled",
    "register_run",
]

log = logging.getLogger("agno_core")


async def acancel_run(run_id: str, db: SqlDb | None = None) -> bool:
    """Cancel a run.

    Args:
        run_id: The run to cancel.
        db: Where the run is stored. When omitted, every db this process has used gets the
            intent (so a run of another process sharing one of them is cancelled too).

    Returns:
        True when the run was live (running, queued or paused) and is now being cancelled;
        False when it had already finished (nothing changes) or is unknown (the intent is kept,
        so a run started later with this id ends CANCELLED before calling the model). A run of
        this process, or a paused run, is stored CANCELLED by the time this returns.

    Raises:
        TypeError, ValueError: ``run_id`` is not a non-empty string (checked before any SQL).
    """
    check_id("run_id", run_id)
    local = await local_runs.acancel(run_id)
    if local is not None:
        return local
    if run_id in local_runs.registered:
        local_runs.add_intent(run_id)
        return True
    if db is not None:
        dbs = [db]
    else:
        from agno_core.db._sql import known_dbs

        dbs = known_dbs()
    known = False
    for target in dbs:
        try:
            row = await target.aget_run_row(run_id)
            if row is None:
                await target.aset_cancel_intent(run_id)
                continue
            known = True
            status = RunStatus(row[0])
            if status.is_terminal:
                return False
            if status is RunStatus.pending and await target.aset_status(
                run_id, RunStatus.cancelled, error="cancelled before it started"
            ):
                return True
            # A paused run waits for a person, nothing executes it: it ends here.
            if status is RunStatus.paused and await target.aset_status(
                run_id, RunStatus.cancelled, error="cancelled while paused"
            ):
                return True
            # Running in another process: its supervisor polls for this intent.
            await target.aset_cancel_intent(run_id)
            return True
        except Exception as exc:
            if db is not None:
                raise
            log.warning("could not record the cancel of %s in %r: %s", run_id, target, exc)
    if not known:
        local_runs.add_intent(run_id)
    return False


_pending_writes: set[asyncio.Task[Any]] = set()


def _targets(db: SqlDb | None) -> list[SqlDb]:
    if db is not None:
        return [db]
    from agno_core.db._sql import known_dbs

    return known_dbs()


async def _stored_status(run_id: str, db: SqlDb | None) -> RunStatus | None:
    for target in _targets(db):
        try:
            row = await target.aget_run_row(run_id)
        except Exception as exc:
            log.warning("could not look up run %s in %r: %s", run_id, target, exc)
            continue
        if row is not None:
            return RunStatus(row[0])
    return None


def cancel_run(run_id: str, db: SqlDb | None = None) -> bool:
    """Synchronous `acancel_run`, with the same result.

    Safe to call from inside a running event loop (as the seeds do from ``async def main``):
    there it only reads the db synchronously and leaves the writes (the intent, or the update
    of a queued run) to a task on that loop. Blocking a loop while writing to a db could wait
    forever on a transaction that the same blocked loop holds open.
    """
    check_id("run_id", run_id)
    local = local_runs.cancel(run_id)
    if local is not None:
        return local
    if run_id in local_runs.registered:
        local_runs.add_intent(run_id)
        return True
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return run_sync(acancel_run(run_id, db))
    status = run_sync(_stored_status(run_id, db))
    if status is not None and status.is_terminal:
        return False
    if status is None:
        local_runs.add_intent(run_id)
    task = loop.create_task(acancel_run(run_id, db))
    _pending_writes.add(task)
    task.add_done_callback(_pending_writes.discard)
    return status is not None


# -- Agno's tracking helpers, for code that checks a cancel itself (a long sync tool, a worker
# thread): they read this process's registry; the db is only written by `cancel_run`.


def is_cancelled(run_id: str) -> bool:
    """Whether a cancel was requested for ``run_id`` in this process.

    True for a run of this process being cancelled (whatever asked: this process, or another
    one through the db) or that ended cancelled in the last ten minutes (a sync tool's worker
    thread outlives its cancelled run), and for an id with a pending cancel intent (cancelled
    before it started, or registered with `register_run` and then cancelled). Reads memory
    only: use it freely in a loop, from any thread.
    """
    run = local_runs.active.get(run_id)
    if run is not None:
        return run.cancel_requested
    return local_runs.has_intent(run_id) or local_runs.ended_cancelled(run_id)


def raise_if_cancelled(run_id: str) -> None:
    """Raise `RunCancelledException` when `is_cancelled` (``run_id``).

    Raised from a tool or hook of that run, the exception ends the run CANCELLED. A sync tool
    runs in a worker thread that a cancel cannot interrupt, so a long one should call this
    between steps (its run id: ``run_context.run_id``).
    """
    if is_cancelled(run_id):
        raise RunCancelledException(f"Run {run_id} was cancelled")


def register_run(run_id: str) -> None:
    """Track ``run_id`` for cancellation although no agent of this process runs it.

    For code that runs work of its own under a run id: `cancel_run` on it then returns True and
    `is_cancelled` answers True. A cancel intent stored earlier is kept. Runs of agents and
    teams need no registration.
    """
    check_id("run_id", run_id)
    local_runs.registered.add(run_id)


def cleanup_run(run_id: str) -> None:
    """Stop tracking ``run_id`` (a registered id, or a cancel intent that is no longer wanted).

    A run of this process in progress is not affected: it forgets itself when it ends.
    """
    local_runs.registered.discard(run_id)
    local_runs.clear_intent(run_id)


def get_active_runs() -> dict[str, bool]:
    """Runs tracked in this process, each with whether it is cancelled.

    The runs of agents and teams in progress here, the ids given to `register_run`, and the ids
    with a pending cancel intent (True).
    """
    runs = {run_id: run.cancel_requested for run_id, run in list(local_runs.active.items())}
    for run_id in list(local_runs.registered):
        runs.setdefault(run_id, local_runs.has_intent(run_id))
    for run_id in local_runs.intents():
        runs.setdefault(run_id, True)
    return runs


async def ais_cancelled(run_id: str) -> bool:
    """Async `is_cancelled` (the same memory read)."""
    return is_cancelled(run_id)


async def araise_if_cancelled(run_id: str) -> None:
    """Async `raise_if_cancelled`."""
    raise_if_cancelled(run_id)


async def aregister_run(run_id: str) -> None:
    """Async `register_run`."""
    register_run(run_id)


async def acleanup_run(run_id: str) -> None:
    """Async `cleanup_run`."""
    cleanup_run(run_id)


async def aget_active_runs() -> dict[str, bool]:
    """Async `get_active_runs`."""
    return get_active_runs()
