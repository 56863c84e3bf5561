"""Team runs: delegation through the tool, member runs as real agent runs, run/arun variants."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pydantic
import pytest

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.team import Team
from tests.team.team_helpers import (
    CLOCK_MODEL,
    DELEGATE,
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    call,
    chat,
    delegate,
    messages,
    reply,
    run_requests,
    script_two_member_run,
    stored,
    system_text,
    tool_names,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


class Trip(pydantic.BaseModel):
    city: str
    weather: str


async def test_the_delegation_tool_lists_the_members(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(instructions="Be concise.")
    script_two_member_run(mock_model)

    result = await team.arun("Weather and time in Paris?")

    assert result.status is RunStatus.completed, result.error
    leader, *_ = mock_model.requests
    assert leader.model == LEADER
    assert tool_names(leader) == [DELEGATE]
    [tool] = leader.json["tools"]
    schema = tool["function"]["parameters"]
    assert schema["required"] == ["member_id", "task"]
    assert schema["properties"]["member_id"]["enum"] == ["weather", "clock"]
    description = tool["function"]["description"]
    assert "weather (Knows the weather)" in description
    assert "clock (Knows the time)" in description
    system = system_text(leader)
    assert '<member id="weather" name="Weather">\n  Role: Knows the weather\n</member>' in system
    assert '<member id="clock" name="Clock">\n  Role: Knows the time\n</member>' in system
    assert "Coordinate mode" in system
    assert "Be concise." in system


async def test_members_run_as_agent_runs_with_their_own_ids(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_two_member_run(mock_model, final="Sunny, 10:30.")

    result = await team.arun("Weather and time in Paris?")

    assert isinstance(result, TeamRunOutput)
    assert result.status is RunStatus.completed, result.error
    assert result.content == "Sunny, 10:30."
    assert (result.team_id, result.team_name) == ("travel-team", "Travel Team")
    weather, clock = result.member_responses
    assert [m.agent_name for m in result.member_responses] == ["Weather", "Clock"]
    assert [m.agent_id for m in result.member_responses] == ["weather", "clock"]
    assert len({result.run_id, weather.run_id, clock.run_id}) == 3
    for member in (weather, clock):
        assert member.parent_run_id == result.run_id
        assert member.session_id == result.session_id
        assert member.team_id == result.team_id
        assert member.status is RunStatus.completed
    # each member ran its own model with its own tool, on the task the leader wrote
    requests = run_requests(mock_model)
    assert [r.model for r in requests] == [
        *(LEADER, WEATHER_MODEL, WEATHER_MODEL),
        *(LEADER, CLOCK_MODEL, CLOCK_MODEL),
        LEADER,
    ]
    assert tool_names(requests[1]) == ["get_weather"]
    assert tool_names(requests[4]) == ["get_time"]
    assert requests[1].last_user_message == "Weather in Paris?"
    assert [t.tool_name for t in weather.tools] == ["get_weather"]
    assert weather.tools[0].result == "The weather in Paris is sunny, 21 C."
    assert (weather.content, clock.content) == ("Sunny, 21 C.", "10:30.")
    # the member's answer is what the leader gets back as the tool result
    tool_results = [m["content"] for m in messages(requests[3]) if m["role"] == "tool"]
    assert tool_results == ["Sunny, 21 C."]
    assert [t.tool_name for t in result.tools] == [DELEGATE, DELEGATE]
    assert [t.result for t in result.tools] == ["Sunny, 21 C.", "10:30."]
    # stored as three rows: the team run and two member runs pointing at it
    rows = await stored(db, result.session_id)
    assert set(rows) == {result.run_id, weather.run_id, clock.run_id}
    assert rows[result.run_id].parent_run_id is None
    assert rows[weather.run_id].parent_run_id == result.run_id
    assert rows[clock.run_id].parent_run_id == result.run_id
    assert rows[weather.run_id].status is RunStatus.completed


def test_sync_run(mock_model: MockOpenAI, make_team: TeamMaker) -> None:
    team = make_team()
    total = script_two_member_run(mock_model)

    result = team.run("Weather and time in Paris?")

    assert result.status is RunStatus.completed, result.error
    assert len(result.member_responses) == 2
    assert result.metrics.total_tokens == total


def test_sync_stream(mock_model: MockOpenAI, make_team: TeamMaker) -> None:
    team = make_team()
    script_two_member_run(mock_model, final="All good.")

    names = [event.event for event in team.run("Paris?", stream=True, stream_events=True)]

    assert names[0] == "TeamRunStarted"
    assert names[-1] == "TeamRunCompleted"
    assert names.count("RunCompleted") == 2


def test_sync_plain_stream_yields_the_team_answer_once(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(stream_member_events=False)
    script_two_member_run(mock_model, final="All good.")

    events = list(team.run("Paris?", stream=True))

    assert {event.event for event in events} == {"TeamRunContent"}
    assert "".join(event.content for event in events) == "All good."


async def test_stream_without_member_events_yields_team_content_only(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(stream_member_events=False)
    script_two_member_run(mock_model, final="Sunny and 10:30 in Paris.")

    stream = team.arun("Paris?", stream=True, yield_run_output=True)
    *events, output = [event async for event in stream]

    # as in Agno, a plain stream has no TeamRunCompleted: the answer arrives once
    assert {event.event for event in events} == {"TeamRunContent"}
    text = "".join(e.content for e in events)
    assert text == "Sunny and 10:30 in Paris."
    assert isinstance(output, TeamRunOutput)
    assert output.content == text
    assert len(output.member_responses) == 2
    # the whole run streamed: leader and members alike asked for SSE with usage
    assert all(r.stream for r in mock_model.requests)
    assert all(r.json["stream_options"] == {"include_usage": True} for r in mock_model.requests)


async def test_output_schema_applies_to_the_leader_only(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    mock_model.add_json({"city": "Paris", "weather": "sunny"}, model=LEADER)

    result = await team.arun("Paris?", output_schema=Trip)

    assert result.status is RunStatus.completed, result.error
    assert result.content == Trip(city="Paris", weather="sunny")
    leader_first, member, leader_last = mock_model.requests
    assert leader_first.json["response_format"]["json_schema"]["name"] == "Trip"
    assert leader_last.json["response_format"]["json_schema"]["name"] == "Trip"
    assert "response_format" not in member.json


async def test_background_run_with_output_schema_reads_back(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    mock_model.add_json({"city": "Paris", "weather": "sunny"}, model=LEADER)

    run = await team.arun("Paris?", background=True, output_schema=Trip)

    assert run.status is RunStatus.pending
    assert isinstance(run, TeamRunOutput)
    await team.adrain(timeout=10)
    polled = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
    assert polled is not None
    assert polled.status is RunStatus.completed, polled.error
    assert Trip.model_validate(polled.content) == Trip(city="Paris", weather="sunny")
    assert [m.content for m in polled.member_responses] == ["Sunny."]


async def test_background_run_needs_a_db(mock_model: MockOpenAI) -> None:
    team = Team(members=[Agent(name="A", model=chat(WEATHER_MODEL))], model=chat(LEADER))

    with pytest.raises(ValueError, match="need a db"):
        await team.arun("hi", background=True)

    assert mock_model.requests == []


async def test_unknown_member_is_an_error_the_leader_sees(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    delegate(mock_model, "nobody", "Do it.")
    reply(mock_model, "Nobody could help.")

    result = await team.arun("hi")

    assert result.status is RunStatus.completed, result.error
    assert result.member_responses == []
    [tool] = result.tools
    assert tool.tool_call_error
    assert tool.result is not None and "unknown member 'nobody'" in tool.result
    tool_message = [m for m in messages(mock_model.requests[1]) if m["role"] == "tool"]
    assert tool_message[0]["content"] == tool.result


async def test_a_failing_member_does_not_fail_the_team(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(store_member_responses=True)
    delegate(mock_model, "weather", "Weather?", input_tokens=7, output_tokens=1)
    mock_model.add_error(400, "bad member request", model=WEATHER_MODEL)
    reply(mock_model, "Could not get the weather.", input_tokens=9, output_tokens=2)

    result = await team.arun("Weather?")

    assert result.status is RunStatus.completed, result.error
    [member] = result.member_responses
    assert member.status is RunStatus.error
    assert member.error is not None and "bad member request" in member.error
    assert result.tools[0].tool_call_error
    assert result.metrics.total_tokens == 7 + 1 + 9 + 2


async def test_members_may_be_addressed_by_name_and_run_in_parallel_calls(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    mock_model.add_tool_calls(
        [
            (DELEGATE, {"member_id": "Weather", "task": "Weather?"}),
            (DELEGATE, {"member_id": "clock", "task": "Time?"}),
        ],
        model=LEADER,
    )
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    call(mock_model, "get_time", {"city": "Rome"}, model=CLOCK_MODEL)
    reply(mock_model, "10:30.", model=CLOCK_MODEL)
    reply(mock_model, "Sunny, 10:30.")

    result = await team.arun("Rome?")

    assert result.status is RunStatus.completed, result.error
    assert [m.agent_name for m in result.member_responses] == ["Weather", "Clock"]
    assert [t.result for t in result.tools] == ["Sunny.", "10:30."]


async def test_concurrent_team_runs_keep_their_members_apart(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(store_member_responses=True)
    for city in ("Oslo", "Lima"):
        delegate(mock_model, "weather", f"Weather in {city}?")
    for _ in range(2):
        reply(mock_model, "Sunny.", model=WEATHER_MODEL, latency=0.05)
    for _ in range(2):
        reply(mock_model, "Done.")

    first, second = await asyncio.gather(
        team.arun("Oslo?", session_id="s1"), team.arun("Lima?", session_id="s2")
    )

    for result in (first, second):
        assert result.status is RunStatus.completed, result.error
        [member] = result.member_responses
        assert member.parent_run_id == result.run_id
        assert member.session_id == result.session_id


def test_members_need_distinct_ids(mock_model: MockOpenAI) -> None:
    with pytest.raises(ValueError, match="two members of the team have the id 'weather'"):
        Team(members=[Agent(name="Weather"), Agent(name="weather")])
    with pytest.raises(TypeError, match="must be Agents or Teams, not str"):
        Team(members=["weather"])  # type: ignore[list-item]
    team = Team(members=[Agent(name="Weather"), Agent(name="Weather", id="weather-2")])
    assert [m.id for m in team.members] == ["weather", "weather-2"]


async def test_background_snapshot_names_the_team(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    reply(mock_model, "Hi.")

    run = await team.arun("Hi", background=True)

    assert isinstance(run, TeamRunOutput)
    assert (run.team_id, run.team_name, run.status) == ("travel-team", "Travel Team", "PENDING")
    await team.adrain(timeout=10)
