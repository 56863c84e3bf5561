"""A PostgreSQL server of one's own, that a test may stop and start again (a restart, an outage).

The session's shared server (the `pg_db` fixtures) must never go down under other tests, so the
tests of a db that goes away start a private one with the same launcher.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from pytest_agno.postgres import PostgresServer, start_postgres
from pytest_agno.postgres._home import as_owner, server_owner

__all__ = ["OwnPostgres", "own_postgres"]


@dataclass(eq=False)
class OwnPostgres:
    """A started server and the means to stop and restart it on the same port and data."""

    server: PostgresServer

    def url(self, database: str, *, password: str | None = None) -> str:
        """A SQLAlchemy URL of ``database``; the server trusts local users, any password works."""
        url = self.server.url(database)
        if password is not None:
            user = self.server.user
            url = url.replace(f"//{user}@", f"//{user}:{password}@", 1)
        return url

    def stop(self) -> None:
        """A fast shutdown: open connections are terminated, as in a server restart."""
        process = self._process()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)

    def start(self) -> None:
        """Start the stopped server again (same data directory, same port)."""
        old = self._process()
        assert old.poll() is not None, "the server is running"
        assert self.server.data_dir is not None
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(LC_ALL="C", TZ="UTC")
        with (self.server.data_dir / "restart.log").open("ab") as log:
            process = subprocess.Popen(
                old.args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.server.data_dir,
                env=env,
                start_new_session=True,
                **as_owner(server_owner()),
            )
        self.server._process = process
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.server.libpq_url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self._process().poll() is not None:
                    raise
                time.sleep(0.05)

    def _process(self) -> subprocess.Popen[bytes]:
        process = self.server._process
        assert process is not None
        return process


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    """A private PostgreSQL server for this module's tests (stopped and deleted after)."""
    own = OwnPostgres(server=start_postgres())
    try:
        yield own
    finally:
        own.server.stop()
