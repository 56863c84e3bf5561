"""Secrets stay secret: API keys and db passwords never reach repr(), logs or the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from agno_core.agent import Agent
from agno_core.db.postgres import PostgresDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

SECRET = "sk-secret-0123456789abcdefSECRET"
ModelFactory = Callable[..., OpenAIBase]


def lookup(symbol: str) -> str:
    """Look a symbol up."""
    return f"{symbol}=1"


def _db_files(folder: Path, name: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith(name)}


def _script(mock: MockOpenAI) -> None:
    mock.add_tool_call("lookup", {"symbol": "AAPL"})
    mock.add_text("AAPL is 1.")
    mock.add_text("streamed answer")
    mock.add_error(401, "Incorrect API key provided: sk-secr*****CRET.")


async def _exercise(agent: Agent) -> None:
    """A tool run, a streamed run and a failed run."""
    assert (await agent.arun("price?")).status is RunStatus.completed
    events = [e async for e in agent.arun("stream", stream=True, stream_events=True)]
    assert events[-1].run_output.status is RunStatus.completed
    assert (await agent.arun("fails")).status is RunStatus.error


@pytest.mark.parametrize("cls", [OpenAIChat, OpenAIResponses])
def test_api_key_is_not_in_repr(cls: type[OpenAIBase], sqlite_db: SqliteDb) -> None:
    model = cls(id="gpt-4o-mini", api_key=SECRET, default_headers={"X-Key": SECRET})
    agent = Agent(model=model, db=sqlite_db)

    assert SECRET not in repr(model)
    assert SECRET not in str(model)
    assert SECRET not in repr(agent)
    assert SECRET not in str(model.to_dict())
    assert "gpt-4o-mini" in repr(model)


async def test_api_key_is_not_in_the_sqlite_file(
    tmp_path: Path, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    _script(mock_model)
    db = SqliteDb(db_file=tmp_path / "secrets.db")
    agent = Agent(model=make_model(api_key=SECRET), db=db, tools=[lookup], debug_mode=True)

    await _exercise(agent)
    await db.aclose()

    assert all(r.headers["authorization"] == f"Bearer {SECRET}" for r in mock_model.requests)
    files = _db_files(tmp_path, "secrets.db")
    assert b"AAPL is 1." in b"".join(files.values())  # the runs really are in there
    for name, content in files.items():  # the db and its WAL/SHM companions
        assert SECRET.encode() not in content, name


async def test_api_key_is_not_in_postgres_rows(
    pg_db: PostgresDb, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    _script(mock_model)
    agent = Agent(model=make_model(api_key=SECRET), db=pg_db, tools=[lookup])

    await _exercise(agent)

    engine = await pg_db._engine()
    dumped: list[str] = []
    async with engine.connect() as conn:
        for table in pg_db.tables.metadata.sorted_tables:
            rows = await conn.execute(text(f"SELECT t::text FROM {table.name} AS t"))
            dumped.extend(r[0] for r in rows)
    assert any("AAPL" in row for row in dumped)  # the runs are there
    assert not [row for row in dumped if SECRET in row]


async def test_api_key_is_not_logged(
    make_model: ModelFactory,
    mock_model: MockOpenAI,
    sqlite_db: SqliteDb,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    _script(mock_model)
    caplog.set_level(logging.DEBUG)
    agent = Agent(model=make_model(api_key=SECRET), db=sqlite_db, tools=[lookup], debug_mode=True)

    await _exercise(agent)

    assert logging.getLogger("agno_core").isEnabledFor(logging.DEBUG)
    assert caplog.records  # the debug logging is really on
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
    out, err = capfd.readouterr()
    assert SECRET not in out and SECRET not in err


def test_postgres_password_is_not_in_repr() -> None:
    password = "pg-Secret-Pa55word"
    db = PostgresDb(db_url=f"postgresql://agno:{password}@db.example:5432/agents")

    assert password not in repr(db)
    assert password not in str(db)
    assert password not in db.db_url
    assert make_url(db.db_url).username == "agno"
    assert "db.example" in repr(db)
    agent = Agent(model=OpenAIChat(id="gpt-4o"), db=db)
    assert password not in repr(agent)


async def test_provider_error_message_does_not_carry_the_key(
    make_model: ModelFactory, mock_model: MockOpenAI, sqlite_db: SqliteDb
) -> None:
    mock_model.add_error(401, "Incorrect API key provided: sk-secr*****CRET.")
    agent = Agent(model=make_model(api_key=SECRET), db=sqlite_db)

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert run.error is not None and "Incorrect API key" in run.error
    assert SECRET not in run.error
