"""Per-test databases made ahead of need and dropped after use, off the tests' critical path.

A test's own database is a clone of the session's template (``CREATE DATABASE ... TEMPLATE``,
20-60 ms of server work) dropped after it (``DROP DATABASE``, 7-20 ms), each over an admin
connection of its own (another 5-10 ms). `DatabasePool` does that work in a background thread on
one held admin connection: it keeps a few clones ready, so a test takes one that is already there
and only connects to it, and it drops the databases given back while the next test runs. Every
test still gets a database nobody used before, and every database is dropped (the last ones when
the pool closes, at the end of the session).
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.postgres._launcher import PostgresServer

__all__ = ["DatabasePool"]

# Clones kept ready. The tests of one process take them one at a time; two cover the time a
# test spends on its own database while the next is being cloned.
AHEAD = 2
# Databases given back that may wait for their drop while clones are due (disk: ~8 MB each).
MAX_PENDING_DROPS = 4


class DatabasePool:
    """Clones of ``template`` on ``server``, made and dropped by a background thread.

    Args:
        server: The server (its admin role creates and drops the databases).
        template: The database every clone copies.
        file_copy: Clone with ``STRATEGY FILE_COPY`` (PostgreSQL 15+): copies the template's
            files and checkpoints, cheaper than the default's page-by-page WAL logging when the
            server does not sync to disk (the server ``start_postgres`` starts), dearer when it
            does.
        ahead: How many clones to keep ready.
    """

    def __init__(
        self, server: PostgresServer, template: str, *, file_copy: bool = False, ahead: int = AHEAD
    ) -> None:
        self._server = server
        self._template = template
        self._file_copy = file_copy
        self._ahead = ahead
        self._ready: deque[str] = deque()
        self._drops: deque[str] = deque()
        self._error: BaseException | None = None
        self._closed = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def take(self) -> str:
        """The name of a fresh clone of the template, for the caller alone.

        Raises:
            psycopg.Error: The server refused to clone the template (raised here, in the test
                that waited for the clone).
        """
        with self._cond:
            if self._closed:
                raise RuntimeError("the database pool is closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="pytest-agno-pg-pool", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
            while not self._ready and self._error is None:
                self._cond.wait()
            if self._ready:
                name = self._ready.popleft()
                self._cond.notify_all()
                return name
            error, self._error = self._error, None
            assert error is not None
            self._cond.notify_all()  # the worker waits for the error to be taken
            raise error

    def give_back(self, name: str) -> None:
        """Drop ``name`` (a database `take` gave) in the background."""
        with self._cond:
            self._drops.append(name)
            self._cond.notify_all()
        if self._thread is None:  # pragma: no cover - take() starts it
            self._drop_now([name])

    def close(self) -> None:
        """Stop the worker, then drop every clone still ready and every database given back."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
        with self._cond:
            names = [*self._ready, *self._drops]
            self._ready.clear()
            self._drops.clear()
        self._drop_now(names)

    # -- the worker ----------------------------------------------------------------------------

    def _work(self) -> None:
        conn: Any = None
        try:
            while True:
                with self._cond:
                    job = self._next_job()
                    if job is None:
                        return
                try:
                    if conn is None:
                        conn = self._connect()
                    kind, name = job
                    if kind == "create":
                        self._create(conn, name)
                    else:
                        self._drop(conn, name)
                except BaseException as exc:
                    with self._cond:
                        if job[0] == "drop":
                            # Not this test's problem; the pool's close retries it.
                            self._drops.append(job[1])
                            self._cond.wait(0.1)
                            continue
                        self._error = exc
                        self._cond.notify_all()
                        # One error per wait: the next clone is tried when the error was seen.
                        while self._error is not None and not self._closed:
                            self._cond.wait()
                    if conn is not None and conn.closed:
                        conn = None
                    continue
                with self._cond:
                    if job[0] == "create":
                        self._ready.append(job[1])
                    self._cond.notify_all()
        finally:
            if conn is not None:
                conn.close()

    def _next_job(self) -> tuple[str, str] | None:
        """Under the lock: the next round trip to make (None: stop), waiting for one if need be."""
        while True:
            if self._closed:
                return None
            if self._drops and (
                len(self._drops) > MAX_PENDING_DROPS or len(self._ready) >= self._ahead
            ):
                return ("drop", self._drops.popleft())
            if len(self._ready) < self._ahead:
                return ("create", f"agno_{secrets.token_hex(8)}")
            self._cond.wait()

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(**self._server._connect_kwargs(), autocommit=True)

    def _create(self, conn: Any, name: str) -> None:
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(self._template)
        )
        if self._file_copy and conn.info.server_version >= 150000:
            query = sql.SQL("{} STRATEGY FILE_COPY").format(query)
        conn.execute(query)

    def _drop(self, conn: Any, name: str) -> None:
        from psycopg import sql

        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def _drop_now(self, names: list[str]) -> None:
        if not names:
            return
        conn = self._connect()
        try:
            for name in names:
                self._drop(conn, name)
        finally:
            conn.close()
