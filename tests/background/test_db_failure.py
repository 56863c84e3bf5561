"""A db that goes away mid-run: the caller still gets the whole result, and cannot miss that it
was not stored (the run ends ERROR)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI


def _broken(*_args: Any, **_kwargs: Any) -> Any:
    raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("disk I/O error"))


async def test_result_survives_a_db_that_went_away(
    mock_model: MockOpenAI, sqlite_db: SqliteDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=sqlite_db)
    await agent.arun("warm up: the schema exists")
    mock_model.add_text("The answer survives.", input_tokens=21, output_tokens=4)

    async def fail(*args: Any, **kwargs: Any) -> Any:
        _broken()

    monkeypatch.setattr(sqlite_db, "ainsert_run", fail)
    monkeypatch.setattr(sqlite_db, "aupdate_run", fail)
    monkeypatch.setattr(sqlite_db, "write_retry_window", 0.0)
    out = await agent.arun("What survives?")

    assert out.status is RunStatus.error  # not stored: it must not pass for a stored success
    assert out.content == "The answer survives."
    assert out.metrics.total_tokens == 25
    assert "could not be stored" in (out.error or "") and "disk I/O error" in (out.error or "")
    # Polling still finds it: kept in memory by the agent that ran it.
    kept = await agent.aget_run_output(out.run_id, out.session_id)
    assert kept is not None and kept.content == "The answer survives."
    assert kept.status is RunStatus.error


async def test_background_submit_fails_loudly_when_the_db_is_down(
    mock_model: MockOpenAI, sqlite_db: SqliteDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=sqlite_db)

    async def fail(*args: Any, **kwargs: Any) -> Any:
        _broken()

    monkeypatch.setattr(sqlite_db, "ainsert_run", fail)
    with pytest.raises(OperationalError, match="disk I/O error"):
        await agent.arun("q", background=True)
    assert mock_model.requests == []  # nothing was scheduled
    from agno_core.run._registry import local_runs

    assert not local_runs.active
