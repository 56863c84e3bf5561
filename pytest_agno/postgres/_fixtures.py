"""The pytest fixtures that hand out PostgreSQL databases (see `pytest_agno.postgres._launcher`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from pytest_agno.postgres._launcher import PostgresServer

# The plugin defines these fixtures on every pytest start: the launcher (subprocess, sockets,
# psycopg's helpers) is imported only when a test asks for a server.

__all__ = ["agno_pg_server", "pg_url"]


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
            _ensure_database(server, TEMPLATE_DATABASE)
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


@pytest.fixture
def pg_url(agno_pg_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL (`postgresql+psycopg://`) of a fresh database, dropped after the test."""
    from pytest_agno.postgres._launcher import TEMPLATE_DATABASE

    name = agno_pg_server.create_database(template=TEMPLATE_DATABASE)
    try:
        yield agno_pg_server.url(name)
    finally:
        agno_pg_server.drop_database(name)


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


def _ensure_database(server: PostgresServer, name: str) -> None:
    import psycopg

    from pytest_agno.postgres._launcher import PostgresUnavailable, _mask

    try:
        server.create_database(name)
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
