"""Session state, as Agno documents it: given to tools, resolved into the context, stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run import RunContext
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import system_text, tool_names

Maker = Callable[..., Agent]


@pytest.fixture
def agent_on(mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]) -> Maker:
    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", make_model())
        kwargs.setdefault("db", db)
        kwargs.setdefault("session_id", "s1")
        return Agent(**kwargs)

    return make


def add_item(run_context: RunContext, item: str) -> str:
    """Add an item to the shopping list."""
    assert run_context.session_state is not None
    run_context.session_state["shopping_list"].append(item)
    return f"The shopping list is now {run_context.session_state['shopping_list']}"


async def test_tools_change_the_state_and_it_is_stored(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(
        session_state={"shopping_list": []},
        tools=[add_item],
        instructions="Current state (shopping list) is: {shopping_list}",
    )
    mock_model.add_tool_calls([("add_item", {"item": "milk"}), ("add_item", {"item": "eggs"})])
    mock_model.add_text("Added.")
    mock_model.add_text("You have milk and eggs.")

    run = await agent.arun("Add milk and eggs")
    await agent.arun("What is on my list?")

    assert "Current state (shopping list) is: []" in system_text(mock_model.requests[0])
    assert "is: ['milk', 'eggs']" in system_text(mock_model.requests[2])
    assert run.session_state == {"shopping_list": ["milk", "eggs"]}
    assert agent.get_session_state() == {"shopping_list": ["milk", "eggs"]}
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.session_state == {"shopping_list": ["milk", "eggs"]}


async def test_run_session_state_is_merged_over_the_stored_one(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(session_state={"a": 1, "nested": {"x": 1}})
    await agent.arun("hi")

    run = await agent.arun("hi", session_state={"b": 2, "nested": {"y": 2}})

    assert run.session_state == {"a": 1, "b": 2, "nested": {"x": 1, "y": 2}}
    assert agent.get_session_state() == run.session_state


async def test_sessions_keep_their_own_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(session_state={"count": 0})
    await agent.arun("hi", session_state={"count": 5}, session_id="other")

    run = await agent.arun("hi")

    assert run.session_state == {"count": 0}
    assert agent.get_session_state("other") == {"count": 5}


async def test_overwrite_db_session_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    await agent_on(session_state={"v": 1}).arun("hi", session_state={"v": 2, "w": 3})
    agent = agent_on(session_state={"v": 1}, overwrite_db_session_state=True)

    replaced = await agent.arun("hi", session_state={"x": 4})
    stored_after_replace = agent.get_session_state()
    emptied = await agent.arun("hi")

    # As Agno 3.1.10: the call's state replaces the stored one, the agent's defaults included.
    assert replaced.session_state == stored_after_replace == {"x": 4}
    assert emptied.session_state == agent.get_session_state() == {}


async def test_overwrite_db_session_state_on_a_new_session(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(session_state={"v": 1}, overwrite_db_session_state=True)

    run = await agent.arun("hi", session_id="new", session_state={"x": 4})

    assert run.session_state == agent.get_session_state("new") == {"x": 4}


async def test_add_session_state_to_context(agent_on: Maker, mock_model: MockOpenAI) -> None:
    await agent_on(session_state={"plan": "pro"}, add_session_state_to_context=True).arun("hi")
    await agent_on(session_state={"plan": "pro"}).arun("hi")

    assert "<session_state>\n{'plan': 'pro'}\n</session_state>" in system_text(
        mock_model.requests[0]
    )
    assert "session_state" not in system_text(mock_model.requests[1])


async def test_enable_agentic_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(session_state={"shopping_list": []}, enable_agentic_state=True)
    mock_model.add_tool_call(
        "update_session_state", {"session_state_updates": {"shopping_list": ["bread"]}}
    )
    mock_model.add_text("Done.")

    run = await agent.arun("Add bread")

    assert "update_session_state" in tool_names(mock_model.requests[0])
    assert run.tools[0].result == "Updated session state: {'shopping_list': ['bread']}"
    assert agent.get_session_state() == {"shopping_list": ["bread"]}


async def test_run_time_keys_are_there_but_not_stored(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    seen: dict[str, Any] = {}

    def peek(run_context: RunContext) -> str:
        """Peek at the state."""
        seen.update(run_context.session_state or {})
        return "ok"

    mock_model.add_tool_call("peek", {})
    mock_model.add_text("done")

    run = await agent_on(session_state={"k": 1}, tools=[peek]).arun("peek", user_id="ann")

    assert seen == {
        "k": 1,
        "current_user_id": "ann",
        "current_session_id": "s1",
        "current_run_id": run.run_id,
    }
    assert run.session_state == {"k": 1}


async def test_a_tool_may_start_a_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    def remember(run_context: RunContext, fact: str) -> str:
        """Remember a fact."""
        if run_context.session_state is None:
            run_context.session_state = {}
        run_context.session_state["fact"] = fact
        return "ok"

    mock_model.add_tool_call("remember", {"fact": "sky is blue"})
    mock_model.add_text("noted")
    agent = agent_on(tools=[remember])

    await agent.arun("remember")

    assert agent.get_session_state() == {"fact": "sky is blue"}


async def test_tool_factory_gets_the_session_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    def search_web(query: str) -> str:
        """Search the web."""
        return query

    def internal_docs(query: str) -> str:
        """Search internal docs."""
        return query

    def tools_for_user(run_context: RunContext) -> list[Any]:
        role = (run_context.session_state or {}).get("role", "viewer")
        return [search_web, internal_docs] if role == "admin" else [search_web]

    agent = agent_on(tools=tools_for_user)

    await agent.arun("hi", user_id="viewer_user", session_state={"role": "viewer"})
    await agent.arun("hi", user_id="admin_user", session_state={"role": "admin"})

    assert [tool_names(r) for r in mock_model.requests] == [
        ["search_web"],
        ["internal_docs", "search_web"],
    ]


async def test_update_and_get_session_state(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(session_state={"a": 1})
    await agent.arun("hi")

    state = agent.update_session_state({"b": 2})

    assert state == {"a": 1, "b": 2}  # a dict, as Agno returns it
    assert await agent.aget_session_state() == {"a": 1, "b": 2}
    with pytest.raises(ValueError, match="not found"):
        agent.get_session_state("missing")


def remember(run_context: RunContext, item: str) -> str:
    """Remember an item."""
    assert run_context.session_state is not None  # always a dict, as in Agno
    run_context.session_state.setdefault("items", []).append(item)
    return "remembered"


def recall(run_context: RunContext) -> str:
    """What was remembered."""
    assert run_context.session_state is not None
    return f"items: {run_context.session_state.get('items')}"


async def test_a_tool_has_a_state_with_none_configured_and_later_runs_see_it(
    agent_on: Maker, mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = agent_on(tools=[remember, recall])  # no session_state anywhere
    mock_model.add_tool_call("remember", {"item": "milk"})
    mock_model.add_text("ok")
    first = await agent.arun("remember milk")
    assert first.session_state == {"items": ["milk"]}
    assert await db.aget_session_state("s1") == {"items": ["milk"]}

    # A later run, without session_state=, and another agent on the same session see it.
    for runner in (agent, agent_on(tools=[recall])):
        mock_model.add_tool_call("recall", {})
        mock_model.add_text("ok")
        later = await runner.arun("what do you remember?")
        assert later.tools is not None and later.tools[0].result == "items: ['milk']"
        assert later.session_state == {"items": ["milk"]}


async def test_a_run_that_leaves_the_state_alone_writes_nothing(
    agent_on: Maker, mock_model: MockOpenAI, db: SqlDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = agent_on(session_state={"n": 1})
    await agent.arun("one")
    assert await db.aget_session_state("s1") == {"n": 1}
    writes: list[dict[str, Any]] = []
    original = db.aset_session_state

    async def counted(session_id: str, state: dict[str, Any]) -> bool:
        writes.append(state)
        return await original(session_id, state)

    monkeypatch.setattr(db, "aset_session_state", counted)
    await agent.arun("two")
    assert writes == []
    await agent.arun("three", session_state={"n": 2})
    assert writes == [{"n": 2}]
    assert await db.aget_session_state("s1") == {"n": 2}
