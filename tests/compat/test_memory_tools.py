"""`MemoryTools` (``agno_core.tools.memory``), as Agno documents it: the model manages the
current user's memories with think/get/add/update/delete/analyze tools."""

from __future__ import annotations

import json

import pytest

from agno_core.db import SqlDb
from agno_core.tools.memory import MemoryTools
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text, tool_names

ALL_TOOLS = ["think", "get_memories", "add_memory", "update_memory", "delete_memory", "analyze"]


def _tool_results(request: object) -> list[str]:
    return [text for role, text in conversation(request) if role == "tool"]  # type: ignore[arg-type]


async def test_add_get_update_delete_for_the_runs_user(
    make_agent: AgentMaker, mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = make_agent(db=db, tools=[MemoryTools(db=db)], user_id="ann", session_id="s")
    mock_model.add_tool_call("add_memory", {"memory": "Ann likes tea", "topics": ["drinks"]})
    mock_model.add_text("Stored.")

    await agent.arun("I like tea")

    assert tool_names(mock_model.requests[0]) == sorted(ALL_TOOLS)  # Agno sorts by name
    [tea] = await db.aget_user_memories("ann")
    assert (tea.memory, tea.topics) == ("Ann likes tea", ["drinks"])

    mock_model.add_tool_call("get_memories", {})
    mock_model.add_tool_call(
        "update_memory", {"memory_id": tea.memory_id, "memory": "Likes green tea"}
    )
    mock_model.add_tool_call("delete_memory", {"memory_id": "missing"})
    mock_model.add_text("Updated.")

    await agent.arun("Green tea, actually")

    listed, updated, missing = [
        json.loads(text) for text in _tool_results(mock_model.requests[-1])[-3:]
    ]
    assert [m["memory"] for m in listed] == ["Ann likes tea"]
    assert (updated["success"], updated["memory"]["memory"]) == (True, "Likes green tea")
    assert missing == {
        "success": False,
        "operation": "delete_memory",
        "error": "Memory with ID missing not found",
    }
    [green] = await db.aget_user_memories("ann")
    assert (green.memory, green.topics) == ("Likes green tea", ["drinks"])

    mock_model.add_tool_call("delete_memory", {"memory_id": tea.memory_id})
    mock_model.add_text("Forgotten.")
    await agent.arun("Forget it")
    assert await db.aget_user_memories("ann") == []


async def test_another_users_memory_is_out_of_reach(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    await agno_db.aadd_memories("bob", ["Bob's secret"])
    [secret] = await agno_db.aget_user_memories("bob")
    agent = make_agent(tools=[MemoryTools(db=agno_db)], user_id="ann")
    mock_model.add_tool_call("delete_memory", {"memory_id": secret.memory_id})
    mock_model.add_text("ok")

    await agent.arun("delete it")

    assert json.loads(_tool_results(mock_model.requests[1])[0])["success"] is False
    assert len(await agno_db.aget_user_memories("bob")) == 1


async def test_think_and_analyze_keep_their_notes_in_the_session_state(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = make_agent(tools=[MemoryTools(db=agno_db)], session_id="s")
    mock_model.add_tool_call("think", {"thought": "store the hobby"})
    mock_model.add_tool_call("add_memory", {"memory": "Hikes"})
    mock_model.add_tool_call("analyze", {"analysis": "stored fine"})
    mock_model.add_text("ok")

    await agent.arun("I hike")

    state = await agent.aget_session_state("s")
    assert state["memory_thoughts"] == ["store the hobby"]
    assert state["memory_analysis"] == ["stored fine"]
    assert [op["operation"] for op in state["memory_operations"]] == ["add_memory"]
    assert [m.user_id for m in await agno_db.aget_user_memories()] == ["default"]


@pytest.mark.parametrize(
    ("flags", "tools"),
    [
        ({"enable_think": False, "enable_analyze": False}, ALL_TOOLS[1:5]),
        (
            {"enable_delete_memory": False, "enable_update_memory": False},
            ["think", "get_memories", "add_memory", "analyze"],
        ),
        ({"enable_get_memories": False, "all": True}, ALL_TOOLS),
    ],
)
async def test_enable_flags_choose_the_tools(
    make_agent: AgentMaker,
    mock_model: MockOpenAI,
    agno_db: SqlDb,
    flags: dict[str, bool],
    tools: list[str],
) -> None:
    await make_agent(tools=[MemoryTools(db=agno_db, **flags)]).arun("hi")

    assert tool_names(mock_model.requests[0]) == sorted(tools)  # Agno sorts by name


async def test_instructions_go_into_the_system_message(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    await make_agent(tools=[MemoryTools(db=agno_db)]).arun("a")
    await make_agent(tools=[MemoryTools(db=agno_db, add_few_shot=False)]).arun("b")
    await make_agent(tools=[MemoryTools(db=agno_db, few_shot_examples="EXAMPLE-X")]).arun("c")
    await make_agent(tools=[MemoryTools(db=agno_db, instructions="Only mine.")]).arun("d")
    await make_agent(tools=[MemoryTools(db=agno_db, add_instructions=False)]).arun("e")

    default, plain, custom_example, custom, none = (system_text(r) for r in mock_model.requests)
    assert "get_memories: list the current user's memories" in default
    assert "Example:" in default and "Example:" not in plain
    assert "EXAMPLE-X" in custom_example
    assert "Only mine." in custom and "get_memories: list" not in custom
    assert "get_memories: list" not in none
