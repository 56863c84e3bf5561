"""The db the seed programs use: SQLite by default, PostgreSQL when AGNO_DB_URL says so."""

from __future__ import annotations

import os

from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb


def seed_db() -> SqliteDb | PostgresDb:
    """``AGNO_DB_URL=postgresql+psycopg://...`` for PostgreSQL, else ``tmp/agno.db``."""
    url = os.environ.get("AGNO_DB_URL")
    if url and url.startswith("postgres"):
        return PostgresDb(db_url=url)
    return SqliteDb(db_file=os.environ.get("AGNO_DB_FILE", "tmp/agno.db"))
