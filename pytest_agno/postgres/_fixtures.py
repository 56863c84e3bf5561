"""The pytest fixtures that hand out PostgreSQL databases (see `pytest_agno.postgres._launcher`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from pytest_agno.postgres._launcher import PostgresServer
    from pytest_agno.postgres._pool import DatabasePool

# The plugin defines these fixtures on every pytest start: the launcher (subprocess, sockets,
# psycopg's helpers) is imported only when a test asks for a server.

__all__ = ["agno_pg_pool", "agno_pg_server", "database_pool", "ensure_database", "pg_url"]


@pytest.fixture(scope="session")
def agno_pg_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session, with the template database created.

    Uses `--agno-pg-url` (ini `agno_pg_url`, env `AGNO_PG_URL`) when given, else starts a
    private server. Without a server the tests that need it are skipped, or fail when the `CI`
    environment variable is `true` or `1`.
    """
    from pytest_agno.postgres._launcher import TEMPLATE_DATABASE, PostgresUnavailable

    reason: str | None = None
    try:
        server = _open_server(request)
        try:
            ensure_database(server, TEMPLATE_DATABASE)
        except BaseException:
            server.stop()
            raise
    except PostgresUnavailable as exc:
        reason = str(exc)
    if reason is not None:  # outside the except block: a one-line report, no chained traceback
        _give_up(reason)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def agno_pg_pool(agno_pg_server: PostgresServer) -> Iterator[DatabasePool]:
    """The databases `pg_url` hands out: empty clones of the template, made ahead, dropped after.

    A background thread keeps a couple of fresh clones ready and drops the databases the tests
    are done with, so a test's setup only takes a name and its teardown only hands it back.
    Every database serves one test; the last ones are dropped at the end of the session.
    """
    from pytest_agno.postgres._launcher import TEMPLATE_DATABASE

    with database_pool(agno_pg_server, TEMPLATE_DATABASE) as pool:
        yield pool


@pytest.fixture
def pg_url(agno_pg_pool: DatabasePool, agno_pg_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL (`postgresql+psycopg://`) of a fresh, empty database of the test's own.

    No other test uses it; it is dropped after the test (in the background).
    """
    name = agno_pg_pool.take()
    try:
        yield agno_pg_server.url(name)
    finally:
        agno_pg_pool.give_back(name)


@contextlib.contextmanager
def database_pool(server: PostgresServer, template: str) -> Iterator[DatabasePool]:
    """A `DatabasePool` of ``template``'s clones on ``server``, closed (all dropped) at exit."""
    from pytest_agno.postgres._pool import DatabasePool

    # A server of ours does not sync to disk: copying the template's files is the cheap clone.
    pool = DatabasePool(server, template, file_copy=server.data_dir is not None)
    try:
        yield pool
    finally:
        pool.close()


def _open_server(request: pytest.FixtureRequest) -> PostgresServer:
    from pytest_agno.postgres._launcher import connect_external, start_postgres

    url = _configured_url(request.config)
    if url:
        return connect_external(url)
    # Not under tmp_path_factory: see _RAM_DIR for why memory is preferred, and cleanup is ours.
    return start_postgres()


def _configured_url(config: pytest.Config) -> str | None:
    value = config.getoption("agno_pg_url", default=None)
    if not value:
        try:
            value = config.getini("agno_pg_url")
        except ValueError:  # the plugin that declares the ini key is not loaded
            value = None
    if not value:
        value = os.environ.get("AGNO_PG_URL")
    return str(value) if value else None


def ensure_database(server: PostgresServer, name: str, *, template: str | None = None) -> None:
    """Create database ``name`` (from ``template``) unless it exists.

    Raises:
        PostgresUnavailable: The server refused for another reason (the message says why).
    """
    import psycopg

    from pytest_agno.postgres._launcher import PostgresUnavailable, _mask

    try:
        server.create_database(name, template=template)
    except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
        # Made by an earlier run or, under xdist, by another worker racing us (which surfaces
        # as a unique violation on pg_database).
        pass
    except psycopg.Error as exc:
        reason = _mask(str(exc).strip(), server.password)
        raise PostgresUnavailable(f"cannot create database {name!r}: {reason}") from None


def _give_up(reason: str) -> NoReturn:
    reason = " ".join(reason.split())  # one line: libpq's messages carry a tab-indented hint
    if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
        pytest.fail(f"PostgreSQL is required on CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")
