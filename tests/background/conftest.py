"""Fixtures for the background-run and cancellation tests: every test runs on both backends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from agno_core.run._output import RunOutput


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    """The test's db, once on SQLite and once on a real PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def make_agent(mock_model: object, db: SqlDb) -> Callable[..., Agent]:
    def make(**kwargs: object) -> Agent:
        kwargs.setdefault("model", OpenAIChat(id="gpt-4o-mini", max_retries=0))
        kwargs.setdefault("db", db)
        return Agent(**kwargs)  # type: ignore[arg-type]

    return make


async def wait_for_status(
    agent: Agent,
    run: RunOutput,
    statuses: tuple[RunStatus, ...] = (RunStatus.completed, RunStatus.error, RunStatus.cancelled),
    timeout: float = 10.0,
) -> RunOutput:
    """Poll the db until the run reaches one of ``statuses`` (fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        out = await agent.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        if out is not None and out.status in statuses:
            return out
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run.run_id} still {out.status if out else None}")
        await asyncio.sleep(0.005)
