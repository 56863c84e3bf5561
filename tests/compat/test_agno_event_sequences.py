"""Streamed events as Agno 3.1.10 sends them (each case compared side by side with Agno on the
same mock): the empty piece each model call's stream opens with, the tool-call events' content
and order, a failed tool's bare message, a structured answer's place, ``RunContentCompleted``
before ``RunPaused`` and the content of ``RunCancelled``."""

from __future__ import annotations

import asyncio
import json
import re

from pydantic import BaseModel

from agno_core.agent import RunEvent
from agno_core.run.agent import (
    RunContentEvent,
    ToolCallCompletedEvent,
    ToolCallErrorEvent,
    ToolCallStartedEvent,
)
from agno_core.run.base import RunStatus
from agno_core.tools import tool
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: sunny"


def broken(x: int) -> str:
    """Always fails."""
    raise ValueError("kaput")


class City(BaseModel):
    name: str
    country: str


def _tool_outputs(body: dict[str, object], endpoint: str) -> list[object]:
    items = body["messages"] if endpoint == "chat" else body["input"]
    assert isinstance(items, list)
    if endpoint == "chat":
        return [m["content"] for m in items if m.get("role") == "tool"]
    return [i["output"] for i in items if i.get("type") == "function_call_output"]


async def test_each_model_call_opens_with_an_empty_piece(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str
) -> None:
    mock_model.add_tool_call("weather", {"city": "Paris"})
    mock_model.add_text("It is sunny")
    agent = make_agent(tools=[weather])

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    names = [e.event for e in events]
    second = [i for i, n in enumerate(names) if n == "ModelRequestStarted"][1]
    opening = events[second + 1]
    assert isinstance(opening, RunContentEvent)
    if endpoint == "chat":
        # The role-only first chunk: "" (a tool-call response's first chunk has no content).
        assert opening.content == "" and opening.model_provider_data is None
        assert names[:3] == ["RunStarted", "ModelRequestStarted", "ModelRequestCompleted"]
    else:
        # response.created: no content, the response id as provider data, on every call.
        assert opening.content is None
        assert opening.model_provider_data is not None
        assert list(opening.model_provider_data) == ["response_id"]
        assert names[:3] == ["RunStarted", "ModelRequestStarted", "RunContent"]
    assert [e.content for e in events[second + 2 :] if e.event == "RunContent"] == [
        "It ",
        "is ",
        "sunny",
    ]
    assert events[-1].content == "It is sunny"


def test_a_plain_sync_stream_has_the_empty_piece_too(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str
) -> None:
    mock_model.add_text("Hello there")

    events = list(make_agent().run("q", stream=True))

    assert [e.content for e in events] == ["" if endpoint == "chat" else None, "Hello ", "there"]


async def test_tool_events_carry_agnos_content_and_a_started_tool_keeps_no_result(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("weather", {"city": "Paris"})
    mock_model.add_text("Sunny.")
    agent = make_agent(tools=[weather])

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    [started] = [e for e in events if isinstance(e, ToolCallStartedEvent)]
    [completed] = [e for e in events if isinstance(e, ToolCallCompletedEvent)]
    # Read after the run: the started event still shows the call as it was when it started.
    assert started.tool is not None and started.tool.result is None
    assert started.tool.tool_args == {"city": "Paris"}
    assert completed.tool is not None and completed.tool.result == "Paris: sunny"
    assert re.fullmatch(r"weather\(city=Paris\) completed in \d+\.\d{4}s\. ", completed.content)


async def test_concurrent_calls_complete_in_call_order(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    second_done = asyncio.Event()

    async def first(city: str) -> str:
        """Waits for the second call."""
        await second_done.wait()
        return f"first {city}"

    async def second(city: str) -> str:
        """Finishes at once."""
        second_done.set()
        return f"second {city}"

    mock_model.add_tool_calls([("first", {"city": "A"}), ("second", {"city": "B"})])
    mock_model.add_text("Done.")
    agent = make_agent(tools=[first, second])

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    tool_events = [
        (e.event, e.tool.tool_name)
        for e in events
        if isinstance(e, (ToolCallStartedEvent, ToolCallCompletedEvent)) and e.tool is not None
    ]
    # As Agno's arun: every call starts, they run together, then they complete in call order
    # (the second finished first).
    assert tool_events == [
        ("ToolCallStarted", "first"),
        ("ToolCallStarted", "second"),
        ("ToolCallCompleted", "first"),
        ("ToolCallCompleted", "second"),
    ]


def _failed_tool_run_events(events: list[object], mock: MockOpenAI, endpoint: str) -> None:
    completed = [e for e in events if isinstance(e, ToolCallCompletedEvent)]
    errors = [e for e in events if isinstance(e, ToolCallErrorEvent)]
    assert len(completed) == len(errors) == 1
    assert errors[0].error == "kaput"
    tool = completed[0].tool
    assert tool is not None and (tool.result, tool.tool_call_error) == ("kaput", True)
    assert _tool_outputs(mock.requests[1].json, endpoint) == ["kaput"]


async def test_a_failed_tool_gives_its_bare_message_async(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str
) -> None:
    mock_model.add_tool_call("broken", {"x": 1})
    mock_model.add_text("Sorry.")
    agent = make_agent(tools=[broken])

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    _failed_tool_run_events(events, mock_model, endpoint)
    assert events[-1].run_output.tools[0].result == "kaput"


def test_a_failed_tool_gives_its_bare_message_sync(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str
) -> None:
    mock_model.add_tool_call("broken", {"x": 1})
    mock_model.add_text("Sorry.")
    agent = make_agent(tools=[tool(broken)])

    events = list(agent.run("q", stream=True, stream_events=True))

    _failed_tool_run_events(events, mock_model, endpoint)


async def test_a_structured_answer_comes_before_its_request_completes(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_json({"name": "Paris", "country": "France"})
    agent = make_agent(output_schema=City)

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    assert [e.event for e in events] == [
        "RunStarted",
        "ModelRequestStarted",
        "RunContent",
        "ModelRequestCompleted",
        "RunContentCompleted",
        "RunCompleted",
    ]
    assert events[2].content == City(name="Paris", country="France")
    assert events[3].input_tokens == 10


async def test_a_structured_answer_that_fails_validation_still_completes_its_request(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_json({"name": "Paris"})
    agent = make_agent(output_schema=City)

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    assert [e.event for e in events] == [
        "RunStarted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "RunError",
    ]


@tool(requires_confirmation=True)
def delete_file(path: str) -> str:
    """Delete a file."""
    return f"deleted {path}"


async def test_an_async_paused_stream_completes_its_content_first(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("delete_file", {"path": "a.txt"})
    agent = make_agent(tools=[delete_file])

    events = [e async for e in agent.arun("q", stream=True, stream_events=True)]

    assert [e.event for e in events if e.event != "RunContent"][-2:] == [
        "RunContentCompleted",
        "RunPaused",
    ]


def test_a_sync_paused_stream_has_no_content_completed(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("delete_file", {"path": "a.txt"})
    agent = make_agent(tools=[delete_file])

    events = list(agent.run("q", stream=True, stream_events=True))

    names = [e.event for e in events if e.event != "RunContent"]
    assert names[-2:] == ["ModelRequestCompleted", "RunPaused"]
    assert "RunContentCompleted" not in names


async def test_run_cancelled_carries_the_partial_answer(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("one two three four")
    agent = make_agent()

    events = []
    async for event in agent.arun("q", stream=True, stream_events=True):
        events.append(event)
        if event.event == RunEvent.run_content and event.content == "one ":
            await agent.acancel_run(event.run_id)

    last = events[-1]
    assert last.event == "RunCancelled"
    assert last.run_output.status is RunStatus.cancelled
    assert last.content == last.run_output.content and last.content.startswith("one ")


def test_the_call_text_is_agnos() -> None:
    from agno_core.run._event_factory import call_str

    assert call_str("f", {}) == "f()"
    assert call_str("f", {"a": 1, "b": "x"}) == "f(a=1, b=x)"
    assert call_str("f", {"text": "y" * 200}) == "f(text=...)"
    assert json.dumps(call_str("f", {"n": None})) == '"f(n=None)"'
