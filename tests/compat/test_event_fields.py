"""Fields every run event has, as in Agno: ``content`` (None when the event carries none),
``tools`` and its helpers; ``content_type`` and ``metadata`` on RunCompleted."""

from __future__ import annotations

import json

from agno_core.agent import Agent, RunEvent
from agno_core.run.agent import RunCompletedEvent, RunContentEvent, ToolCallCompletedEvent
from agno_core.run.base import RunStatus
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


def no_secrets(run_input) -> None:  # type: ignore[no-untyped-def]
    """A pre-hook, so that hook events are in the stream too."""


async def test_every_event_has_content(mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("lookup", {"city": "Paris"})
    mock_model.add_text("Sunny in Paris.")
    agent = Agent(tools=[lookup], pre_hooks=[no_secrets], metadata={"tenant": "acme"})

    events = [e async for e in agent.arun("Weather?", stream=True, stream_events=True)]

    kinds = {e.event for e in events}
    assert {"RunStarted", "PreHookStarted", "ToolCallStarted", "ModelRequestCompleted"} <= kinds
    for event in events:  # Agno's way to print a stream: any event has content
        carriers = (RunContentEvent, RunCompletedEvent, ToolCallCompletedEvent)
        assert event.content is None or isinstance(event, carriers)
        assert event.tools is None or event.event == "RunPaused"
        assert event.tools_requiring_confirmation == []
        json.dumps(event.to_dict(), default=str)
    completed = events[-1]
    assert isinstance(completed, RunCompletedEvent)
    assert (completed.content, completed.content_type) == ("Sunny in Paris.", "str")
    assert completed.metadata == {"tenant": "acme"}
    text = [e.content for e in events if e.event == RunEvent.run_content]
    assert "".join(text) == "Sunny in Paris."


async def test_team_events_have_content(mock_model: MockOpenAI) -> None:
    team = Team(members=[Agent(name="Helper")])

    events = [e async for e in team.arun("hi", stream=True, stream_events=True)]

    assert all(hasattr(e, "content") for e in events)
    assert events[-1].event == "TeamRunCompleted"
    assert events[-1].run_output.status is RunStatus.completed


def refuse(run_input) -> None:  # type: ignore[no-untyped-def]
    from agno_core.exceptions import InputCheckError

    raise InputCheckError("not allowed")


async def test_a_refusing_pre_hook_ends_the_stream_before_run_started(
    mock_model: MockOpenAI,
) -> None:
    events = [e async for e in Agent(pre_hooks=[refuse]).arun("x", stream=True, stream_events=True)]

    assert [e.event for e in events] == ["PreHookStarted", "RunError"]  # as Agno's
    assert events[-1].content == "not allowed"
    assert mock_model.request_count == 0
