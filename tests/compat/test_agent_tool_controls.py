"""Tool controls, as Agno documents them: ``@tool(max_calls=)``, tool ``pre_hook``/``post_hook``
with `FunctionCall`, ``refresh_tools_per_step`` and `ToolRegistry`: what the model is offered
and what the tools receive."""

from __future__ import annotations

from typing import Any

from agno_core.models.message import Message
from agno_core.tools import FunctionCall, ToolRegistry, tool
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import tool_names


async def test_max_calls_refuses_extra_calls_of_that_tool_only(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    @tool(max_calls=1)
    def search_docs(query: str) -> str:
        """Search docs."""
        return f"result for {query}"

    @tool
    def log_status(message: str) -> str:
        """Log."""
        return f"logged {message}"

    mock_model.add_tool_call("search_docs", {"query": "agents"})
    mock_model.add_tool_call("search_docs", {"query": "teams"})
    mock_model.add_tool_call("log_status", {"message": "done"})
    mock_model.add_text("One search ran, one was blocked.")

    run = await make_agent(tools=[search_docs, log_status], tool_call_limit=4).arun("go")

    results = [(t.tool_name, t.result, t.tool_call_error) for t in run.tools]
    assert results[0] == ("search_docs", "result for agents", False)
    assert results[1][0] == "search_docs" and results[1][2] is True
    assert "limit" in (results[1][1] or "")
    assert results[2] == ("log_status", "logged done", False)


async def test_tool_hooks_get_the_call_and_the_run_messages(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[Any] = []

    def pre(messages: list[Message] | None, fc: FunctionCall) -> None:
        seen.append(("pre", fc.function.name, dict(fc.arguments), fc.result, len(messages or [])))

    async def post(fc: FunctionCall) -> None:
        seen.append(("post", fc.function.name, fc.result))

    @tool(pre_hook=pre, post_hook=post)
    def get_weather(city: str) -> str:
        """Weather."""
        return f"Sunny in {city}"

    mock_model.add_tool_call("get_weather", {"city": "SF"})
    mock_model.add_text("Sunny.")
    await make_agent(tools=[get_weather], instructions="Help.").arun("Weather in SF?")

    # system, user, and the assistant message asking for the tool
    assert seen == [
        ("pre", "get_weather", {"city": "SF"}, None, 3),
        ("post", "get_weather", "Sunny in SF"),
    ]


async def test_refresh_tools_per_step_offers_new_tools_on_the_next_call(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    state = {"unlocked": False}

    def unlock_tools() -> str:
        """Unlock."""
        state["unlocked"] = True
        return "unlocked"

    def follow_up_tool() -> str:
        """Follow up."""
        return "done"

    def factory() -> list[Any]:
        return [unlock_tools, follow_up_tool] if state["unlocked"] else [unlock_tools]

    mock_model.add_tool_call("unlock_tools", {})
    mock_model.add_tool_call("follow_up_tool", {})
    mock_model.add_text("All done.")
    agent = make_agent(tools=factory, cache_callables=False, refresh_tools_per_step=True)

    run = await agent.arun("go")

    offered = [tool_names(r) for r in mock_model.requests]
    both = ["follow_up_tool", "unlock_tools"]  # sorted by name, as Agno sends them
    assert offered == [["unlock_tools"], both, both]
    assert [t.result for t in run.tools] == ["unlocked", "done"]


async def test_without_refresh_the_toolset_is_fixed_for_the_run(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    state = {"unlocked": False}

    def unlock_tools() -> str:
        """Unlock."""
        state["unlocked"] = True
        return "unlocked"

    def follow_up_tool() -> str:
        """Follow up."""
        return "done"

    def factory() -> list[Any]:
        return [unlock_tools, follow_up_tool] if state["unlocked"] else [unlock_tools]

    mock_model.add_tool_call("unlock_tools", {})
    mock_model.add_text("ok")
    await make_agent(tools=factory, cache_callables=False).arun("go")

    assert [tool_names(r) for r in mock_model.requests] == [["unlock_tools"], ["unlock_tools"]]


async def test_tool_registry_exposes_tools_registered_during_the_run(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    registry = ToolRegistry()

    def follow_up_tool() -> str:
        """Follow up."""
        return "follow-up done"

    def unlock_tools() -> str:
        """Register the follow-up tool."""
        registry.register(follow_up_tool)
        return "registered"

    registry.register(unlock_tools)
    registry.register(unlock_tools)
    assert len(registry) == 1
    mock_model.add_tool_call("unlock_tools", {})
    mock_model.add_tool_call("follow_up_tool", {})
    mock_model.add_text("done")

    run = await make_agent(tools=registry).arun("go")

    assert tool_names(mock_model.requests[0]) == ["unlock_tools"]
    assert tool_names(mock_model.requests[1]) == ["follow_up_tool", "unlock_tools"]
    assert run.tools[-1].result == "follow-up done"
