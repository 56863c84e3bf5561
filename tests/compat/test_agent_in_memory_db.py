"""Agno's InMemoryDb: storage for the life of the object, every storage feature as on SQLite."""

from __future__ import annotations

from agno_core.agent import Agent
from agno_core.db.in_memory import InMemoryDb
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import conversation


async def test_in_memory_db_keeps_history_and_state_for_its_lifetime(
    mock_model: MockOpenAI,
) -> None:
    db = InMemoryDb()
    agent = Agent(db=db, add_history_to_context=True, session_state={"n": 0})
    mock_model.add_text("Nice to meet you, Ann.")
    mock_model.add_text("You are Ann.")

    await agent.arun("I am Ann", session_id="s")
    await agent.arun("Who am I?", session_id="s")

    assert ("assistant", "Nice to meet you, Ann.") in conversation(mock_model.requests[1])
    assert await agent.aget_session_state("s") == {"n": 0}
    assert db.in_memory
    # Another InMemoryDb is another database.
    other = Agent(db=InMemoryDb())
    assert await other.aget_session(session_id="s") is None
