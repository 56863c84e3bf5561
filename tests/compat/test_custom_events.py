"""Agno's other events: `CustomEvent`s yielded by tools, the output model's events, and the event
names agno_core never emits but Agno code imports (checked against Agno 3.1.10's streams)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest

from agno_core.models.openai._common import OpenAIBase
from agno_core.run import agent as run_agent
from agno_core.run import team as run_team
from agno_core.run.agent import (
    CustomEvent,
    IntermediateRunContentEvent,
    OutputModelResponseCompletedEvent,
    OutputModelResponseStartedEvent,
    RunEvent,
)
from agno_core.run.team import TeamRunEvent
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


@dataclass
class Progress(CustomEvent):
    percent: int | None = None


def crunch(rows: int) -> Iterator[object]:
    """Crunch rows, reporting progress."""
    for row in range(rows):
        yield Progress(percent=(row + 1) * 100 // rows)
    yield f"{rows} rows crunched"


async def acrunch(rows: int) -> AsyncIterator[object]:
    """Crunch rows, reporting progress (async)."""
    for row in range(rows):
        yield Progress(percent=(row + 1) * 100 // rows)
    yield f"{rows} rows crunched"


@pytest.mark.parametrize("tool", [crunch, acrunch], ids=["sync", "async"])
async def test_a_tools_custom_events_are_streamed_between_its_start_and_end(
    make_agent: AgentMaker, mock_model: MockOpenAI, tool: Callable[..., object]
) -> None:
    mock_model.add_tool_call(tool.__name__, {"rows": 2})
    mock_model.add_text("Crunched.")
    agent = make_agent(tools=[tool])

    events = [e async for e in agent.arun("go", stream=True, stream_events=True)]

    names = [e.event for e in events if e.event.startswith(("ToolCall", "Custom"))]
    assert [n for n in names if n != "ToolCallArgsDelta"] == [
        "ToolCallStarted",
        "CustomEvent",
        "CustomEvent",
        "ToolCallCompleted",
    ]
    progress = [e for e in events if isinstance(e, Progress)]
    assert [p.percent for p in progress] == [50, 100]
    started = next(e for e in events if e.event == "ToolCallStarted")
    assert all(p.tool_call_id == started.tool.tool_call_id for p in progress)  # type: ignore[attr-defined]
    assert all(p.run_id == started.run_id and p.session_id for p in progress)
    # As in Agno, the events' text is part of the tool's result, before its own text.
    result = events[-1].run_output.tools[0].result  # type: ignore[attr-defined]
    assert result.startswith("Progress(") and result.endswith("2 rows crunched")
    assert "percent=100" in result


async def test_custom_events_are_not_streamed_without_stream_events(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("crunch", {"rows": 1})
    mock_model.add_text("Crunched.")

    events = [e async for e in make_agent(tools=[crunch]).arun("go", stream=True)]

    assert not any(isinstance(e, CustomEvent) for e in events)


def test_a_custom_event_takes_any_attributes() -> None:
    event = CustomEvent(stage="load", progress=0.5)

    assert (event.event, event.stage, event.progress) == ("CustomEvent", "load", 0.5)  # type: ignore[attr-defined]
    assert event.run_id == "" and event.tool_call_id is None


async def test_the_output_model_has_its_events_and_the_draft_is_intermediate(
    make_agent: AgentMaker, mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase]
) -> None:
    mock_model.add_text("a draft", model="gpt-4o-mini")
    mock_model.add_text("the answer", model="writer")
    agent = make_agent(output_model=make_model(id="writer"))

    events = [e async for e in agent.arun("go", stream=True, stream_events=True)]

    names = [e.event for e in events]
    # Each text arrives in pieces: one name per run of pieces.
    assert [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n] == [
        "RunStarted",
        "ModelRequestStarted",
        "RunIntermediateContent",
        "ModelRequestCompleted",
        "OutputModelResponseStarted",
        "RunContent",
        "OutputModelResponseCompleted",
        "RunContentCompleted",
        "RunCompleted",
    ]
    draft = [e.content for e in events if isinstance(e, IntermediateRunContentEvent)]
    assert "".join(draft) == "a draft"
    started = names.index("OutputModelResponseStarted")
    assert isinstance(events[started], OutputModelResponseStartedEvent)
    assert isinstance(events[-3], OutputModelResponseCompletedEvent)
    answer = [e.content or "" for e in events[started:] if e.event == "RunContent"]
    assert "".join(answer) == events[-1].content == "the answer"


async def test_without_stream_events_only_the_answer_streams(
    make_agent: AgentMaker, mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase]
) -> None:
    mock_model.add_text("a draft", model="gpt-4o-mini")
    mock_model.add_text("the answer", model="writer")
    agent = make_agent(output_model=make_model(id="writer"))

    events = [e async for e in agent.arun("go", stream=True)]

    assert {e.event for e in events} == {"RunContent"}
    assert "".join(e.content or "" for e in events) == "the answer"


@pytest.mark.parametrize(
    "name",
    [
        "BaseAgentRunEvent",
        "BaseRunOutputEvent",
        "CustomEvent",
        "IntermediateRunContentEvent",
        "OutputModelResponseStartedEvent",
        "OutputModelResponseCompletedEvent",
        "ParserModelResponseStartedEvent",
        "ParserModelResponseCompletedEvent",
        "ReasoningStartedEvent",
        "ReasoningStepEvent",
        "ReasoningContentDeltaEvent",
        "ReasoningCompletedEvent",
        "CompressionStartedEvent",
        "CompressionCompletedEvent",
    ],
)
def test_agnos_event_classes_are_importable(name: str) -> None:
    assert getattr(run_agent, name) is not None
    if name != "BaseAgentRunEvent":
        assert getattr(run_team, name) is getattr(run_agent, name)


def test_agnos_event_names() -> None:
    assert RunEvent.custom_event.value == TeamRunEvent.custom_event.value == "CustomEvent"
    assert RunEvent.run_intermediate_content.value == "RunIntermediateContent"
    assert TeamRunEvent.output_model_response_started.value == "TeamOutputModelResponseStarted"
    assert RunEvent.reasoning_step.value == "ReasoningStep"
