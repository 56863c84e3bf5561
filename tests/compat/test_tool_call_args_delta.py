"""``RunEvent.tool_call_args_delta``: tool-call arguments streamed as the model writes them.

Later Agno versions emit a ``ToolCallArgsDelta`` event (``tool_call_index``, ``tool_call_id``,
``tool_call_name``, ``arguments_delta``) for each fragment of a tool call's arguments that arrives
on the wire, on Chat Completions and on the Responses API, when a run streams its events. Agno
3.1.10 has no such event, so a stream that matches it has none: the events come only for an
agent or team made with ``stream_tool_call_args=True``. The mock sends each call's arguments in
several fragments, so the tests see real fragments.
"""

from __future__ import annotations

import json

from agno_core.agent import RunEvent, ToolCallArgsDeltaEvent
from agno_core.run.agent import ToolCallStartedEvent
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def create_task(title: str, assignee: str, tags: list[str]) -> str:
    """Create a task."""
    return json.dumps({"status": "created", "title": title, "assignee": assignee, "tags": tags})


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: sunny"


TASK = {"title": "Implement OAuth2 login", "assignee": "alice@example.com", "tags": ["auth"]}


def test_the_event_has_agnos_name() -> None:
    assert RunEvent.tool_call_args_delta.value == "ToolCallArgsDelta"


async def test_argument_fragments_stream_before_the_tool_runs(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    call = mock_model.add_tool_call("create_task", TASK, call_id="call_task1")
    mock_model.add_text("Created.")
    agent = make_agent(tools=[create_task], stream_tool_call_args=True)

    events = [e async for e in agent.arun("make a task", stream=True, stream_events=True)]

    deltas = [e for e in events if isinstance(e, ToolCallArgsDeltaEvent)]
    assert len(deltas) > 1  # the arguments came in several fragments, one event each
    assert all(e.event == RunEvent.tool_call_args_delta for e in deltas)
    assert {(e.tool_call_index, e.tool_call_id, e.tool_call_name) for e in deltas} == {
        (0, "call_task1", "create_task")
    }
    # Joined in order, the fragments are exactly the arguments the model sent.
    assert json.loads("".join(e.arguments_delta for e in deltas)) == TASK
    sent = call.content.tool_calls[0].arguments  # type: ignore[union-attr]
    assert "".join(e.arguments_delta for e in deltas) == sent
    # They arrive while the model writes the call, before the tool is run.
    started = next(i for i, e in enumerate(events) if isinstance(e, ToolCallStartedEvent))
    assert max(events.index(e) for e in deltas) < started
    assert all(e.run_id == events[0].run_id for e in deltas)


async def test_parallel_calls_are_told_apart_by_index(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_calls([("get_weather", {"city": "Paris"}), ("create_task", TASK)])
    mock_model.add_text("Done.")
    agent = make_agent(tools=[get_weather, create_task], stream_tool_call_args=True)

    events = [e async for e in agent.arun("both", stream=True, stream_events=True)]

    by_index: dict[int, list[ToolCallArgsDeltaEvent]] = {}
    for e in events:
        if isinstance(e, ToolCallArgsDeltaEvent):
            assert e.tool_call_index is not None
            by_index.setdefault(e.tool_call_index, []).append(e)
    assert sorted(by_index) == [0, 1]
    assert {e.tool_call_name for e in by_index[0]} == {"get_weather"}
    assert {e.tool_call_name for e in by_index[1]} == {"create_task"}
    assert json.loads("".join(e.arguments_delta for e in by_index[0])) == {"city": "Paris"}
    assert json.loads("".join(e.arguments_delta for e in by_index[1])) == TASK
    ids = {i: {e.tool_call_id for e in group} for i, group in by_index.items()}
    assert len(ids[0]) == len(ids[1]) == 1 and ids[0] != ids[1]


def test_sync_run_streams_the_fragments_too(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    mock_model.add_tool_call("get_weather", {"city": "Rome"})
    mock_model.add_text("Sunny.")
    agent = make_agent(
        tools=[get_weather], stream=True, stream_events=True, stream_tool_call_args=True
    )

    chunks = list(agent.run("weather?", stream=True))

    deltas = [c for c in chunks if c.event == RunEvent.tool_call_args_delta.value]
    assert json.loads("".join(c.arguments_delta for c in deltas)) == {"city": "Rome"}


async def test_no_fragments_without_stream_events(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("get_weather", {"city": "Oslo"})
    mock_model.add_text("Cold.")
    agent = make_agent(tools=[get_weather], stream_tool_call_args=True)

    events = [e async for e in agent.arun("weather?", stream=True)]

    assert not any(isinstance(e, ToolCallArgsDeltaEvent) for e in events)
    assert "".join(e.content or "" for e in events if e.event == RunEvent.run_content) == "Cold."


async def test_none_by_default_as_in_agno_3_1_10(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("create_task", TASK)
    mock_model.add_text("Created.")
    agent = make_agent(tools=[create_task])

    events = [e async for e in agent.arun("make a task", stream=True, stream_events=True)]

    assert agent.stream_tool_call_args is False
    assert not any(isinstance(e, ToolCallArgsDeltaEvent) for e in events)
    names = [e.event for e in events if e.event != RunEvent.run_content]
    assert names[:4] == [
        "RunStarted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "ToolCallStarted",
    ]
