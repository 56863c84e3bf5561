"""The PostgreSQL fixtures that hand out agno_core dbs: `pg_db` and the template it clones.

Next to ``_fixtures`` (the server and empty databases, which know nothing of agno_core): these
build agno_core's `PostgresDb`, imported inside the fixtures, so that defining them on every
pytest start imports neither agno_core nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.postgres._launcher import PostgresServer
    from pytest_agno.postgres._pool import DatabasePool

__all__ = ["TABLES_TEMPLATE", "agno_pg_tables_pool", "pg_db"]


@pytest.fixture
def pg_db(agno_pg_tables_pool: DatabasePool, agno_pg_server: PostgresServer) -> Iterator[SqlDb]:
    """A `PostgresDb` on a real PostgreSQL, in a database of its own for this test.

    The server is started once per test session from the machine's binaries (as the
    ``postgres`` user when running as root), or is the one given by ``--agno-pg-url`` /
    ``AGNO_PG_URL``. Without a server the test is skipped, except under ``CI=true`` where it
    fails. The database is a clone of a template that has agno_core's tables (and no rows),
    made ahead and dropped after the test in the background (``agno_pg_tables_pool``); it is
    not the database of ``pg_url``, which is empty.
    """
    from agno_core.db.postgres import PostgresDb

    name = agno_pg_tables_pool.take()
    try:
        db = PostgresDb(db_url=agno_pg_server.url(name))
        # The clone has the tables this agno_core made in the template at the start of the
        # session: the check a db makes on first use has nothing to find out.
        db._schema_ready = True
        yield db
    finally:
        agno_pg_tables_pool.give_back(name)


TABLES_TEMPLATE = "agno_template_tables"
"""The template `pg_db` clones: the empty template plus agno_core's tables."""


@pytest.fixture(scope="session")
def agno_pg_tables_pool(agno_pg_server: PostgresServer) -> Iterator[DatabasePool]:
    """The databases `pg_db` hands out: clones of a template with agno_core's tables.

    Creating the tables is a few dozen DDL statements (about 40 ms a test when each test's
    database made them on first use): here they are made once per session, in the template
    (a no-op when they are current), and clones are made ahead and dropped after use in the
    background, as for `agno_pg_pool`.
    """
    from pytest_agno.postgres._fixtures import database_pool, ensure_database
    from pytest_agno.postgres._launcher import TEMPLATE_DATABASE

    ensure_database(agno_pg_server, TABLES_TEMPLATE, template=TEMPLATE_DATABASE)
    _create_tables(agno_pg_server.url(TABLES_TEMPLATE))
    with database_pool(agno_pg_server, TABLES_TEMPLATE) as pool:
        yield pool


def _create_tables(template_url: str) -> None:
    import asyncio

    from agno_core.db.postgres import PostgresDb

    async def create() -> None:
        db = PostgresDb(db_url=template_url)
        try:
            await db.aready()
        finally:
            await db.aclose()

    asyncio.run(create())
