"""`MemoryManager` and ``enable_user_memories``, as Agno documents them: the manager's model,
prompt and permissions drive both the extraction after a run and the agentic memory tool; its
own methods read, write and extract memories directly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.exceptions import NotSupportedError
from agno_core.memory import MemoryManager, UserMemory
from agno_core.memory.manager import MemoryManager as ManagerByAgnoPath
from agno_core.models.message import Message
from agno_core.models.openai._common import OpenAIBase
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text, tool_names


def test_agno_module_path() -> None:
    assert ManagerByAgnoPath is MemoryManager


async def test_enable_user_memories_extracts_after_the_run(
    make_agent: AgentMaker, mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = make_agent(db=db, user_id="ann", enable_user_memories=True)
    mock_model.add_text("Hello Ann")
    mock_model.add_json({"memories": ["Name is Ann"]})

    await agent.arun("I am Ann")

    assert agent.update_memory_on_run is True
    assert len(mock_model.requests) == 2
    assert "user: I am Ann" in conversation(mock_model.requests[1])[-1][1]
    assert [m.memory for m in await agent.aget_user_memories()] == ["Name is Ann"]


async def test_team_enable_user_memories(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    member = Agent(name="Helper", model=make_model())
    team = Team(
        members=[member], model=make_model(), db=agno_db, user_id="bo", enable_user_memories=True
    )
    mock_model.add_text("Hi Bo")
    mock_model.add_json({"memories": ["Name is Bo"]})

    await team.arun("I am Bo")

    assert team.update_memory_on_run is True
    [memory] = await agno_db.aget_user_memories("bo")
    assert (memory.memory, memory.team_id) == ("Name is Bo", team.id)


async def test_manager_model_and_prompt_drive_the_extraction(
    make_agent: AgentMaker, mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase]
) -> None:
    manager = MemoryManager(
        model=make_model(id="memory-mini"),
        memory_capture_instructions="Only capture food preferences.",
        additional_instructions="Write memories in the third person.",
    )
    agent = make_agent(user_id="u", update_memory_on_run=True, memory_manager=manager)
    mock_model.add_text("ok")
    mock_model.add_json({"memories": ["Likes ramen"]})

    run = await agent.arun("I like ramen")

    memory_call = mock_model.requests[1]
    assert (mock_model.requests[0].model, memory_call.model) == ("gpt-4o-mini", "memory-mini")
    prompt = system_text(memory_call)
    assert "Memories to capture:\nOnly capture food preferences." in prompt
    assert prompt.endswith("Write memories in the third person.")
    [usage] = run.metrics.details["memory_model"]
    assert usage.id == "memory-mini"
    assert manager.db is agent.db


async def test_manager_system_message_replaces_the_prompt(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    manager = MemoryManager(system_message="Custom memory prompt.", additional_instructions="x")
    agent = make_agent(update_memory_on_run=True, memory_manager=manager)
    mock_model.add_text("ok")
    mock_model.add_json({"memories": []})

    await agent.arun("hello")

    assert system_text(mock_model.requests[1]) == "Custom memory prompt."


async def test_add_memories_false_stores_nothing(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = make_agent(
        user_id="u", update_memory_on_run=True, memory_manager=MemoryManager(add_memories=False)
    )
    mock_model.add_text("ok")
    mock_model.add_json({"memories": ["Likes tea"]})

    await agent.arun("I like tea")

    assert await agno_db.aget_user_memories("u") == []


@pytest.mark.parametrize(
    ("flags", "tools"),
    [
        ({}, {"add_memory", "update_memory"}),
        ({"delete_memories": True}, {"add_memory", "update_memory", "delete_memory"}),
        ({"clear_memories": True}, {"add_memory", "update_memory", "clear_memory"}),
        ({"update_memories": False, "add_memories": False}, set()),
    ],
)
async def test_manager_permissions_choose_the_agentic_memory_tools(
    make_agent: AgentMaker, mock_model: MockOpenAI, flags: dict[str, bool], tools: set[str]
) -> None:
    agent = make_agent(enable_agentic_memory=True, memory_manager=MemoryManager(**flags))
    mock_model.add_tool_call("update_user_memory", {"task": "remember tea"})
    mock_model.add_text("done")
    mock_model.add_text("ok")

    await agent.arun("I like tea")

    assert set(tool_names(mock_model.requests[1])) == tools


async def test_agentic_memory_refuses_a_tool_the_manager_forbids(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = make_agent(user_id="u", enable_agentic_memory=True, memory_manager=MemoryManager())
    await agno_db.aadd_memories("u", ["Likes tea"])
    [tea] = await agno_db.aget_user_memories("u")
    mock_model.add_tool_call("update_user_memory", {"task": "forget tea"})
    mock_model.add_tool_call("delete_memory", {"memory_id": tea.memory_id})
    mock_model.add_text("could not")
    mock_model.add_text("ok")

    await agent.arun("forget tea")

    assert ("tool", "Error: unknown tool 'delete_memory'") in conversation(mock_model.requests[2])
    assert [m.memory for m in await agno_db.aget_user_memories("u")] == ["Likes tea"]


async def test_agent_with_a_manager_shows_memories_to_its_model(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    await agno_db.aadd_memories("u", ["Likes tea"])
    agent = make_agent(user_id="u", memory_manager=MemoryManager())

    await agent.arun("hi")

    assert "Likes tea" in system_text(mock_model.requests[0])
    assert len(mock_model.requests) == 1  # no extraction without update_memory_on_run


def test_memory_methods_on_both_backends(db: SqlDb) -> None:
    manager = MemoryManager(db=db)
    memory_id = manager.add_user_memory(UserMemory(memory="Likes jazz"), user_id="u1")
    manager.add_user_memory(UserMemory(memory="Lives in Rome"), user_id="u2")
    manager.add_user_memory(UserMemory(memory="No user"))

    [jazz] = manager.get_user_memories(user_id="u1")
    assert (jazz.memory_id, jazz.memory, jazz.user_id) == (memory_id, "Likes jazz", "u1")
    assert [m.memory for m in manager.get_user_memories()] == ["No user"]
    assert manager.get_user_memory(str(memory_id), user_id="u2") is None

    manager.replace_user_memory(str(memory_id), UserMemory(memory="Likes blues"), user_id="u1")
    assert [m.memory for m in manager.get_user_memories("u1")] == ["Likes blues"]

    manager.delete_user_memory(str(memory_id), user_id="u2")  # another user's: kept
    assert len(manager.get_user_memories("u1")) == 1
    manager.delete_user_memory(str(memory_id), user_id="u1")
    assert manager.get_user_memories("u1") == []

    manager.clear_user_memories("u2")
    assert manager.get_user_memories("u2") == []
    assert manager.get_user_memories() != []
    manager.clear()
    assert manager.get_user_memories() == []


async def test_create_user_memories_from_messages(mock_model: MockOpenAI, db: SqlDb) -> None:
    manager = MemoryManager(model="openai-chat:memory-model", db=db)
    mock_model.add_json({"memories": ["Name is Jane", "Plays chess"]})

    reply = await manager.acreate_user_memories(
        messages=[
            Message(role="user", content="My name is Jane Doe"),
            Message(role="assistant", content="That is great!"),
            Message(role="user", content="I like to play chess"),
        ],
        user_id="jane",
    )

    assert reply == "Added 2 memories"
    request = mock_model.requests[0]
    assert (request.endpoint, request.model) == ("chat", "memory-model")
    assert "user: I like to play chess" in conversation(request)[-1][1]
    assert [m.memory for m in await manager.aget_user_memories("jane")] == [
        "Name is Jane",
        "Plays chess",
    ]


def test_create_user_memories_from_one_message(mock_model: MockOpenAI, agno_db: SqlDb) -> None:
    manager = MemoryManager(model="openai:memory-model", db=agno_db)
    mock_model.add_json({"memories": ["Likes hiking"]})

    manager.create_user_memories(message="I like hiking", user_id="u")

    assert mock_model.requests[0].endpoint == "responses"
    assert [m.memory for m in manager.get_user_memories("u")] == ["Likes hiking"]
    with pytest.raises(ValueError, match="give a message or a list of messages"):
        manager.create_user_memories(user_id="u")


def test_without_a_db_nothing_is_read_or_stored(caplog: pytest.LogCaptureFixture) -> None:
    manager = MemoryManager()

    manager.clear()  # silent, as in Agno (a manager may get its db from an agent later)
    assert caplog.text == ""
    assert manager.get_user_memories("u") == []
    assert manager.add_user_memory(UserMemory(memory="x")) is None
    assert "MemoryManager has no db" in caplog.text


def test_ownership_is_refused_by_name() -> None:
    with pytest.raises(NotSupportedError, match=r"MemoryManager\(owner_id=...\) is not supported"):
        MemoryManager(owner_id="os-1")


async def test_team_memory_manager(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    manager = MemoryManager(model=make_model(id="team-memory"), add_memories=True)
    member = Agent(name="Helper", model=make_model())
    team = Team(
        members=[member],
        model=make_model(),
        db=agno_db,
        user_id="cy",
        memory_manager=manager,
        enable_user_memories=True,
    )
    await agno_db.aadd_memories("cy", ["Likes chess"])
    mock_model.add_text("Hi Cy")
    mock_model.add_json({"memories": ["Name is Cy"]})

    await team.arun("I am Cy")

    assert manager.db is agno_db
    assert "Likes chess" in system_text(mock_model.requests[0])
    assert mock_model.requests[1].model == "team-memory"
    assert [m.memory for m in manager.get_user_memories("cy")] == ["Likes chess", "Name is Cy"]


async def test_search_user_memories_as_agno(mock_model: MockOpenAI, db: SqlDb) -> None:
    manager = MemoryManager(db=db)
    ids = []
    for i, text in enumerate(["Likes tea", "Lives in Oslo", "Plays chess"]):
        ids.append(
            await manager.aadd_user_memory(
                UserMemory(memory=text, topics=["t"], created_at=1000 + i), user_id="ann"
            )
        )

    latest = await manager.asearch_user_memories(user_id="ann", limit=2)
    oldest = await manager.asearch_user_memories(user_id="ann", retrieval_method="first_n", limit=1)
    mock_model.add_json({"memory_ids": [ids[1], "unknown-id"]})
    found = await manager.asearch_user_memories(
        query="where does she live?", retrieval_method="agentic", user_id="ann"
    )

    assert [m.memory for m in latest] == ["Lives in Oslo", "Plays chess"]
    assert [m.memory for m in oldest] == ["Likes tea"]
    assert [m.memory for m in found] == ["Lives in Oslo"]
    request = mock_model.requests[-1]
    assert f"ID: {ids[1]}\nMemory: Lives in Oslo\nTopics: t" in system_text(request)
    assert conversation(request)[-1] == (
        "user",
        "Return the IDs of the memories related to the following query: where does she live?",
    )
    with pytest.raises(ValueError, match="query is required"):
        await manager.asearch_user_memories(retrieval_method="agentic", user_id="ann")
    assert manager.search_user_memories(user_id="nobody") == []
