"""Tools, as Agno documents them: tool_choice, RunContext, tool factories, store_tool_messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run import RunContext
from agno_core.tools import tool
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import tool_names


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


def shout(text: str) -> str:
    """Shout."""
    return text.upper()


@pytest.mark.parametrize("choice", ["none", "required", "auto"])
async def test_tool_choice_string(
    choice: str, mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(tools=[lookup], tool_choice=choice).arun("hi")

    assert mock_model.requests[0].json["tool_choice"] == choice


async def test_tool_choice_forces_one_function(
    endpoint: str, mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    choice = {"type": "function", "function": {"name": "lookup"}}
    agent = make_agent(tools=[lookup, shout], tool_choice=choice)

    await agent.arun("hi")

    sent = mock_model.requests[0].json["tool_choice"]
    if endpoint == "chat":
        assert sent == choice
    else:  # the Responses API's flat shape
        assert sent == {"type": "function", "name": "lookup"}


async def test_tool_choice_is_not_sent_without_tools(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(tool_choice="none").arun("hi")

    assert "tool_choice" not in mock_model.requests[0].json


async def test_run_context_is_injected_into_tools(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[RunContext] = []

    def whoami(run_context: RunContext) -> str:
        """Who is asking."""
        seen.append(run_context)
        deps = run_context.dependencies or {}
        meta = run_context.metadata or {}
        return f"{run_context.user_id}/{deps['team']}/{meta['tier']}"

    agent = make_agent(tools=[whoami], dependencies={"team": "red"}, metadata={"tier": "gold"})
    mock_model.add_tool_call("whoami", {})
    mock_model.add_text("done")

    run = await agent.arun("who?", user_id="ann", session_id="s9")

    [ctx] = seen
    assert (ctx.run_id, ctx.session_id, ctx.user_id) == (run.run_id, "s9", "ann")
    assert run.tools[0].result == "ann/red/gold"
    assert ctx.messages is run.messages
    assert "run_context" not in str(mock_model.requests[0].json["tools"])  # not in the schema
    # No state configured: a dict anyway (as in Agno), with the run's ids during the run.
    assert ctx.session_state == {
        "current_user_id": "ann",
        "current_session_id": "s9",
        "current_run_id": run.run_id,
    }
    assert run.session_state == {}


async def test_run_context_in_a_decorated_async_tool(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    @tool(description="The run id.")
    async def run_id(run_context: RunContext) -> str:
        return run_context.run_id

    mock_model.add_tool_call("run_id", {})
    mock_model.add_text("done")

    run = await make_agent(tools=[run_id]).arun("id?")

    assert run.tools[0].result == run.run_id


@pytest.fixture
def factory_agent(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> Callable[..., tuple[Agent, list[Any]]]:
    def make(**kwargs: Any) -> tuple[Agent, list[Any]]:
        calls: list[Any] = []

        def tools_for(agent: Agent, run_context: RunContext) -> list[Any]:
            calls.append((agent, run_context.user_id))
            return [shout] if run_context.user_id == "admin" else [lookup]

        agent = Agent(model=make_model(), db=agno_db, tools=tools_for, **kwargs)
        return agent, calls

    return make


async def test_callable_tool_factory_gives_each_user_their_tools(
    mock_model: MockOpenAI, factory_agent: Callable[..., tuple[Agent, list[Any]]]
) -> None:
    agent, calls = factory_agent()

    await agent.arun("hi", user_id="admin")
    await agent.arun("hi", user_id="guest")
    await agent.arun("hi", user_id="admin")

    assert [tool_names(r) for r in mock_model.requests] == [["shout"], ["lookup"], ["shout"]]
    # cache_callables (default): the factory runs once per user.
    assert [(a is agent, u) for a, u in calls] == [(True, "admin"), (True, "guest")]


async def test_cache_callables_false_calls_the_factory_every_run(
    factory_agent: Callable[..., tuple[Agent, list[Any]]],
) -> None:
    agent, calls = factory_agent(cache_callables=False)

    await agent.arun("hi", user_id="admin")
    await agent.arun("hi", user_id="admin")

    assert len(calls) == 2


async def test_callable_tools_cache_key_and_clear_callable_cache(
    factory_agent: Callable[..., tuple[Agent, list[Any]]],
) -> None:
    agent, calls = factory_agent(callable_tools_cache_key=lambda run_context: "everyone")

    await agent.arun("hi", user_id="admin")
    await agent.arun("hi", user_id="guest")
    agent.clear_callable_cache()
    await agent.arun("hi", user_id="guest")

    assert [u for _, u in calls] == ["admin", "guest"]


async def test_tool_factory_tools_are_called(
    mock_model: MockOpenAI, factory_agent: Callable[..., tuple[Agent, list[Any]]]
) -> None:
    agent, _ = factory_agent()
    mock_model.add_tool_call("shout", {"text": "hey"})
    mock_model.add_text("done")

    run = await agent.arun("shout hey", user_id="admin")

    assert run.tools[0].result == "HEY"


async def test_store_tool_messages_false(
    mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(model=make_model(), db=db, tools=[lookup], store_tool_messages=False)
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Oslo is sunny")

    run = await agent.arun("Weather in Oslo?")
    stored = await agent.aget_run_output(run.run_id, run.session_id)

    assert stored is not None
    assert [m.role for m in stored.messages] == ["user", "assistant"]
    assert stored.messages[-1].content == "Oslo is sunny"
    assert stored.tools[0].result == "Oslo: sunny"  # the execution record stays
    # As in Agno, only the stored copy is scrubbed.
    assert [m.role for m in run.messages] == ["user", "assistant", "tool", "assistant"]


async def test_store_tool_messages_default_keeps_them(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Oslo is sunny")

    run = await make_agent(tools=[lookup]).arun("Weather in Oslo?")
    stored = await make_agent().aget_run_output(run.run_id)

    assert stored is not None
    assert [m.role for m in stored.messages] == ["user", "assistant", "tool", "assistant"]


async def test_add_tool_and_set_tools(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    agent = make_agent()
    agent.add_tool(lookup)
    await agent.arun("hi")
    agent.set_tools([shout])
    await agent.arun("hi")

    assert [tool_names(r) for r in mock_model.requests] == [["lookup"], ["shout"]]


async def test_tool_records_as_agnos(mock_model: MockOpenAI) -> None:
    def forecast(city: str, unit: str = "c") -> str:
        """Forecast."""
        return f"{city} 20{unit}"

    @tool(stop_after_tool_call=True)
    def final(answer: str) -> str:
        """Final answer."""
        return answer

    mock_model.add_tool_call("forecast", {"city": "Paris"})
    mock_model.add_tool_call("final", {"answer": "Done."})

    run = await Agent(tools=[forecast, final]).arun("Weather?")

    first, last = run.tools
    assert first.tool_args == {"city": "Paris"}  # as sent; the tool got unit="c" too
    assert first.result == "Paris 20c"
    assert (first.stop_after_tool_call, last.stop_after_tool_call) == (False, True)
    assert [m.tool_name for m in run.messages if m.role == "tool"] == ["forecast", "final"]
    assert run.messages[0].tool_name is None
