"""Memory, as Agno documents it: agentic memory, UserMemory objects, clearing memories."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.db.postgres import AsyncPostgresDb, PostgresDb
from agno_core.db.sqlite import AsyncSqliteDb, SqliteDb
from agno_core.memory import MemoryManager, UserMemory
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import NoResult
from tests.compat.wire import conversation, system_text, tool_names


@pytest.fixture
def memory_agent(mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]) -> Agent:
    # Deleting and clearing are allowed by the manager (the built-in one only adds and updates).
    manager = MemoryManager(delete_memories=True, clear_memories=True)
    return Agent(
        model=make_model(), db=db, user_id="ann", enable_agentic_memory=True, memory_manager=manager
    )


async def test_the_built_in_memory_model_only_adds_and_updates(
    mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(model=make_model(), db=db, user_id="ann", enable_agentic_memory=True)
    mock_model.add_tool_call("update_user_memory", {"task": "Remember: likes tea"})
    mock_model.add_text("Nothing to do.")
    mock_model.add_text("ok")

    await agent.arun("I like tea")

    # As Agno's built-in MemoryManager: delete_memories and clear_memories are off.
    assert set(tool_names(mock_model.requests[1])) == {"add_memory", "update_memory"}


async def test_agentic_memory_adds_updates_and_deletes(
    memory_agent: Agent, mock_model: MockOpenAI, db: SqlDb
) -> None:
    # Run 1: the model hands a task to the memory tool; the memory model adds two memories.
    mock_model.add_tool_call("update_user_memory", {"task": "Remember: name Ann, likes tea"})
    mock_model.add_tool_calls(
        [
            ("add_memory", {"memory": "Name is Ann", "topics": ["name"]}),
            ("add_memory", {"memory": "Likes tea", "topics": ["drinks"]}),
        ],
        input_tokens=40,
        output_tokens=9,
    )
    mock_model.add_text("Added two memories.", input_tokens=60, output_tokens=4)
    mock_model.add_text("Nice to meet you, Ann!")

    run = await memory_agent.arun("I'm Ann and I like tea.")

    first = mock_model.requests[0]
    assert "update_user_memory" in tool_names(first)
    assert "have not had any interactions with the user yet" in system_text(first)
    assert "<updating_user_memories>" in system_text(first)
    memory_call = mock_model.requests[1]
    assert set(tool_names(memory_call)) == {
        "add_memory",
        "update_memory",
        "delete_memory",
        "clear_memory",
    }
    assert ("user", "Remember: name Ann, likes tea") in conversation(memory_call)
    assert run.tools[0].result == "Added two memories."
    assert run.content == "Nice to meet you, Ann!"
    [memory_model] = run.metrics.details["memory_model"]
    assert (memory_model.requests, memory_model.total_tokens) == (2, 49 + 64)
    memories = memory_agent.get_user_memories()
    assert [(m.memory, m.topics, m.user_id) for m in memories] == [
        ("Name is Ann", ["name"], "ann"),
        ("Likes tea", ["drinks"], "ann"),
    ]
    assert all(isinstance(m, UserMemory) and m.memory_id for m in memories)
    assert memories[0].agent_id == memory_agent.id
    name, tea = memories

    # Run 2: the model sees the memories with their ids, updates one and deletes the other.
    mock_model.add_tool_call("update_user_memory", {"task": "Name is Anna; forget tea"})
    mock_model.add_tool_calls(
        [
            ("update_memory", {"memory_id": name.memory_id, "memory": "Name is Anna"}),
            ("delete_memory", {"memory_id": tea.memory_id}),
        ]
    )
    mock_model.add_text("Updated.")
    mock_model.add_text("Noted, Anna.")

    await memory_agent.arun("Call me Anna, and I quit tea.")

    assert "\n- Name is Ann\n" in system_text(mock_model.requests[4])
    [anna] = await memory_agent.aget_user_memories()
    assert (anna.memory_id, anna.memory, anna.topics) == (name.memory_id, "Name is Anna", ["name"])


async def test_agentic_memory_reports_unknown_ids_to_the_memory_model(
    memory_agent: Agent, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("update_user_memory", {"task": "forget x"})
    mock_model.add_tool_call("delete_memory", {"memory_id": "nope"})
    mock_model.add_text("Nothing to delete.")
    mock_model.add_text("ok")

    await memory_agent.arun("forget x")

    assert ("tool", "Error: no memory with id 'nope'") in conversation(mock_model.requests[2])


async def test_agentic_memory_reports_a_memory_model_without_a_result(
    mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(
        model=make_model(),
        db=db,
        user_id="ann",
        enable_agentic_memory=True,
        memory_model=NoResult(),
    )
    mock_model.add_tool_call("update_user_memory", {"task": "Remember: likes tea"})
    mock_model.add_text("ok")

    run = await agent.arun("I like tea")

    [execution] = run.tools
    assert execution.tool_call_error
    assert "no-result returned no result" in (execution.result or "")
    assert await agent.aget_user_memories() == []


async def test_agentic_memory_needs_a_db(
    mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase]
) -> None:
    await Agent(model=make_model(), enable_agentic_memory=True).arun("hi")

    assert "update_user_memory" not in tool_names(mock_model.requests[0])


async def test_user_memory_api_on_both_backends(db: SqlDb) -> None:
    added = await db.aupsert_user_memory(UserMemory(memory="Likes jazz", user_id="u1"))
    await db.aupsert_user_memory(UserMemory(memory="Lives in Rome", user_id="u2"))

    [jazz] = await db.aget_user_memories("u1")
    assert (jazz.memory_id, jazz.memory, jazz.topics) == (added.memory_id, "Likes jazz", None)
    assert jazz.to_dict()["memory"] == "Likes jazz"
    assert await db.adelete_user_memory("missing") is False
    assert await db.adelete_user_memory(jazz.memory_id or "", user_id="u2") is False
    assert await db.adelete_user_memory(jazz.memory_id or "", user_id="u1") is True
    assert [m.memory for m in await db.aget_user_memories()] == ["Lives in Rome"]


async def test_clear_memories_on_both_backends(db: SqlDb) -> None:
    await db.aadd_memories("u1", ["a", "b"])
    await db.aadd_memories("u2", ["c"])

    assert await db.aclear_memories("u1") == 2
    assert [m.memory for m in await db.aget_user_memories()] == ["c"]
    assert await db.aclear_memories() == 1
    assert await db.aget_user_memories() == []


def test_clear_memories_sync(sqlite_db: SqlDb) -> None:
    sqlite_db.upsert_user_memory(UserMemory(memory="x", user_id="u"))

    sqlite_db.clear_memories()

    assert sqlite_db.get_user_memories() == []


async def test_async_sqlite_db_memory_methods_are_awaitable(tmp_path: object) -> None:
    db = AsyncSqliteDb(db_file=f"{tmp_path}/a.db")
    await db.upsert_user_memory(UserMemory(memory="x", user_id="u"))

    assert [m.memory for m in await db.get_user_memories("u")] == ["x"]
    await db.clear_memories()
    assert await db.get_user_memories() == []
    assert isinstance(db, SqliteDb)
    await db.aclose()


async def test_async_postgres_db(pg_url: str) -> None:
    db = AsyncPostgresDb(db_url=pg_url)
    await db.upsert_user_memory(UserMemory(memory="y", user_id="u"))

    assert [m.memory for m in await db.get_user_memories("u")] == ["y"]
    await db.clear_memories()
    assert await db.get_user_memories() == []
    assert isinstance(db, PostgresDb)
    await db.aclose()


async def test_agent_on_async_sqlite_db(
    mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase], tmp_path: object
) -> None:
    db = AsyncSqliteDb(db_file=f"{tmp_path}/agent.db")
    agent = Agent(model=make_model(), db=db, add_history_to_context=True, session_id="s")
    mock_model.add_text("first")
    await agent.arun("one")
    mock_model.add_text("second")

    await agent.arun("two")

    assert ("assistant", "first") in conversation(mock_model.requests[-1])
    assert len(await db.aget_session_runs("s")) == 2
    await db.aclose()
