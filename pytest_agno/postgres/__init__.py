"""A throwaway PostgreSQL server for tests: launcher, its home directory, and the fixtures.

Owns starting a server from the machine's binaries (``_launcher``: initdb, pg_ctl, a template
database, one fresh database per test; or an external server given by URL), the handle it returns
(``_server``: `PostgresServer`, its URLs and databases, stopping it), the server's home and
owner (``_home``: a data directory the ``postgres`` user owns when running as root, reaping
orphans of dead sessions) and the session/test fixtures the plugin re-exports (``_fixtures``:
``agno_pg_server``, ``pg_url``; ``_db_fixtures``: ``pg_db`` and the template with agno_core's
tables it clones). It may import the standard library, pytest and (lazily) psycopg, and inside
``_db_fixtures``' fixtures agno_core's public db API: no other part of pytest_agno.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_agno.postgres._launcher import (
        PostgresServer,
        PostgresUnavailable,
        connect_external,
        start_postgres,
    )
    from pytest_agno.postgres._pool import DatabasePool

__all__ = [
    "DatabasePool",
    "PostgresServer",
    "PostgresUnavailable",
    "connect_external",
    "start_postgres",
]


def __getattr__(name: str) -> Any:
    # The plugin imports this package for its fixtures on every pytest start; the launcher
    # loads on first use of one of its names.
    if name == "DatabasePool":
        from pytest_agno.postgres import _pool

        return _pool.DatabasePool
    if name in __all__:
        from pytest_agno.postgres import _launcher

        return getattr(_launcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
