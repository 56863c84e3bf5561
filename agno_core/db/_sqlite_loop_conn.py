"""The SQLite writer connection opened on the event loop, with a worker thread only when needed.

A run's writes go through one held connection per db and event loop (`agno_core.db._direct`),
and they commit on the loop when that cannot wait (`agno_core.db._sqlite_commits`). Opened
through aiosqlite, that connection still cost a worker thread per loop, started and joined, and
four round trips to it (open, settings, settings back, close) that carry no write at all: in a
test suite, where every test has a loop and a database of its own, that was the larger part of
a test's storage cost (about 1 ms of CPU and 1-3 ms of wall time under load).

So, when nothing has to wait, the writer is a plain ``sqlite3`` connection opened on the loop
thread: opening an existing WAL database with a busy timeout of 0 either succeeds at once or
says "busy", and then the writer is opened through aiosqlite as before. `LoopConnection` offers
the one primitive `SqliteCommits` uses from aiosqlite (``_execute(job, *args)``, a job run in
the connection's thread): here a single worker thread, started the first time a write has to
wait for another writer (or a checkpoint runs), so one that never waits never starts it.

Closing: when the last connection to a WAL database closes, SQLite checkpoints it, and with
``synchronous=NORMAL`` that syncs the files. That is done on the loop only for a database in
RAM (tmpfs: the plugin's test databases, ``SqliteDb(":memory:")``'s private file), where a sync
costs nothing; elsewhere the close runs in the worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["LoopConnection", "open_on_loop"]

_RAM_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})


class LoopConnection:
    """A ``sqlite3`` connection used on the event loop, with a worker thread on demand.

    Mirrors what `SqliteCommits` uses of an aiosqlite connection: ``_conn``, ``_running`` and
    ``_execute(job, *args)``. Jobs run one at a time, in order, in one thread.
    """

    def __init__(self, conn: sqlite3.Connection, *, busy_ms: int, in_ram: bool) -> None:
        self._conn = conn
        self.busy_ms = busy_ms  # for writes that wait (in the worker); on the loop it is 0
        self._running = True
        self._in_ram = in_ram
        self._worker: ThreadPoolExecutor | None = None

    @property
    def has_worker(self) -> bool:
        """Whether the worker thread was started (a write waited, or a checkpoint ran)."""
        return self._worker is not None

    async def _execute(self, job: Callable[..., Any], *args: Any) -> Any:
        if not self._running:
            raise ValueError("Connection closed")  # aiosqlite's words for it
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agno-sqlite")
        return await asyncio.wrap_future(self._worker.submit(job, *args))

    async def close(self) -> None:
        """Close the connection: on the loop when its database is in RAM, else in the worker."""
        if not self._running:
            return
        self._running = False
        worker, self._worker = self._worker, None
        try:
            if worker is None and self._in_ram:
                self._conn.close()
                return
            worker = worker or ThreadPoolExecutor(max_workers=1)
            try:
                closing = worker.submit(self._conn.close)
            except RuntimeError:  # no new thread at interpreter shutdown: close it here
                self._conn.close()
                return
            await asyncio.wrap_future(closing)
        finally:
            if worker is not None:
                worker.shutdown(wait=False)


def open_on_loop(path: str, busy_ms: int) -> LoopConnection | None:
    """Open ``path``, an existing WAL database, without waiting (None: it would have to wait).

    The connection is set up as `SqliteCommits` wants a writer that commits on the loop: no
    busy timeout and no automatic checkpoint (see `agno_core.db._sqlite_commits`).

    Args:
        path: The database file.
        busy_ms: The busy timeout of writes that wait for the lock (in the worker thread).
    """
    if not os.path.isfile(path):  # a new database is made through the engine, not here
        return None
    conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
    try:
        # Reading the journal mode opens the WAL index; it never converts the file (that
        # needs the exclusive lock, and is left to the engine's connections).
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
        if mode.lower() != "wal":
            conn.close()
            return None
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
    except sqlite3.OperationalError:  # busy (another connection recovers the WAL), or worse
        conn.close()
        return None
    directory = os.path.dirname(os.path.abspath(path))
    return LoopConnection(conn, busy_ms=int(busy_ms), in_ram=_in_ram(directory))


@functools.lru_cache(maxsize=64)
def _in_ram(directory: str) -> bool:
    """Whether ``directory`` is on a RAM filesystem (the mount with the longest matching path)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            table = [line.split()[1:3] for line in mounts if len(line.split()) >= 3]
    except OSError:  # not Linux: assume a disk
        return False
    real = os.path.realpath(directory)
    best, kind = "", ""
    for mount_point, fstype in table:
        point = mount_point.replace("\\040", " ")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fstype
    return kind in _RAM_FILESYSTEMS
