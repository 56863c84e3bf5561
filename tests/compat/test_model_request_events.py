"""``stream_events=True`` frames each model call and tool call as Agno 3.1.10 does.

``ModelRequestStarted`` before the request, ``ModelRequestCompleted`` after it with that call's
tokens and time to first token, and ``RunContentCompleted`` once the answer is complete, before
``RunCompleted``. A plain stream has none of them.
"""

from __future__ import annotations

import pytest

from agno_core.agent import RunEvent
from agno_core.run.agent import (
    ModelRequestCompletedEvent,
    ModelRequestStartedEvent,
    PreHookCompletedEvent,
    PreHookStartedEvent,
    RunContentCompletedEvent,
    RunInput,
    RunOutput,
    ToolCallErrorEvent,
)
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: sunny"


async def test_each_model_call_is_framed_with_its_own_usage(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("weather", {"city": "Paris"}, input_tokens=40, output_tokens=7)
    mock_model.add_text("Sunny in Paris.", input_tokens=60, output_tokens=5, cached_tokens=32)
    agent = make_agent(tools=[weather])

    items = [
        item
        async for item in agent.arun(
            "Weather in Paris?", stream=True, stream_events=True, yield_run_output=True
        )
    ]

    *events, output = items
    assert isinstance(output, RunOutput)
    names = [e.event for e in events if e.event not in ("RunContent", "ToolCallArgsDelta")]
    assert names == [
        "RunStarted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "ToolCallStarted",
        "ToolCallCompleted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "RunContentCompleted",
        "RunCompleted",
    ]
    started = [e for e in events if isinstance(e, ModelRequestStartedEvent)]
    assert {(e.model, e.model_provider) for e in started} == {("gpt-4o-mini", "OpenAI")}
    first, second = [e for e in events if isinstance(e, ModelRequestCompletedEvent)]
    assert (first.input_tokens, first.output_tokens, first.total_tokens) == (40, 7, 47)
    assert (second.input_tokens, second.output_tokens, second.cache_read_tokens) == (60, 5, 32)
    assert first.time_to_first_token is not None and first.time_to_first_token >= 0
    # the calls' usage adds up to the run's metrics
    assert first.total_tokens + second.total_tokens == output.metrics.total_tokens
    assert all(e.run_id == output.run_id for e in events)


async def test_content_completed_comes_after_the_whole_answer(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("one two three")

    events = [e async for e in make_agent().arun("go", stream=True, stream_events=True)]

    done = next(i for i, e in enumerate(events) if isinstance(e, RunContentCompletedEvent))
    assert all(e.event != RunEvent.run_content for e in events[done:])
    assert events[done + 1].event == RunEvent.run_completed


async def test_a_plain_stream_has_no_request_events(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("weather", {"city": "Rome"})
    mock_model.add_text("Sunny.")

    events = [e async for e in make_agent(tools=[weather]).arun("Rome?", stream=True)]

    assert {e.event for e in events} == {RunEvent.run_content}


def test_the_event_names_are_agnos() -> None:
    assert RunEvent.model_request_started.value == "ModelRequestStarted"
    assert RunEvent.model_request_completed.value == "ModelRequestCompleted"
    assert RunEvent.run_content_completed.value == "RunContentCompleted"


def explode(x: int) -> str:
    """Always fails."""
    raise ValueError(f"bad x {x}")


async def test_tool_events_carry_the_arguments_and_a_failure_its_error_event(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("weather", {"city": "Oslo"})
    mock_model.add_tool_call("explode", {"x": 3})
    mock_model.add_text("Done.")
    agent = make_agent(tools=[weather, explode])

    seen = []
    async for event in agent.arun("go", stream=True, stream_events=True):
        if event.event.startswith("ToolCall") and event.event != "ToolCallArgsDelta":
            # read as the event arrives: Agno's ToolCallStarted already has the arguments
            seen.append((event.event, event.tool.tool_name, dict(event.tool.tool_args)))
            if isinstance(event, ToolCallErrorEvent):
                assert "bad x 3" in (event.error or "") and event.tool.tool_call_error

    assert seen == [
        ("ToolCallStarted", "weather", {"city": "Oslo"}),
        ("ToolCallCompleted", "weather", {"city": "Oslo"}),
        ("ToolCallStarted", "explode", {"x": 3}),
        ("ToolCallCompleted", "explode", {"x": 3}),
        ("ToolCallError", "explode", {"x": 3}),
    ]


def shout(run_input: RunInput) -> None:
    """A pre-hook that rewrites the input."""
    run_input.input_content = str(run_input.input_content).upper()


def audit(run_output: RunOutput) -> None:
    """A post-hook."""


@pytest.mark.parametrize("stream_events", [True, False], ids=["events", "plain"])
async def test_hooks_are_framed_by_their_events(
    mock_model: MockOpenAI, make_agent: AgentMaker, stream_events: bool
) -> None:
    mock_model.add_text("Hi.")
    agent = make_agent(pre_hooks=[shout], post_hooks=[audit])

    events = [e async for e in agent.arun("hello", stream=True, stream_events=stream_events)]

    hooks = [e for e in events if "Hook" in e.event]
    if not stream_events:
        assert hooks == []
        return
    assert [(e.event, getattr(e, "pre_hook_name", None) or e.post_hook_name) for e in hooks] == [
        ("PreHookStarted", "shout"),
        ("PreHookCompleted", "shout"),
        ("PostHookStarted", "audit"),
        ("PostHookCompleted", "audit"),
    ]
    started, completed = hooks[0], hooks[1]
    assert isinstance(started, PreHookStartedEvent) and isinstance(completed, PreHookCompletedEvent)
    assert completed.run_input is not None and completed.run_input.input_content == "HELLO"
    names = [e.event for e in events]
    # Agno's order: the pre-hooks before RunStarted, the post-hooks after the content is whole
    assert names[:4] == ["PreHookStarted", "PreHookCompleted", "RunStarted", "ModelRequestStarted"]
    assert names.index("RunContentCompleted") < names.index("PostHookStarted")
    assert names[-1] == "RunCompleted"
