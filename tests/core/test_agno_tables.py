"""A database that already holds the agno package's own tables (same default names, Agno's
layout): agno_core refuses them by name, without touching them, and works beside them under
table names of its own (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import text

from agno_core.agent import Agent
from agno_core.db import SqlDb, StorageError
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI

# The shape of Agno 3.1.10's tables (the columns that matter), as Agno creates them.
AGNO_DDL = [
    "CREATE TABLE agno_schema_versions (table_name VARCHAR NOT NULL PRIMARY KEY, "
    "version VARCHAR NOT NULL, created_at VARCHAR NOT NULL, updated_at VARCHAR)",
    "CREATE TABLE agno_sessions (session_id VARCHAR NOT NULL PRIMARY KEY, session_type VARCHAR "
    "NOT NULL, agent_id VARCHAR, user_id VARCHAR, session_data JSON, agent_data JSON, "
    "runs JSON, created_at BIGINT NOT NULL, updated_at BIGINT)",
    "CREATE TABLE agno_runs (run_id VARCHAR NOT NULL PRIMARY KEY, session_id VARCHAR NOT NULL, "
    "run_type VARCHAR NOT NULL, status VARCHAR, run_data JSON NOT NULL, created_at BIGINT)",
    "INSERT INTO agno_schema_versions VALUES ('agno_sessions', '3.0.0', 'x', NULL)",
    "INSERT INTO agno_sessions (session_id, session_type, created_at) VALUES ('s1', 'agent', 1)",
]
OWN = {
    "session_table": "agno_core_sessions",
    "runs_table": "agno_core_runs",
    "memory_table": "agno_core_memories",
    "eval_table": "agno_core_eval_runs",
    "cancel_intents_table": "agno_core_cancel_intents",
    "versions_table": "agno_core_schema_versions",
}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database written by Agno first: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'agno.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        for statement in AGNO_DDL:
            conn.execute(text(statement.replace("JSON", "TEXT")))
    engine.dispose()
    return url


def _db(url: str, **options: object) -> SqlDb:
    if url.startswith("sqlite"):
        return SqliteDb(db_file=url.removeprefix("sqlite:///"), **options)  # type: ignore[arg-type]
    return PostgresDb(db_url=url, **options)  # type: ignore[arg-type]


def _agno_rows(url: str) -> list[tuple[object, ...]]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM agno_schema_versions"))]
        rows += [tuple(r) for r in conn.execute(text("SELECT session_id FROM agno_sessions"))]
    engine.dispose()
    return rows


async def test_agnos_tables_are_refused_by_name_and_left_alone(
    url: str, mock_model: MockOpenAI
) -> None:
    before = _agno_rows(url)
    db = _db(url)

    with pytest.raises(StorageError) as raised:
        await db.aready()

    message = str(raised.value)
    assert "agno_runs, agno_schema_versions, agno_sessions are the agno package's own" in message
    assert "session_table='agno_core_sessions'" in message
    assert _agno_rows(url) == before
    await db.aclose()


async def test_agno_core_works_beside_them_under_its_own_names(
    url: str, mock_model: MockOpenAI
) -> None:
    before = _agno_rows(url)
    db = _db(url, **OWN)

    run = await Agent(db=db).arun("hi", session_id="s1")

    assert run.status is RunStatus.completed
    stored = await Agent(db=db).aget_run_output(run.run_id, "s1")
    assert stored is not None and stored.status is RunStatus.completed
    assert _agno_rows(url) == before
    await db.aclose()
