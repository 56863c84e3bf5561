"""OpenAIResponses through Agent.arun: streaming and not, the tool loop, usage, payloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.run.agent import (
    RunCompletedEvent,
    RunContentEvent,
    RunErrorEvent,
    RunStartedEvent,
    ToolCallCompletedEvent,
    ToolCallStartedEvent,
)
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


@pytest.fixture
def endpoint() -> str:
    return "responses"


def add(a: int, b: int = 1) -> int:
    """Add two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


async def test_arun_returns_the_answer(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_text("Bonjour.")
    agent = make_agent(instructions="Answer in French.")

    run = await agent.arun("Hello")

    assert run.status is RunStatus.completed
    assert run.content == "Bonjour."
    request = mock_model.requests[0]
    assert request.url.endswith("/responses")
    assert request.json["model"] == "gpt-4o-mini"
    assert request.json["input"] == [
        {"role": "developer", "content": "Answer in French."},
        {"role": "user", "content": "Hello"},
    ]
    assert "text" not in request.json
    assert "stream" not in request.json


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_usage_maps_cached_and_reasoning_tokens(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool, collect: Any
) -> None:
    mock_model.add_text(
        "ok", input_tokens=200, output_tokens=50, cached_tokens=128, reasoning_tokens=30
    )
    agent = make_agent()

    if stream:
        run = (await collect(agent.arun("x", stream=True, yield_run_output=True)))[-1]
    else:
        run = await agent.arun("x")

    m = run.metrics
    assert (m.input_tokens, m.output_tokens, m.total_tokens) == (200, 50, 250)
    assert (m.cache_read_tokens, m.reasoning_tokens) == (128, 30)
    assert (m.audio_input_tokens, m.audio_output_tokens, m.audio_total_tokens) == (0, 0, 0)
    [entry] = m.details["model"]
    assert (entry.id, entry.provider, entry.requests) == ("gpt-4o-mini", "OpenAI Responses", 1)
    assert run.model_provider == "OpenAI"
    assert entry.tokens_dict() == m.tokens_dict()


async def test_stream_yields_typed_events_and_counts_usage_once(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    mock_model.add_text("Streaming over responses.", input_tokens=11, output_tokens=3)
    agent = make_agent()

    events = await collect(agent.arun("x", stream=True, stream_events=True, session_id="sess"))

    assert isinstance(events[0], RunStartedEvent)
    assert isinstance(events[-1], RunCompletedEvent)
    deltas = [e.content for e in events if isinstance(e, RunContentEvent)]
    # As in Agno, the call's stream opens with the response id, as a RunContent without content.
    assert deltas == [None, "Streaming ", "over ", "responses."]
    opening = next(e for e in events if isinstance(e, RunContentEvent))
    assert opening.model_provider_data is not None
    assert list(opening.model_provider_data) == ["response_id"]
    assert opening.model_provider_data["response_id"].startswith("resp")
    assert len({e.run_id for e in events}) == 1
    assert {e.session_id for e in events} == {"sess"}
    run = events[-1].run_output
    assert run.content == "Streaming over responses."
    assert (run.metrics.input_tokens, run.metrics.output_tokens, run.metrics.total_tokens) == (
        11,
        3,
        14,
    )
    assert mock_model.requests[0].json["stream"] is True


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_tool_loop_sends_function_call_outputs(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool, collect: Any
) -> None:
    reply = mock_model.add_tool_calls([("add", {"a": 2, "b": 3}), ("add", {"a": 5})])
    mock_model.add_text("5 and 6")
    agent = make_agent(tools=[add])

    if stream:
        events = await collect(agent.arun("sums", stream=True, stream_events=True))
        run = events[-1].run_output
        assert sum(isinstance(e, ToolCallStartedEvent) for e in events) == 2
        completed = [e for e in events if isinstance(e, ToolCallCompletedEvent)]
        assert [e.tool.result for e in completed] == ["5", "6"]
        assert [e.content.split(" completed in ")[0] for e in completed] == [
            "add(a=2, b=3)",
            "add(a=5)",
        ]
    else:
        run = await agent.arun("sums")

    assert run.status is RunStatus.completed
    assert run.content == "5 and 6"
    first, second = (r.json for r in mock_model.requests)
    # Agno's form: the Chat Completions definition flattened, no defaults, no strict flag.
    assert first["tools"] == [
        {
            "name": "add",
            "description": "Add two numbers.",
            "parameters": {
                "type": "object",
                "properties": {
                    "a": {"type": "integer", "description": "The first number."},
                    "b": {"type": "integer", "description": "The second number."},
                },
                "required": ["a"],
            },
            "type": "function",
        }
    ]
    calls = [item for item in second["input"] if item.get("type") == "function_call"]
    outputs = [item for item in second["input"] if item.get("type") == "function_call_output"]
    assert [c["call_id"] for c in calls] == list(reply.call_ids)
    assert [json.loads(c["arguments"]) for c in calls] == [{"a": 2, "b": 3}, {"a": 5}]
    assert outputs == [
        {"type": "function_call_output", "call_id": reply.call_ids[0], "output": "5"},
        {"type": "function_call_output", "call_id": reply.call_ids[1], "output": "6"},
    ]
    assert run.metrics.details["model"][0].requests == 2
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (20, 10)


async def test_structured_output_uses_text_format(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    class Answer(BaseModel):
        value: int
        unit: str

    mock_model.add_json({"value": 3, "unit": "kg"})
    agent = make_agent()

    run = await agent.arun("x", output_schema=Answer)

    assert run.content == Answer(value=3, unit="kg")
    fmt = mock_model.requests[0].json["text"]["format"]
    assert (fmt["type"], fmt["name"], fmt["strict"]) == ("json_schema", "Answer", True)
    assert fmt["schema"]["additionalProperties"] is False
    assert sorted(fmt["schema"]["required"]) == ["unit", "value"]
    assert "response_format" not in mock_model.requests[0].json


def _failed_response(message: str) -> dict[str, Any]:
    return {
        "id": "resp_failed",
        "object": "response",
        "created_at": 1,
        "status": "failed",
        "error": {"code": "server_error", "message": message},
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "model": "gpt-4o-mini",
        "output": [],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "usage": None,
    }


async def test_a_failed_response_ends_the_run_with_its_message(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_raw(200, json.dumps(_failed_response("The model melted.")))
    agent = make_agent()

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert run.error is not None and "The model melted." in run.error


async def test_a_stream_error_event_ends_the_run_with_its_message(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    error = {
        "type": "error",
        "sequence_number": 0,
        "code": "x",
        "message": "Overloaded.",
        "param": None,
    }
    sse = f"event: error\ndata: {json.dumps(error)}\n\n"
    mock_model.add_raw(200, sse, content_type="text/event-stream")
    agent = make_agent()

    events = await collect(agent.arun("x", stream=True))

    assert isinstance(events[-1], RunErrorEvent)
    run = events[-1].run_output
    assert run.status is RunStatus.error
    assert "Overloaded." in (run.error or "")
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None and stored.status is RunStatus.error


async def test_a_stream_cut_before_completion_is_an_error(
    make_agent: AgentMaker, mock_model: MockOpenAI, collect: Any
) -> None:
    delta = {
        "type": "response.output_text.delta",
        "sequence_number": 0,
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "partial",
        "logprobs": [],
    }
    sse = f"event: {delta['type']}\ndata: {json.dumps(delta)}\n\n"
    mock_model.add_raw(200, sse, content_type="text/event-stream")
    agent = make_agent()

    events = await collect(agent.arun("x", stream=True))

    run = events[-1].run_output
    assert run.status is RunStatus.error
    assert "response.completed" in (run.error or "")
