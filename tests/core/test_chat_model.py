"""OpenAIChat through Agent.arun: streaming and not, the tool loop, usage mapping, payloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.metrics import ModelMetrics
from agno_core.run.agent import (
    RunCompletedEvent,
    RunContentEvent,
    RunEvent,
    RunStartedEvent,
    ToolCallCompletedEvent,
    ToolCallStartedEvent,
)
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


@pytest.fixture
def endpoint() -> str:
    return "chat"


def get_weather(city: str) -> str:
    """Current weather in a city.

    Args:
        city: The city's name.
    """
    return f"Sunny in {city}"


async def test_arun_returns_the_answer(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_text("Paris is the capital.")
    agent = make_agent(instructions="Be brief.")

    run = await agent.arun("Capital of France?")

    assert run.status is RunStatus.completed
    assert run.content == "Paris is the capital."
    assert run.error is None
    assert (run.model, run.model_provider) == ("gpt-4o-mini", "OpenAI")
    body = mock_model.requests[0].json
    assert mock_model.requests[0].url.endswith("/chat/completions")
    assert body["model"] == "gpt-4o-mini"
    assert body["messages"] == [
        {"role": "developer", "content": "Be brief."},
        {"role": "user", "content": "Capital of France?"},
    ]
    assert "stream" not in body
    assert "tools" not in body
    assert "response_format" not in body


async def test_stream_yields_typed_events_and_reassembles_content(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    mock_model.add_text("The quick brown fox.", input_tokens=21, output_tokens=4)
    agent = make_agent()

    events = await collect(agent.arun("Tell me", stream=True, stream_events=True, session_id="s1"))

    assert isinstance(events[0], RunStartedEvent)
    assert events[0].event == RunEvent.run_started.value
    assert isinstance(events[-1], RunCompletedEvent)
    contents = [e for e in events if isinstance(e, RunContentEvent)]
    # The first, role-only chunk is an empty piece, as in Agno.
    assert [e.content for e in contents] == ["", "The ", "quick ", "brown ", "fox."]
    assert all(e.event == "RunContent" for e in contents)
    run_ids = {e.run_id for e in events}
    assert len(run_ids) == 1 and None not in run_ids
    assert {e.session_id for e in events} == {"s1"}
    final = events[-1].run_output
    assert final is not None
    assert final.run_id in run_ids
    assert final.status is RunStatus.completed
    assert final.content == "The quick brown fox." == events[-1].content
    # The usage chunk comes once; it is counted once.
    assert (final.metrics.input_tokens, final.metrics.output_tokens) == (21, 4)
    assert final.metrics.total_tokens == 25
    body = mock_model.requests[0].json
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_stream_without_stream_events_yields_only_the_content(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    mock_model.add_text("one two")
    agent = make_agent()

    events = await collect(agent.arun("x", stream=True))

    assert not any(isinstance(e, RunStartedEvent | ToolCallStartedEvent) for e in events)
    assert all(isinstance(e, RunContentEvent) for e in events)
    assert "".join(e.content for e in events) == "one two"


async def test_stored_stream_run_matches_the_returned_one(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    mock_model.add_text("streamed text", input_tokens=3, output_tokens=2)
    agent = make_agent()

    final = (await collect(agent.arun("x", stream=True, yield_run_output=True)))[-1]
    stored = await agent.aget_run_output(final.run_id, final.session_id)

    assert stored is not None
    assert stored.status is RunStatus.completed
    assert stored.content == "streamed text"
    assert stored.metrics.to_dict() == final.metrics.to_dict()


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_usage_maps_cached_reasoning_and_audio_tokens(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool, collect: Any
) -> None:
    mock_model.add_text(
        "ok",
        input_tokens=100,
        output_tokens=40,
        cached_tokens=64,
        reasoning_tokens=12,
        audio_input_tokens=7,
        audio_output_tokens=9,
    )
    agent = make_agent()

    if stream:
        run = (await collect(agent.arun("x", stream=True, yield_run_output=True)))[-1]
    else:
        run = await agent.arun("x")

    m = run.metrics
    assert (m.input_tokens, m.output_tokens, m.total_tokens) == (100, 40, 140)
    assert (m.cache_read_tokens, m.cache_write_tokens, m.reasoning_tokens) == (64, 0, 12)
    assert (m.audio_input_tokens, m.audio_output_tokens, m.audio_total_tokens) == (7, 9, 16)
    [entry] = m.details["model"]
    assert isinstance(entry, ModelMetrics)
    # the entry names the API, as Agno's do; the run's model_provider stays "OpenAI"
    assert (entry.id, entry.provider, entry.model_type, entry.requests) == (
        "gpt-4o-mini",
        "OpenAI Chat",
        "model",
        1,
    )
    assert run.model_provider == "OpenAI"
    assert entry.tokens_dict() == m.tokens_dict()


async def test_usage_of_a_provider_sending_it_on_every_chunk_is_not_summed(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    # Some OpenAI-compatible servers repeat the (cumulative) usage on every chunk.
    def chunk(delta: dict[str, Any], usage: dict[str, int], finish: str | None = None) -> str:
        body = {
            "id": "chatcmpl-x",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            "usage": usage,
        }
        return f"data: {json.dumps(body)}\n\n"

    sse = (
        chunk({"role": "assistant", "content": "a"}, {"prompt_tokens": 9, "completion_tokens": 1})
        + chunk({"content": "b"}, {"prompt_tokens": 9, "completion_tokens": 2})
        + chunk({}, {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}, "stop")
        + "data: [DONE]\n\n"
    )
    mock_model.add_raw(200, sse, content_type="text/event-stream")
    agent = make_agent()

    events = [e async for e in agent.arun("x", stream=True, yield_run_output=True)]

    run = events[-1]
    assert run.content == "ab"
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (9, 3)
    assert run.metrics.total_tokens == 12


async def test_tool_call_loop_with_a_sync_tool(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("get_weather", {"city": "Paris"}, call_id="call_1", input_tokens=30)
    mock_model.add_text("It is sunny.", input_tokens=50, output_tokens=6)
    agent = make_agent(tools=[get_weather])

    run = await agent.arun("Weather in Paris?")

    assert run.status is RunStatus.completed
    assert run.content == "It is sunny."
    [execution] = run.tools
    assert (execution.tool_name, execution.tool_args) == ("get_weather", {"city": "Paris"})
    assert (execution.result, execution.tool_call_error) == ("Sunny in Paris", False)
    first, second = (r.json for r in mock_model.requests)
    assert first["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string", "description": "The city's name."}},
                    "required": ["city"],
                },
            },
        }
    ]
    assert second["messages"][-2:] == [
        {
            "role": "assistant",
            "content": "",  # as Agno sends a message of tool calls only
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny in Paris"},
    ]
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (80, 11)
    assert run.metrics.details["model"][0].requests == 2


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_parallel_tool_calls_with_async_tools(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool, collect: Any
) -> None:
    started: list[str] = []

    async def lookup(symbol: str) -> dict[str, Any]:
        """Look a symbol up."""
        started.append(symbol)
        await asyncio.sleep(0)
        return {"symbol": symbol, "price": len(symbol)}

    reply = mock_model.add_tool_calls(
        [("lookup", {"symbol": "AAPL"}), ("lookup", {"symbol": "MS"})]
    )
    mock_model.add_text("Done.")
    agent = make_agent(tools=[lookup])

    if stream:
        events = await collect(agent.arun("prices", stream=True, stream_events=True))
        run = events[-1].run_output
        kinds = [
            type(e) for e in events if isinstance(e, ToolCallStartedEvent | ToolCallCompletedEvent)
        ]
        # arun runs both calls together, as Agno's does: both start before either completes.
        assert kinds == [ToolCallStartedEvent] * 2 + [ToolCallCompletedEvent] * 2
    else:
        run = await agent.arun("prices")

    assert run.status is RunStatus.completed
    assert run.content == "Done."
    assert started == ["AAPL", "MS"]
    assert [t.tool_call_id for t in run.tools] == list(reply.call_ids)
    second = mock_model.requests[1].json["messages"]
    assert [c["id"] for c in second[-3]["tool_calls"]] == list(reply.call_ids)
    tool_messages = second[-2:]
    assert [m["tool_call_id"] for m in tool_messages] == list(reply.call_ids)
    assert [json.loads(m["content"]) for m in tool_messages] == [
        {"symbol": "AAPL", "price": 4},
        {"symbol": "MS", "price": 2},
    ]
    assert len(run.metrics.details["tool_call"]) == 2


async def test_structured_output_request_is_strict_json_schema(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    class Capital(BaseModel):
        city: str
        population: int | None = None

    mock_model.add_json({"city": "Paris", "population": 2})
    agent = make_agent(output_schema=Capital)

    run = await agent.arun("x")

    assert run.content == Capital(city="Paris", population=2)
    fmt = mock_model.requests[0].json["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "Capital"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == ["city", "population"]


async def test_sampling_options_reach_the_request(mock_model: MockOpenAI, agno_db: Any) -> None:
    from agno_core.models.openai import OpenAIChat

    model = OpenAIChat(
        id="gpt-4o", max_retries=0, temperature=0.2, max_tokens=64, seed=7, stop=["END"]
    )
    agent = Agent(model=model, db=agno_db)

    await agent.arun("x")

    body = mock_model.requests[0].json
    assert body["model"] == "gpt-4o"
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.2, 64, 7)
    assert body["stop"] == ["END"]


async def test_closing_the_stream_early_keeps_the_partial_content(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("one two three four five")
    agent = make_agent()
    received: list[RunContentEvent] = []

    async with contextlib.aclosing(agent.arun("x", stream=True)) as events:
        async for event in events:
            received.append(event)
            if len(received) == 3:  # the empty first piece, "one ", "two "
                break

    stored = await agent.aget_run_output(received[0].run_id, received[0].session_id)
    assert stored is not None
    assert stored.status is RunStatus.cancelled
    assert stored.content == "one two "
