"""What the exit-path tests share: the scripts' prelude and a look at the rows they left."""

from __future__ import annotations

import sqlite3
from collections import Counter

PRELUDE = """\
import asyncio, sys, time
from pytest_agno.mock import MockOpenAI
from agno_core.agent import Agent
from agno_core.team import Team
from agno_core.models.openai import OpenAIChat

KIND, WHERE = sys.argv[1], sys.argv[2]


def make_db(**options):
    if KIND == "sqlite":
        from agno_core.db.sqlite import SqliteDb
        return SqliteDb(db_file=WHERE, **options)
    from agno_core.db.postgres import PostgresDb
    return PostgresDb(db_url=WHERE, **options)


def model():
    return OpenAIChat(id="gpt-4o-mini", max_retries=0)
"""


def stored_statuses(kind: str, where: str) -> dict[str, int]:
    """How many runs of each status the database holds, over every runs table in it."""
    if kind == "sqlite":
        with sqlite3.connect(where) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name LIKE '%runs' AND name NOT LIKE '%eval%'"
                )
            ]
            rows = [r[0] for t in tables for r in conn.execute(f'SELECT status FROM "{t}"')]
        conn.close()
    else:
        import psycopg

        libpq = where.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(libpq) as pg:
            tables = [
                row[0]
                for row in pg.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() "
                    "AND table_name LIKE '%runs' AND table_name NOT LIKE '%eval%'"
                )
            ]
            rows = [r[0] for t in tables for r in pg.execute(f'SELECT status FROM "{t}"')]
    return dict(Counter(rows))
