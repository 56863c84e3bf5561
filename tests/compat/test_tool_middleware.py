"""Agno's ``tool_hooks``: middleware around every tool call (``Agent(tool_hooks=[...])`` and
``@tool(tool_hooks=[...])``), as in Agno's cookbook (agents/hooks/tool_hooks.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agno_core.agent import Agent
from agno_core.run import RunContext
from agno_core.tools import tool
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation


def get_weather(city: str, run_context: RunContext) -> str:
    """The weather in a city."""
    return f"sunny in {city} ({run_context.user_id})"


async def get_time(city: str) -> str:
    """The time in a city."""
    return f"noon in {city}"


async def test_agent_tool_hooks_wrap_every_call_first_hook_outermost(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[Any] = []

    def logger_hook(
        function_name: str, function_call: Callable[..., Any], arguments: dict[str, Any]
    ) -> Any:
        seen.append(("logger", function_name, dict(arguments)))
        result = function_call(**arguments)
        seen.append(("logger-after", function_name, result))
        return result

    def shout_hook(function_name: str, func: Callable[..., Any], args: dict[str, Any]) -> Any:
        seen.append(("shout", function_name))
        return str(func(**args)).upper()

    mock_model.add_tool_call("get_weather", {"city": "Paris"})
    mock_model.add_text("Sunny.")
    agent = make_agent(tools=[get_weather], tool_hooks=[logger_hook, shout_hook])

    run = agent.run("Weather?", user_id="ann")

    assert run.tools is not None and run.tools[0].result == "SUNNY IN PARIS (ANN)"
    assert seen == [
        ("logger", "get_weather", {"city": "Paris"}),
        ("shout", "get_weather"),
        ("logger-after", "get_weather", "SUNNY IN PARIS (ANN)"),
    ]
    assert ("tool", "SUNNY IN PARIS (ANN)") in conversation(mock_model.requests[1])


async def test_async_hooks_and_async_tools_in_arun(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[Any] = []

    async def wrap(
        function_name: str,
        function_call: Callable[..., Any],
        arguments: dict[str, Any],
        agent: Agent,
        run_context: RunContext,
    ) -> Any:
        seen.append((function_name, agent.name, run_context.session_id is not None))
        return f"<{await function_call(**arguments)}>"

    mock_model.add_tool_calls([("get_time", {"city": "Rome"}), ("get_weather", {"city": "Oslo"})])
    mock_model.add_text("Done.")
    agent = make_agent(name="Clock", tools=[get_time, get_weather], tool_hooks=[wrap])

    run = await agent.arun("Time and weather?")

    assert run.tools is not None
    assert [t.result for t in run.tools] == ["<noon in Rome>", "<sunny in Oslo (None)>"]
    assert sorted(seen) == [("get_time", "Clock", True), ("get_weather", "Clock", True)]


async def test_a_hook_may_answer_instead_of_the_tool_or_fail_the_call(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    called: list[int] = []

    def delete_all(confirm: bool) -> str:
        """Delete everything."""
        called.append(1)
        return "deleted"

    def policy(function_name: str, function_call: Callable[..., Any], arguments: Any) -> Any:
        if arguments.get("confirm") is not True:
            raise ValueError("refused by policy")
        return "blocked: dry run"

    mock_model.add_tool_call("delete_all", {"confirm": False})
    mock_model.add_tool_call("delete_all", {"confirm": True})
    mock_model.add_text("Nothing deleted.")

    run = await make_agent(tools=[delete_all], tool_hooks=[policy]).arun("Delete all")

    assert called == []
    assert run.tools is not None
    assert [t.tool_call_error for t in run.tools] == [True, False]
    assert "refused by policy" in (run.tools[0].result or "")
    assert run.tools[1].result == "blocked: dry run"


async def test_tool_own_hooks_and_the_agent_hooks_replacing_them(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[str] = []

    def own_hook(function_name: str, function_call: Callable[..., Any], arguments: Any) -> Any:
        seen.append("own")
        return function_call(**arguments) + "!"

    def agent_hook(function_name: str, function_call: Callable[..., Any], arguments: Any) -> Any:
        seen.append("agent")
        return function_call(**arguments)

    @tool(tool_hooks=[own_hook])
    def greet(name: str) -> str:
        """Greet someone."""
        return f"hi {name}"

    for _ in range(2):
        mock_model.add_tool_call("greet", {"name": "Bo"})
        mock_model.add_text("Greeted.")

    own = await make_agent(tools=[greet]).arun("Greet Bo")
    replaced = await make_agent(tools=[greet], tool_hooks=[agent_hook]).arun("Greet Bo")

    assert own.tools is not None and own.tools[0].result == "hi Bo!"
    assert replaced.tools is not None and replaced.tools[0].result == "hi Bo"
    assert seen == ["own", "agent"]


async def test_a_generator_tool_through_a_sync_hook(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def count(n: int) -> Any:
        """Count."""
        yield from (str(i) for i in range(n))

    def passthrough(function_call: Callable[..., Any], arguments: Any) -> Any:
        return function_call(**arguments)

    mock_model.add_tool_call("count", {"n": 3})
    mock_model.add_text("Counted.")

    run = await make_agent(tools=[count], tool_hooks=[passthrough]).arun("Count")

    assert run.tools is not None and run.tools[0].result == "012"


async def test_a_cache_hit_still_runs_the_hooks_and_the_post_hook(
    mock_model: MockOpenAI, tmp_path: Any
) -> None:
    # As in Agno: an audit hook sees every call, the tool itself runs once.
    calls: list[str] = []
    audited: list[Any] = []
    post: list[Any] = []

    def audit(function_name: str, function_call: Callable[..., Any], arguments: Any) -> Any:
        result = function_call(**arguments)
        audited.append((function_name, result))
        return result

    @tool(cache_results=True, cache_dir=str(tmp_path), cache_ttl=60, tool_hooks=[audit])
    def quote(ticker: str) -> str:
        """Quote."""
        calls.append(ticker)
        return f"{ticker}: 100"

    quote.post_hook = lambda fc: post.append(fc.result)
    for _ in range(2):
        mock_model.add_tool_call("quote", {"ticker": "AAPL"})
        mock_model.add_text("ok")
    agent = Agent(tools=[quote])

    first = await agent.arun("q")
    second = await agent.arun("q")

    assert calls == ["AAPL"]
    assert audited == [("quote", "AAPL: 100"), ("quote", "AAPL: 100")]
    assert post == ["AAPL: 100", "AAPL: 100"]
    assert first.tools is not None and second.tools is not None
    assert first.tools[0].result == second.tools[0].result == "AAPL: 100"
