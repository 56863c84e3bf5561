"""Team modes (Agno's `TeamMode`): coordinate, route (``respond_directly``) and broadcast
(``delegate_to_all_members``), on both OpenAI endpoints, streamed and not.

Each test asserts what the models received (tools, system message, member input), what the
run returned and, where storage is involved, what was stored.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

import pydantic
import pytest

from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.team import Team, TeamMode
from pytest_agno import assert_metrics_consistent
from tests.team.mode_helpers import (
    ModeTeamMaker,
    of_model,
    system_of,
    tool_outputs,
    tool_specs,
    user_of,
)
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    delegate,
    model_token_sum,
    reply,
    stored,
    wait_for,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI

DELEGATE_ALL = "delegate_task_to_members"


class Forecast(pydantic.BaseModel):
    city: str
    sky: str


def broadcast(mock: MockOpenAI, task: str, **usage: int) -> None:
    mock.add_tool_call(DELEGATE_ALL, {"task": task}, model=LEADER, **usage)


# -- the mode and the flags ------------------------------------------------------------------


def test_team_mode_values_are_agnos() -> None:
    assert [m.value for m in TeamMode] == ["coordinate", "route", "broadcast", "tasks"]
    assert TeamMode("route") is TeamMode.route
    assert isinstance(TeamMode.route, str)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, (TeamMode.coordinate, False, False)),
        ({"mode": TeamMode.route}, (TeamMode.route, True, False)),
        ({"mode": "broadcast"}, (TeamMode.broadcast, False, True)),
        ({"respond_directly": True}, (TeamMode.route, True, False)),
        ({"delegate_to_all_members": True}, (TeamMode.broadcast, False, True)),
        ({"mode": "tasks", "respond_directly": True}, (TeamMode.tasks, False, False)),
        # an explicit mode wins over the flags
        (
            {"mode": TeamMode.coordinate, "respond_directly": True},
            (TeamMode.coordinate, False, False),
        ),
    ],
)
def test_mode_and_flags_follow_each_other(kwargs: dict[str, object], expected: tuple) -> None:
    team = Team(members=[], **kwargs)  # type: ignore[arg-type]

    assert (team.mode, team.respond_directly, team.delegate_to_all_members) == expected


def test_both_flags_mean_broadcast_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        team = Team(members=[], respond_directly=True, delegate_to_all_members=True)

    assert (team.mode, team.respond_directly, team.delegate_to_all_members) == (
        TeamMode.broadcast,
        False,
        True,
    )
    assert "respond_directly" in caplog.text


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown team mode 'chaos'.*coordinate, route"):
        Team(members=[], mode="chaos")


# -- coordinate --------------------------------------------------------------------------------


async def test_coordinate_leader_delegates_and_writes_the_answer(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.coordinate)
    delegate(mock_model, "clock", "Local time in Oslo?")
    reply(mock_model, "09:00 in Oslo.", model=CLOCK_MODEL)
    reply(mock_model, "It is 09:00 in Oslo.")

    result = await team.arun("What time is it in Oslo?")

    assert result.status is RunStatus.completed, result.error
    assert result.content == "It is 09:00 in Oslo."
    first, member, last = mock_model.requests
    assert list(tool_specs(first)) == ["delegate_task_to_member"]
    assert "Coordinate mode" in system_of(first)
    assert user_of(member) == "Local time in Oslo?"
    assert tool_outputs(last) == ["09:00 in Oslo."]  # the leader read the member's answer
    assert [m.agent_id for m in result.member_responses] == ["clock"]


# -- route -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
async def test_route_returns_the_members_answer_without_another_leader_call(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, db: SqlDb, endpoint: str, stream: bool
) -> None:
    team = make_mode_team(db=db, mode=TeamMode.route, store_member_responses=True)
    delegate(mock_model, "weather", "Weather in Lima?", input_tokens=50, output_tokens=7)
    reply(mock_model, "Lima: cloudy, 18 C.", model=WEATHER_MODEL, input_tokens=20, output_tokens=6)

    if stream:
        items = team.arun("Weather in Lima?", stream=True, yield_run_output=True)
        *events, result = [e async for e in items]
        team_text = "".join(
            e.content or ""
            for e in events
            if e.event == "TeamRunContent" and e.parent_run_id is None
        )
        assert team_text == "Lima: cloudy, 18 C."  # the routed answer reaches the stream
    else:
        result = await team.arun("Weather in Lima?")

    assert isinstance(result, TeamRunOutput)
    assert result.status is RunStatus.completed, result.error
    assert result.content == "Lima: cloudy, 18 C."
    assert len(of_model(mock_model.requests, LEADER)) == 1  # no synthesis turn
    leader = mock_model.requests[0]
    assert "Route mode" in system_of(leader)
    assert list(tool_specs(leader)) == ["delegate_task_to_member"]
    assert result.metrics.total_tokens == 57 + 26 == model_token_sum(result.metrics)
    again = await team.aget_run_output(result.run_id, result.session_id)
    assert again is not None and again.content == "Lima: cloudy, 18 C."
    assert [m.content for m in again.member_responses] == ["Lima: cloudy, 18 C."]  # type: ignore[attr-defined]


async def test_respond_directly_is_route_mode(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(respond_directly=True)
    delegate(mock_model, "clock", "Time in Rome?")
    reply(mock_model, "10:00 in Rome.", model=CLOCK_MODEL)

    result = await team.arun("Time in Rome?")

    assert team.mode is TeamMode.route
    assert result.content == "10:00 in Rome."
    assert len(mock_model.requests) == 2


async def test_route_gives_the_member_the_teams_output_schema(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.route, output_schema=Forecast)
    delegate(mock_model, "weather", "Forecast for Quito")
    mock_model.add_json({"city": "Quito", "sky": "clear"}, model=WEATHER_MODEL)

    result = await team.arun("Forecast for Quito")

    assert result.status is RunStatus.completed, result.error
    assert result.content == Forecast(city="Quito", sky="clear")
    assert result.content_type == "Forecast"
    member_request = mock_model.requests[1]
    if endpoint == "chat":
        assert member_request.json["response_format"]["json_schema"]["name"] == "Forecast"
    else:
        assert member_request.json["text"]["format"]["name"] == "Forecast"


async def test_route_after_a_failed_member_lets_the_leader_answer(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.route)
    delegate(mock_model, "weather", "Weather?")
    mock_model.add_error(500, "boom", model=WEATHER_MODEL)
    reply(mock_model, "The weather member is down.")

    result = await team.arun("Weather?")

    assert result.content == "The weather member is down."
    [member] = result.member_responses
    assert member.status is RunStatus.error
    assert "ended ERROR" in tool_outputs(mock_model.requests[-1])[0]


async def test_route_in_a_background_run(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.route)
    delegate(mock_model, "clock", "Time in Cairo?")
    reply(mock_model, "13:00 in Cairo.", model=CLOCK_MODEL)

    pending = await team.arun("Time in Cairo?", background=True)
    assert pending.status is RunStatus.pending
    await team.adrain()

    done = await team.aget_run_output(pending.run_id, pending.session_id)
    assert done is not None and done.status is RunStatus.completed
    assert done.content == "13:00 in Cairo."


# -- broadcast -------------------------------------------------------------------------------


async def test_broadcast_gives_every_member_the_same_task(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.broadcast)
    broadcast(mock_model, "Describe Paris now.", input_tokens=40, output_tokens=8)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL, input_tokens=11, output_tokens=2)
    reply(mock_model, "Noon.", model=CLOCK_MODEL, input_tokens=13, output_tokens=3)
    reply(mock_model, "Sunny at noon.", input_tokens=60, output_tokens=5)

    result = await team.arun("Paris right now?")

    assert result.status is RunStatus.completed, result.error
    assert result.content == "Sunny at noon."
    leader = mock_model.requests[0]
    specs = tool_specs(leader)
    assert list(specs) == [DELEGATE_ALL]
    assert list(specs[DELEGATE_ALL]["parameters"]["properties"]) == ["task"]
    assert "Broadcast mode" in system_of(leader)
    weather = of_model(mock_model.requests, WEATHER_MODEL)
    clock = of_model(mock_model.requests, CLOCK_MODEL)
    assert [user_of(r) for r in weather + clock] == ["Describe Paris now."] * 2
    [answers] = tool_outputs(mock_model.requests[-1])
    assert answers == "Agent Weather: Sunny.Agent Clock: Noon."  # run together, as in Agno
    assert [m.agent_id for m in result.member_responses] == ["weather", "clock"]
    assert all(m.parent_run_id == result.run_id for m in result.member_responses)
    assert result.metrics.total_tokens == 48 + 13 + 16 + 65 == model_token_sum(result.metrics)
    assert_metrics_consistent(result)


async def test_delegate_to_all_members_runs_them_concurrently(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(delegate_to_all_members=True)
    broadcast(mock_model, "Status?")
    reply(mock_model, "Fine.", model=WEATHER_MODEL, latency=0.3)
    reply(mock_model, "Fine too.", model=CLOCK_MODEL, latency=0.3)
    reply(mock_model, "All fine.")

    result = await team.arun("Status?")

    weather, clock = result.member_responses
    assert weather.started_at is not None and clock.started_at is not None
    assert weather.finished_at is not None and clock.finished_at is not None
    # each started before the other finished: they ran at the same time
    assert clock.started_at < weather.finished_at
    assert weather.started_at < clock.finished_at


async def test_broadcast_streams_every_members_events(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.broadcast)
    broadcast(mock_model, "Status?")
    reply(mock_model, "Fine.", model=WEATHER_MODEL)
    reply(mock_model, "Fine too.", model=CLOCK_MODEL)
    reply(mock_model, "All fine.")

    *events, result = [e async for e in team.arun("Status?", stream=True, yield_run_output=True)]

    member_ids = {m.run_id for m in result.member_responses}
    completed = [e for e in events if e.event == "RunCompleted"]
    assert {e.run_id for e in completed} == member_ids
    assert all(e.parent_run_id == result.run_id for e in completed)
    member_text: dict[str, str] = {}
    for e in events:
        if e.event == "RunContent" and e.parent_run_id == result.run_id:
            member_text[e.agent_id] = member_text.get(e.agent_id, "") + (e.content or "")
    assert member_text == {"weather": "Fine.", "clock": "Fine too."}


async def test_cancelling_a_broadcast_cancels_every_member(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, db: SqlDb, endpoint: str
) -> None:
    team = make_mode_team(db=db, mode=TeamMode.broadcast, store_member_responses=True)
    broadcast(mock_model, "Status?", input_tokens=30, output_tokens=4)
    reply(mock_model, "Late.", model=WEATHER_MODEL, latency=10.0)
    reply(mock_model, "Late too.", model=CLOCK_MODEL, latency=10.0)
    run_id = f"team-{uuid.uuid4().hex[:12]}"
    task = asyncio.create_task(team.arun("Status?", run_id=run_id))
    await wait_for(lambda: len(mock_model.requests) == 3)

    assert await team.acancel_run(run_id) is True
    result = await asyncio.wait_for(task, 5.0)

    assert result.status is RunStatus.cancelled
    assert [m.status for m in result.member_responses] == [RunStatus.cancelled] * 2
    assert result.metrics.total_tokens == 34  # the leader's call, kept
    rows = await stored(db, result.session_id)
    assert rows[run_id].status is RunStatus.cancelled
    for member in result.member_responses:
        assert rows[member.run_id].status is RunStatus.cancelled
        assert rows[member.run_id].parent_run_id == run_id


async def test_cancel_while_the_consumer_holds_a_broadcast_member_event(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(db=None, mode=TeamMode.broadcast)
    for member in team.members:
        member.db = None
    mock_model.warn_unused = False  # the cancel interrupts the slow replies before they answer
    broadcast(mock_model, "Status?")
    reply(mock_model, "Late.", model=WEATHER_MODEL, latency=10.0)
    reply(mock_model, "Late too.", model=CLOCK_MODEL, latency=10.0)
    run_id = f"held-{uuid.uuid4().hex[:12]}"
    final = None
    names: list[str] = []

    async def consume() -> None:
        nonlocal final
        stream = team.arun("Status?", stream=True, stream_events=True, run_id=run_id)
        async for event in stream:
            names.append(event.event)
            if event.event == "RunStarted":  # a member started: cancel the team while held
                assert await team.acancel_run(run_id) is True
            if event.event == "TeamRunCancelled":
                final = event.run_output

    await asyncio.wait_for(consume(), 5.0)

    assert names[-1] == "TeamRunCancelled"
    assert isinstance(final, TeamRunOutput) and final.status is RunStatus.cancelled
    assert all(m.status is RunStatus.cancelled for m in final.member_responses)
