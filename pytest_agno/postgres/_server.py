"""The handle of a PostgreSQL server: `PostgresServer`, its URLs, its databases, and stopping it.

`pytest_agno.postgres._launcher` builds one, by starting a server or by wrapping one given by URL;
this module owns what a test does with it afterwards. psycopg is imported only when a database is
created or dropped.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from pytest_agno.postgres._termination import untrack

__all__ = ["PostgresServer", "kill"]

_MAX_IDENTIFIER = 63


@dataclass(kw_only=True, eq=False)
class PostgresServer:
    """A PostgreSQL server that tests may create and drop databases on.

    Attributes:
        host: Host name or address, or a Unix socket directory (starting with `/`).
        port: Port number.
        user: Role to connect as; it needs the right to create databases.
        password: The role's password; never shown by `repr()`.
        data_dir: Data directory of a server started by `start_postgres`, None for an external one.
        database: Maintenance database for administrative connections and the default of `url()`.
        options: Further libpq parameters of an external URL (such as `sslmode`); not in `repr()`.
    """

    host: str
    port: int
    user: str
    password: str | None = field(default=None, repr=False)
    data_dir: Path | None = None
    database: str = "postgres"
    options: dict[str, str] = field(default_factory=dict, repr=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _stopped: bool = field(default=False, init=False, repr=False)

    def url(self, database: str | None = None, *, driver: str = "postgresql+psycopg") -> str:
        """Return a SQLAlchemy URL, such as `postgresql+psycopg://postgres@127.0.0.1:5432/db`.

        Args:
            database: Database to connect to; defaults to the maintenance database.
            driver: SQLAlchemy dialect and driver, written as the URL scheme.
        """
        return self._url(driver, database)

    def libpq_url(self, database: str | None = None) -> str:
        """Return a plain `postgresql://` URL, for `psycopg.connect` and other libpq clients.

        Args:
            database: Database to connect to; defaults to the maintenance database.
        """
        return self._url("postgresql", database)

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a database and return its name.

        Args:
            name: Name of the new database; a random one (`agno_<hex>`) when None.
            template: Database to clone; the server's default (`template1`) when None.

        Raises:
            ValueError: `name` is longer than PostgreSQL keeps (63 bytes).
            psycopg.Error: The server refused, e.g. the name is taken or the template is in use.
        """
        from psycopg import sql

        if name is None:
            name = f"agno_{secrets.token_hex(8)}"
        if len(name.encode()) > _MAX_IDENTIFIER:
            # PostgreSQL would silently truncate it, and a later drop by the full name would miss.
            raise ValueError(f"database name longer than {_MAX_IDENTIFIER} bytes: {name!r}")
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        self._admin_execute(query)
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists, closing any connections still open to it.

        Args:
            name: Database to drop.
        """
        from psycopg import sql

        query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        self._admin_execute(query)

    def stop(self) -> None:
        """Stop a started server and delete its data directory; a no-op for an external server.

        Safe to call more than once; also runs at interpreter exit if never called.
        """
        atexit.unregister(self._shutdown)
        untrack(self._shutdown)
        self._shutdown()

    def _shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._process is not None:
            kill(self._process)
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _connect_kwargs(self, database: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            **self.options,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "dbname": database if database is not None else self.database,
        }
        if self.password is not None:
            kwargs["password"] = self.password
        return kwargs

    def _admin_execute(self, query: Any) -> None:
        import psycopg

        with psycopg.connect(**self._connect_kwargs(), autocommit=True) as conn:
            conn.execute(query)

    def _url(self, scheme: str, database: str | None) -> str:
        userinfo = quote(self.user, safe="")
        if self.password is not None:
            userinfo += ":" + quote(self.password, safe="")
        query = dict(self.options)
        if self.host.startswith("/"):
            location = ""
            query.update(host=self.host, port=str(self.port))
        else:
            location = f"[{self.host}]" if ":" in self.host else self.host
            location += f":{self.port}"
        name = quote(database if database is not None else self.database, safe="")
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{scheme}://{userinfo}@{location}/{name}{suffix}"

    def _display(self) -> str:
        secret = ":***" if self.password else ""
        return f"{self.user}{secret}@{self.host}:{self.port}/{self.database}"


def kill(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process at once and wait for it (SIGQUIT, then SIGKILL after 15 s)."""
    if process.poll() is None:
        # Immediate shutdown: no checkpoint, since the data is about to be deleted.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
