"""``arun(use_user_context=False)``: an incognito run reads and writes nothing keyed to the user
(memories, past sessions), and is stored as usual."""

from __future__ import annotations

from collections.abc import Callable

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import system_text, tool_names


async def test_incognito_run_neither_shows_nor_updates_memories(
    make_agent: AgentMaker, mock_model: MockOpenAI, db: SqlDb
) -> None:
    await db.aadd_memories("ann", ["Hikes on weekends"])
    agent = make_agent(db=db, user_id="ann", update_memory_on_run=True, session_id="s")
    mock_model.add_text("No idea.")

    run = await agent.arun("I also skydive. What are my hobbies?", use_user_context=False)

    assert len(mock_model.requests) == 1  # no memory extraction call
    assert "Hikes on weekends" not in system_text(mock_model.requests[0])
    assert [m.memory for m in await db.aget_user_memories("ann")] == ["Hikes on weekends"]
    assert [r.run_id for r in await db.aget_session_runs("s")] == [run.run_id]

    mock_model.add_text("You hike.")
    mock_model.add_json({"memories": ["Skydives"]})
    await agent.arun("What are my hobbies?")

    assert "Hikes on weekends" in system_text(mock_model.requests[1])
    assert len(mock_model.requests) == 3
    assert [m.memory for m in await db.aget_user_memories("ann")] == [
        "Hikes on weekends",
        "Skydives",
    ]


async def test_incognito_run_gets_no_memory_or_past_session_tools(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    agent = make_agent(user_id="ann", enable_agentic_memory=True, search_past_sessions=True)

    await agent.arun("hi")
    await agent.arun("hi", use_user_context=False)

    assert {"update_user_memory", "search_past_sessions"} <= set(tool_names(mock_model.requests[0]))
    assert tool_names(mock_model.requests[1]) == []


async def test_incognito_print_response(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = make_agent(user_id="ann", update_memory_on_run=True)

    await agent.aprint_response("I like tea", use_user_context=False, stream=True)

    assert len(mock_model.requests) == 1
    assert await agno_db.aget_user_memories("ann") == []


async def test_incognito_team_run_has_incognito_members(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    await agno_db.aadd_memories("ann", ["Likes tea"])
    member = Agent(name="Helper", model=make_model(), db=agno_db, update_memory_on_run=True)
    team = Team(members=[member], model=make_model(), db=agno_db, user_id="ann")
    mock_model.add_tool_call("delegate_task_to_member", {"member_id": "helper", "task": "help"})
    mock_model.add_text("helped")
    mock_model.add_text("done")

    await team.arun("go", use_user_context=False)

    assert len(mock_model.requests) == 3  # leader, member, leader: no memory extraction
    assert "Likes tea" not in system_text(mock_model.requests[1])
    assert [m.memory for m in await agno_db.aget_user_memories("ann")] == ["Likes tea"]
