"""Agent: the Agno constructor arguments, what goes into the context, and entry-point defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.models.openai import OpenAIChat
from agno_core.run.agent import RunCompletedEvent
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


class Summary(BaseModel):
    text: str


def lookup(symbol: str) -> str:
    """Look a symbol up."""
    return f"{symbol}=42"


def _system_text(body: dict[str, Any]) -> str:
    items = body.get("messages") or body.get("input") or []
    return "\n".join(m["content"] for m in items if m.get("role") in ("system", "developer"))


async def test_agno_constructor_arguments(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str, make_agent: AgentMaker
) -> None:
    mock_model.add_json({"text": "short"})
    agent = make_agent(
        name="Analyst",
        id="analyst-1",
        tools=[lookup],
        description="You analyse stocks.",
        role="Financial analyst",
        instructions=["Be brief.", "Cite numbers."],
        markdown=True,
        output_schema=Summary,
        session_id="sess-a",
        user_id="user-a",
        add_history_to_context=True,
        num_history_runs=2,
        stream=False,
        stream_events=False,
        debug_mode=True,
        telemetry=False,
    )

    run = await agent.arun("Summarise AAPL")

    assert run.status is RunStatus.completed
    assert run.content == Summary(text="short")
    assert (run.session_id, run.user_id, run.agent_id, run.agent_name) == (
        "sess-a",
        "user-a",
        "analyst-1",
        "Analyst",
    )
    system = _system_text(mock_model.requests[0].json)
    for part in (
        "You analyse stocks.",
        "Financial analyst",
        "- Be brief.",
        "- Cite numbers.",
    ):
        assert part in system
    assert "markdown" not in system  # as in Agno: no markdown hint for a structured answer
    assert agent.telemetry is False


def test_id_is_derived_from_the_name() -> None:
    assert Agent(name="My Agent").id == "my-agent"
    assert Agent(name="My Agent", id="fixed").id == "fixed"
    anonymous = Agent()
    assert anonymous.id and anonymous.id == anonymous.id


async def test_default_model_is_gpt_4o_on_chat_completions(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = Agent(db=agno_db)

    run = await agent.arun("hi")

    assert run.status is RunStatus.completed
    assert run.content == "Mock reply."  # the mock's default answer
    assert isinstance(agent.model, OpenAIChat)
    assert (mock_model.requests[0].endpoint, mock_model.requests[0].model) == ("chat", "gpt-4o")
    assert run.metrics.total_tokens > 0


async def test_agent_stream_default_applies_to_arun(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("streams by default")
    mock_model.add_text("not streamed")
    agent = make_agent(stream=True, stream_events=True)

    events = [e async for e in agent.arun("x")]

    assert isinstance(events[-1], RunCompletedEvent)
    assert events[-1].run_output.content == "streams by default"
    run = await agent.arun("y", stream=False)
    assert run.status is RunStatus.completed


async def test_unknown_arguments_are_refused(make_agent: AgentMaker) -> None:
    agent = make_agent()

    with pytest.raises(TypeError, match="bogus"):
        agent.arun("x", bogus=1)


async def test_user_and_session_ids_per_call(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    agent = make_agent(user_id="default-user")

    first = await agent.arun("x")
    second = await agent.arun("y", session_id="explicit", user_id="other-user", run_id="run-42")

    assert first.session_id == agent.session_id  # created once, then reused
    assert (await agent.arun("z")).session_id == first.session_id
    assert (second.session_id, second.user_id, second.run_id) == (
        "explicit",
        "other-user",
        "run-42",
    )
    stored = await agent.aget_run_output("run-42", "explicit")
    assert stored is not None and stored.user_id == "other-user"


async def test_history_replays_tool_calls_on_both_endpoints(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    reply = mock_model.add_tool_call("lookup", {"symbol": "AAPL"})
    mock_model.add_text("AAPL is 42.")
    mock_model.add_text("Still 42.")
    agent = make_agent(tools=[lookup], add_history_to_context=True, num_history_runs=1)

    await agent.arun("Price of AAPL?")
    second = await agent.arun("And now?")

    assert second.content == "Still 42."
    body = mock_model.requests[-1].json
    call_id = reply.call_ids[0]
    if endpoint == "chat":
        roles = [(m["role"], m.get("tool_call_id")) for m in body["messages"]]
        assert roles == [
            ("user", None),
            ("assistant", None),
            ("tool", call_id),
            ("assistant", None),
            ("user", None),
        ]
        assert body["messages"][1]["tool_calls"][0]["id"] == call_id
    else:
        kinds = [item.get("type") or item["role"] for item in body["input"]]
        assert kinds == ["user", "function_call", "function_call_output", "assistant", "user"]
        assert body["input"][1]["call_id"] == body["input"][2]["call_id"] == call_id
    assert "Price of AAPL?" in str(body) and "AAPL is 42." in str(body)


async def test_print_response_prints_the_answer(
    mock_model: MockOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0))
    mock_model.add_text("Paris is the capital.")
    await agent.aprint_response("Capital of France?", show_message=False)
    mock_model.add_text("Streamed words here", chunks=3)
    await agent.aprint_response("Again", stream=True, show_message=False)
    mock_model.add_error(400, "bad request")
    agent.print_response("Fails", show_message=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Paris is the capital."
    assert out[1] == "Streamed words here"
    assert out[2].startswith("[ERROR]") and "bad request" in out[2]
