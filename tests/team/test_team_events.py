"""Streaming a team run with ``stream_events=True``: team and member events, in order, with ids."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pytest

from agno_core.run.agent import RunCompletedEvent, ToolCallCompletedEvent, ToolCallStartedEvent
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunEvent, TeamRunOutput
from tests.team.team_helpers import (
    DELEGATE,
    TeamMaker,
    is_memory,
    reply,
    script_two_member_run,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from agno_core.metrics import RunMetrics
    from pytest_agno.mock import MockOpenAI

# Argument fragments of each tool call stream before it is run (collapsed by `squeeze`); each
# model call is framed by ModelRequestStarted / ModelRequestCompleted, as in Agno.
MEMBER_RUN = [
    "RunStarted",
    "ModelRequestStarted",
    "ModelRequestCompleted",
    "ToolCallStarted",
    "ToolCallCompleted",
    "ModelRequestStarted",
    "RunContent",
    "ModelRequestCompleted",
    "RunContentCompleted",
    "RunCompleted",
]
EXPECTED = [
    "TeamRunStarted",
    "TeamModelRequestStarted",
    "TeamModelRequestCompleted",
    "TeamToolCallStarted",
    *MEMBER_RUN,
    "TeamToolCallCompleted",
    "TeamModelRequestStarted",
    "TeamModelRequestCompleted",
    "TeamToolCallStarted",
    *MEMBER_RUN,
    "TeamToolCallCompleted",
    "TeamModelRequestStarted",
    "TeamRunContent",
    "TeamModelRequestCompleted",
    "TeamRunContentCompleted",
    "TeamRunCompleted",
]


def squeeze(names: list[str]) -> list[str]:
    """Event names with runs of content events collapsed to one."""
    return [name for name, _ in itertools.groupby(names)]


async def collect(team: Any, text: str, **kwargs: Any) -> list[Any]:
    return [e async for e in team.arun(text, stream=True, stream_events=True, **kwargs)]


def usage(metrics: RunMetrics) -> dict[str, Any]:
    """Everything token-related of a run's metrics (durations left out)."""
    return {
        "totals": metrics.tokens_dict(),
        "details": {
            key: [(e.id, e.requests, e.tokens_dict()) for e in entries]
            for key, entries in metrics.details.items()
            if not key.endswith("tool_call")
        },
        "tools": {
            key: [t.tool_name for t in entries]
            for key, entries in metrics.details.items()
            if key.endswith("tool_call")
        },
    }


async def test_team_and_member_events_in_order(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    script_two_member_run(mock_model, final="Sunny and 10:30 in Paris.")

    events = await collect(team, "Weather and time in Paris?")

    assert squeeze([e.event for e in events]) == EXPECTED
    final = events[-1]
    assert final.event == TeamRunEvent.run_completed
    assert isinstance(final.run_output, TeamRunOutput)
    content = "".join(e.content for e in events if e.event == "TeamRunContent")
    assert content == final.content == final.run_output.content == "Sunny and 10:30 in Paris."
    # streamed word by word, after the empty piece each model call's stream opens with
    assert sum(e.event == "TeamRunContent" for e in events) == 6


async def test_every_event_carries_its_run_ids(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    script_two_member_run(mock_model)

    events = await collect(team, "Weather and time in Paris?")

    output = events[-1].run_output
    team_run = output.run_id
    weather, clock = output.member_responses
    for event in events:
        assert event.session_id == output.session_id
        if event.event.startswith("Team"):
            assert (event.run_id, event.parent_run_id) == (team_run, None), event.event
            assert (event.team_id, event.team_name) == ("travel-team", "Travel Team")
        else:
            assert event.parent_run_id == team_run, event.event
            assert event.run_id in (weather.run_id, clock.run_id)
            assert event.team_id == "travel-team"
    by_run = {
        run_id: squeeze([e.event for e in group])
        for run_id, group in itertools.groupby(events, key=lambda e: e.run_id)
        if run_id != team_run
    }
    assert by_run == {weather.run_id: MEMBER_RUN, clock.run_id: MEMBER_RUN}
    names = {e.run_id: e.agent_name for e in events if e.run_id != team_run}
    assert names == {weather.run_id: "Weather", clock.run_id: "Clock"}


async def test_tool_and_completion_events_carry_the_results(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    script_two_member_run(mock_model)

    events = await collect(team, "Weather and time in Paris?")

    started = [e for e in events if e.event == "TeamToolCallStarted"]
    completed = [e for e in events if e.event == "TeamToolCallCompleted"]
    assert all(isinstance(e, ToolCallStartedEvent) for e in started)
    assert [(e.tool.tool_name, e.tool.tool_args["member_id"]) for e in started] == [
        (DELEGATE, "weather"),
        (DELEGATE, "clock"),
    ]
    assert all(isinstance(e, ToolCallCompletedEvent) for e in completed)
    # As in Agno: the content says which call completed and in how long; the result is on tool.
    assert [e.content.split(" completed in ")[0] for e in completed] == [
        f"{DELEGATE}(member_id=weather, task=Weather in Paris?)",
        f"{DELEGATE}(member_id=clock, task=Time in Paris?)",
    ]
    assert [e.tool.result for e in completed] == ["Sunny, 21 C.", "10:30."]
    member_tools = [e.tool.result for e in events if e.event == "ToolCallCompleted"]
    assert member_tools == ["The weather in Paris is sunny, 21 C.", "It is 10:30 in Paris."]
    member_done = [e for e in events if e.event == "RunCompleted"]
    assert all(isinstance(e, RunCompletedEvent) for e in member_done)
    output = events[-1].run_output
    assert [e.run_output for e in member_done] == output.member_responses
    assert [e.metrics for e in member_done] == [m.metrics for m in output.member_responses]
    assert events[-1].metrics is output.metrics


async def test_usage_is_counted_once_when_streaming(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    total = script_two_member_run(mock_model)
    plain = await team.arun("Weather and time in Paris?")
    script_two_member_run(mock_model)
    events = await collect(team, "Weather and time in Paris?")

    streamed = events[-1].run_output
    assert streamed.metrics.total_tokens == total == plain.metrics.total_tokens
    assert usage(streamed.metrics) == usage(plain.metrics)
    for mine, theirs in zip(streamed.member_responses, plain.member_responses, strict=True):
        assert usage(mine.metrics) == usage(theirs.metrics)
    # every request streamed with a usage chunk, and each was counted exactly once
    streamed_requests = mock_model.requests[7:]
    assert len(streamed_requests) == 7
    assert all(r.stream for r in streamed_requests)
    assert streamed.metrics.time_to_first_token is not None


async def test_streamed_run_is_stored_like_a_plain_one(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_two_member_run(mock_model)

    events = await collect(team, "Weather and time in Paris?")

    output = events[-1].run_output
    polled = await team.aget_run_output(run_id=output.run_id, session_id=output.session_id)
    assert polled is not None
    assert polled.status is RunStatus.completed
    assert polled.metrics == output.metrics
    assert [m.run_id for m in polled.member_responses] == [
        m.run_id for m in output.member_responses
    ]


async def test_memory_events_come_before_completion(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(update_memory_on_run=True)
    reply(mock_model, "Hello Ann.")
    mock_model.add_json({"memories": ["Name is Ann"]}, match=is_memory)

    events = await collect(team, "I am Ann.", user_id="ann")

    assert squeeze([e.event for e in events]) == [
        "TeamRunStarted",
        "TeamModelRequestStarted",
        "TeamRunContent",
        "TeamModelRequestCompleted",
        "TeamRunContentCompleted",
        "TeamMemoryUpdateStarted",
        "TeamMemoryUpdateCompleted",
        "TeamRunCompleted",
    ]
    assert events[-2].memories == ["Name is Ann"]


async def test_a_streamed_team_run_cannot_be_a_background_run(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()

    with pytest.raises(ValueError, match="background=True cannot stream"):
        team.arun("Hi", stream=True, background=True)
    assert mock_model.requests == []
