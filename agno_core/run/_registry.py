"""Runs alive in this process, local cancel intents, and the per-db supervisor.

The registry is what makes in-process cancellation immediate: it knows the asyncio task that
executes each live run, and whether the run's code is executing right now (``stepping``). A cancel
then cancels that task, so a run is interrupted even in the middle of a model or tool call. A
streaming run whose consumer is busy elsewhere (between two events) is not stepping: cancelling
the task would hit the consumer's own code, so the request is only flagged and the run stops as
soon as it is resumed.

The supervisor is one task per (db, event loop) that lives while that loop has live runs on that
db. It polls the db for cancel intents written by other processes (so a cancel from another
process lands within ``poll_interval``) and renews the runs' leases (heartbeat).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["ActiveRun", "LocalRuns", "local_runs"]

log = logging.getLogger("agno_core")

POLL_INTERVAL = 0.25
# How long an async cancel waits for the run to store its CANCELLED state.
CANCEL_WAIT = 2.0


@dataclass(eq=False, slots=True)
class ActiveRun:
    """A run executing (or queued) in this process."""

    run_id: str
    db: SqlDb | None
    loop: asyncio.AbstractEventLoop
    parent: ActiveRun | None = None
    task: asyncio.Task[object] | None = None
    stepping: bool = False
    finished: bool = False
    cancel_requested: bool = False
    cancel_reason: str | None = None
    cancel_from_db: bool = False  # the cancel came as an intent stored in the db
    children: list[ActiveRun] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def request_cancel(self, reason: str) -> None:
        """Flag this run and its member runs; interrupt the task if the run is executing."""
        for run in self._tree():
            if not run.cancel_requested:
                run.cancel_requested = True
                run.cancel_reason = reason
        if self.task is not None and self.stepping and not self.task.done():
            if self.loop.is_closed():
                return
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is self.loop:
                self.task.cancel()
            else:
                self.loop.call_soon_threadsafe(self._cancel_if_stepping)

    def _cancel_if_stepping(self) -> None:
        if self.task is not None and self.stepping and not self.task.done():
            self.task.cancel()

    def _tree(self) -> list[ActiveRun]:
        out = [self]
        for child in self.children:
            out.extend(child._tree())
        return out


class LocalRuns:
    """Process-wide registry of live runs and of cancel intents for runs not started yet."""

    def __init__(self) -> None:
        self.active: dict[str, ActiveRun] = {}
        self._intents: dict[str, float] = {}
        # Per event loop, the supervisor task of each db (by the db's id attribute).
        self._supervisors: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Task[None]]
        ] = weakref.WeakKeyDictionary()
        # Set to wake a supervisor at once when its last run ends (so none lingers mid-query
        # when a loop closes right after its runs).
        self._wakers: dict[asyncio.Task[None], asyncio.Event] = {}
        # Supervisors that are in the middle of db queries (see `settle`).
        self._busy: dict[asyncio.Task[None], asyncio.Event] = {}
        self._last_reap: dict[str, float] = {}

    # -- intents ---------------------------------------------------------------------------
    def add_intent(self, run_id: str, ttl: float = 3600.0) -> None:
        now = time.time()
        if len(self._intents) > 1000:
            self._intents = {k: v for k, v in self._intents.items() if v > now}
        self._intents[run_id] = now + ttl

    def has_intent(self, run_id: str) -> bool:
        expires = self._intents.get(run_id)
        if expires is None:
            return False
        if expires < time.time():
            self._intents.pop(run_id, None)
            return False
        return True

    def clear_intent(self, run_id: str) -> None:
        self._intents.pop(run_id, None)

    # -- live runs --------------------------------------------------------------------------
    def register(self, run: ActiveRun) -> None:
        if run.run_id in self.active:
            raise ValueError(f"a run with id {run.run_id!r} is already running in this process")
        self.active[run.run_id] = run
        if run.parent is not None:
            run.parent.children.append(run)
        if run.db is not None:
            self._ensure_supervisor(run.db, run.loop)

    def unregister(self, run: ActiveRun) -> None:
        run.done.set()
        if self.active.get(run.run_id) is run:
            del self.active[run.run_id]
        if run.db is not None and not self._runs_of(run.db, run.loop):
            task = self._supervisors.get(run.loop, {}).get(run.db.id)
            waker = self._wakers.get(task) if task is not None else None
            if waker is not None:
                waker.set()
        if run.parent is not None and run in run.parent.children:
            run.parent.children.remove(run)

    async def acancel(self, run_id: str, reason: str = "cancelled by request") -> bool | None:
        """`cancel`, then wait (briefly) until the run has stored its final state.

        So a caller that reads the run right after ``await acancel_run(...)`` sees it CANCELLED.
        No wait when the run cannot progress meanwhile: it is the calling task itself, it
        belongs to another event loop, or its consumer holds it between two streamed events.
        """
        result = self.cancel(run_id, reason)
        run = self.active.get(run_id)
        if not result or run is None:
            return result
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return result
        if run.loop is loop and run.stepping and run.task is not asyncio.current_task():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.done.wait(), CANCEL_WAIT)
        return result

    async def settle(self, run: ActiveRun) -> None:
        """After a run ended: if it was its db's last run here, let the supervisor's query finish.

        So the last run of a loop returns only once no supervisor query is in flight: a loop
        closed right after (a test's loop, ``asyncio.run``) never cancels one half-way, which
        would leave a pooled connection behind.
        """
        if run.db is None or self._runs_of(run.db, run.loop):
            return
        task = self._supervisors.get(run.loop, {}).get(run.db.id)
        done = self._busy.get(task) if task is not None else None
        if done is not None and task is not asyncio.current_task():
            await done.wait()

    def cancel(self, run_id: str, reason: str = "cancelled by request") -> bool | None:
        """Cancel a run of this process.

        Returns:
            True when the run is live here and is being cancelled; False when it is here but
            already finishing (its final state is being stored: nothing to cancel); None when
            this process does not run it.
        """
        run = self.active.get(run_id)
        if run is None:
            return None
        if run.finished:
            return False
        run.request_cancel(reason)
        return True

    # -- supervisor ---------------------------------------------------------------------------
    def _ensure_supervisor(self, db: SqlDb, loop: asyncio.AbstractEventLoop) -> None:
        tasks = self._supervisors.get(loop)
        if tasks is None:
            tasks = self._supervisors[loop] = {}
        task = tasks.get(db.id)
        if task is None or task.done():
            waker = asyncio.Event()
            task = loop.create_task(self._supervise(db, loop, waker), name="agno-core-supervisor")
            tasks[db.id] = task
            self._wakers[task] = waker

    def _runs_of(self, db: SqlDb, loop: asyncio.AbstractEventLoop) -> list[ActiveRun]:
        return [r for r in self.active.values() if r.db is db and r.loop is loop]

    async def _supervise(
        self, db: SqlDb, loop: asyncio.AbstractEventLoop, waker: asyncio.Event
    ) -> None:
        last_renew = time.monotonic()
        try:
            first = True
            while True:
                # Renew three times per lease and look at least four times per lease, so a
                # lease never lapses while this process is alive (even a short one).
                lease = db.run_lease_seconds
                # Sleep one tick; a wake-up (the last run ended) only serves to exit early.
                deadline = time.monotonic() + min(POLL_INTERVAL, lease / 4.0)
                while (left := deadline - time.monotonic()) > 0:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(left):
                            await waker.wait()
                    waker.clear()
                    if not self._runs_of(db, loop):
                        return
                runs = self._runs_of(db, loop)
                if not runs:
                    return
                ids = [r.run_id for r in runs]
                done = asyncio.Event()
                me = asyncio.current_task()
                assert me is not None
                self._busy[me] = done
                try:
                    if first:
                        first = False
                        # Running things on this db is a moment to reap runs of dead processes
                        # (at most once per third of a lease: supervisors come and go with
                        # bursts of runs). Not before a first tick, so a run that ends at once
                        # never leaves a query in flight behind it.
                        last = self._last_reap.get(db.id, -1e9)
                        if time.monotonic() - last >= db.run_lease_seconds / 3:
                            self._last_reap[db.id] = time.monotonic()
                            await db.aexpire_leases()
                    for run_id in await db.acancel_intents(ids):
                        run = self.active.get(run_id)
                        if run is not None:
                            run.cancel_from_db = True
                        self.cancel(run_id, "cancelled by request from another process")
                    if time.monotonic() - last_renew >= lease / 3.0:
                        await db.arenew_leases(ids)
                        # Also reap runs of dead processes, so they do not wait for a read.
                        await db.aexpire_leases()
                        last_renew = time.monotonic()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the db may be briefly unavailable: keep going
                    log.warning("run supervisor: db check failed: %s", exc)
                finally:
                    self._busy.pop(me, None)
                    done.set()
        finally:
            me = asyncio.current_task()
            tasks = self._supervisors.get(loop)
            if tasks is not None and tasks.get(db.id) is me:
                del tasks[db.id]
            if me is not None:
                self._wakers.pop(me, None)


local_runs = LocalRuns()
