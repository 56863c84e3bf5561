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
# While the db checks keep failing, one log line per this many seconds (not one per tick).
FAILURE_LOG_EVERY = 30.0
# How long an async cancel waits for the run to store its CANCELLED state.
CANCEL_WAIT = 2.0
# How long a run that ended cancelled still reads as cancelled (`LocalRuns.ended_cancelled`).
ENDED_CANCELLED_TTL = 600.0


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

    def flag_cancel(self, reason: str | None = None) -> None:
        """Flag this run and its member runs as cancelled, without interrupting anything.

        Without a ``reason``, each run's is Agno's ``"Run <its id> was cancelled"``.
        """
        for run in self._tree():
            if not run.cancel_requested:
                run.cancel_requested = True
                run.cancel_reason = reason or f"Run {run.run_id} was cancelled"

    def request_cancel(self, reason: str | None = None) -> None:
        """Flag this run and its member runs; interrupt the task if the run is executing."""
        self.flag_cancel(reason)
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
        # Ids registered by user code (`agno_core.run.cancel.register_run`), run by no agent here.
        self.registered: set[str] = set()
        # Runs of this process that ended cancelled, kept a while for `is_cancelled`: a sync tool
        # in a worker thread outlives its run (a cancel cannot interrupt a thread) and must still
        # see the cancel when it checks.
        self._ended_cancelled: dict[str, float] = {}
        # Per event loop, the watch over each db's runs there (by the db's id attribute).
        self._watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Watch]] = (
            weakref.WeakKeyDictionary()
        )
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

    def ended_cancelled(self, run_id: str) -> bool:
        """Whether ``run_id`` ran here and ended cancelled in the last ten minutes."""
        expires = self._ended_cancelled.get(run_id)
        return expires is not None and expires >= time.time()

    def intents(self) -> list[str]:
        """The run ids with a cancel intent that has not expired."""
        now = time.time()
        return [run_id for run_id, expires in self._intents.items() if expires >= now]

    # -- live runs --------------------------------------------------------------------------
    def register(self, run: ActiveRun) -> None:
        if run.run_id in self.active:
            raise ValueError(f"a run with id {run.run_id!r} is already running in this process")
        self.active[run.run_id] = run
        if run.parent is not None:
            run.parent.children.append(run)
        if run.db is not None:
            self._watch(run.db, run.loop).add(run, self)

    def unregister(self, run: ActiveRun) -> None:
        run.done.set()
        if self.active.get(run.run_id) is run:
            del self.active[run.run_id]
        if run.cancel_requested:
            now = time.time()
            if len(self._ended_cancelled) > 1000:
                self._ended_cancelled = {k: v for k, v in self._ended_cancelled.items() if v > now}
            self._ended_cancelled[run.run_id] = now + ENDED_CANCELLED_TTL
        if run.db is not None:
            watch = self._watches.get(run.loop, {}).get(run.db.id)
            if watch is not None:
                watch.discard(run)
                self._forget_if_idle(run.loop, watch)
        if run.parent is not None and run in run.parent.children:
            run.parent.children.remove(run)

    async def acancel(self, run_id: str, reason: str | None = None) -> bool | None:
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
        if run.db is None:
            return
        watch = self._watches.get(run.loop, {}).get(run.db.id)
        if watch is None or watch.runs:
            return
        if watch.idle is not None and watch.task is not asyncio.current_task():
            await watch.idle.wait()

    def cancel(self, run_id: str, reason: str | None = None) -> bool | None:
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
    def _watch(self, db: SqlDb, loop: asyncio.AbstractEventLoop) -> _Watch:
        watches = self._watches.get(loop)
        if watches is None:
            watches = self._watches[loop] = {}
        watch = watches.get(db.id)
        if watch is None:
            watch = watches[db.id] = _Watch(db=db)
        return watch

    def _forget_if_idle(self, loop: asyncio.AbstractEventLoop, watch: _Watch) -> None:
        """Drop a watch with no runs and no supervisor: kept, it would keep its db alive."""
        watches = self._watches.get(loop, {})
        if not watch.runs and watch.task is None and watches.get(watch.db.id) is watch:
            del watches[watch.db.id]

    async def _supervise(self, watch: _Watch) -> None:
        """Poll cancel intents and renew leases while ``watch`` has runs; started one tick late."""
        db = watch.db
        last_renew = time.monotonic()
        first = True
        try:
            while watch.runs:
                ids = list(watch.runs)
                watch.idle = asyncio.Event()
                try:
                    if first:
                        first = False
                        # Running things on this db is a moment to reap runs of dead processes
                        # (at most once per third of a lease: supervisors come and go with
                        # bursts of runs).
                        last = self._last_reap.get(db.id, -1e9)
                        if time.monotonic() - last >= db.run_lease_seconds / 3:
                            self._last_reap[db.id] = time.monotonic()
                            # Our own runs' leases first: a loop that stalled since they were
                            # written (a loaded machine) must not reap the runs it executes.
                            await db.arenew_leases(ids)
                            last_renew = time.monotonic()
                            await db.aexpire_leases()
                    for run_id in await db.acancel_intents(ids):
                        run = self.active.get(run_id)
                        if run is not None:
                            run.cancel_from_db = True
                        self.cancel(run_id)  # asked through the db by another process
                    if time.monotonic() - last_renew >= db.run_lease_seconds / 3.0:
                        await db.arenew_leases(ids)
                        # Also reap runs of dead processes, so they do not wait for a read.
                        await db.aexpire_leases()
                        last_renew = time.monotonic()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the db may be briefly unavailable: keep going
                    watch.failed(exc)
                else:
                    watch.recovered()
                finally:
                    idle, watch.idle = watch.idle, None
                    idle.set()
                # Sleep one tick; the last run ending wakes it up to exit at once.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(watch.tick):
                        await watch.waker.wait()
                watch.waker.clear()
        finally:
            if watch.task is asyncio.current_task():
                watch.task = None
                self._forget_if_idle(asyncio.get_running_loop(), watch)


@dataclass(eq=False, slots=True)
class _Watch:
    """The live runs of one db on one event loop, and the supervisor that looks after them.

    Most runs of a test suite end in milliseconds, long before anything could need a poll or a
    heartbeat, so the supervisor task is not started with the first run: a timer starts it one
    tick later if runs are still live then (a run that ends sooner costs a timer, not a task).
    """

    # No reference to the loop is kept once idle, so the registry's weak map can forget it.
    db: SqlDb
    runs: dict[str, ActiveRun] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task[None] | None = None
    waker: asyncio.Event = field(default_factory=asyncio.Event)
    # While the supervisor has a db query in flight: an event set when that query is over.
    idle: asyncio.Event | None = None
    # Since when the db checks fail (monotonic), and when that was last logged.
    failing_since: float | None = None
    logged_at: float = 0.0

    def failed(self, exc: Exception) -> None:
        """Log a failed db check: the first of a series, then once per `FAILURE_LOG_EVERY`."""
        now = time.monotonic()
        if self.failing_since is None:
            self.failing_since = now
        elif now - self.logged_at < FAILURE_LOG_EVERY:
            return
        self.logged_at = now
        log.warning(
            "run supervisor: db check failed%s: %s",
            f" (for {now - self.failing_since:.0f} s)" if now > self.failing_since else "",
            self.db.masked(str(exc)),
        )

    def recovered(self) -> None:
        if self.failing_since is not None:
            log.warning(
                "run supervisor: the db answers again after %.1f s",
                time.monotonic() - self.failing_since,
            )
            self.failing_since = None

    @property
    def tick(self) -> float:
        # Look at least four times per lease, so a lease never lapses while this process lives.
        return min(POLL_INTERVAL, self.db.run_lease_seconds / 4.0)

    def add(self, run: ActiveRun, registry: LocalRuns) -> None:
        self.runs[run.run_id] = run
        if self.task is None and self.timer is None:
            self.timer = run.loop.call_later(self.tick, self._start, registry, run.loop)

    def discard(self, run: ActiveRun) -> None:
        if self.runs.get(run.run_id) is run:
            del self.runs[run.run_id]
        if not self.runs:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            self.waker.set()

    def _start(self, registry: LocalRuns, loop: asyncio.AbstractEventLoop) -> None:
        self.timer = None
        if self.runs and self.task is None:
            self.waker.clear()
            self.task = loop.create_task(registry._supervise(self), name="agno-core-supervisor")


local_runs = LocalRuns()
