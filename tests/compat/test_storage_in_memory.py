"""``InMemoryDb`` (``agno_core.db.in_memory``): sessions and runs kept in a private
throwaway database, shared by the agent's runs and gone with the object."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agno_core.db.in_memory import InMemoryDb
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation


async def test_history_survives_between_runs(
    make_agent: AgentMaker, mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = InMemoryDb()
    agent = make_agent(db=db, add_history_to_context=True)
    mock_model.add_text("Hello John")
    mock_model.add_text("You are John")

    await agent.arun("I am John", session_id="s")
    await agent.arun("Who am I?", session_id="s")

    assert ("assistant", "Hello John") in conversation(mock_model.requests[1])
    assert len(await db.aget_session_runs("s")) == 2
    written = await asyncio.to_thread(lambda: list(tmp_path.iterdir()))
    assert written == []  # nothing written where the user works
    await db.aclose()


def test_two_in_memory_dbs_do_not_share_rows(mock_model: MockOpenAI) -> None:
    first, second = InMemoryDb(), InMemoryDb()
    from agno_core.agent import Agent

    Agent(db=first).run("hi", session_id="s")

    assert first.session_metrics("s").total_tokens > 0
    assert second.session_metrics("s").total_tokens == 0
    first.close()
    second.close()
