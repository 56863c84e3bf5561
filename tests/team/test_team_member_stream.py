"""What a streamed team run shows of its members, as Agno 3.1.10 does (checked side by side):

* ``stream_member_events=False`` hides every member event, even with ``stream_events=True``;
* in route mode (``respond_directly``) the member's answer streams as the team's content, piece
  by piece as the member writes it, whatever ``stream_member_events`` says; under ``arun()``
  those pieces replace the member's own ``RunContent`` events (``run()`` passes on both);
* a team run cancelled while a member runs shows the member's own ``RunCancelled`` just before
  the team's ``TeamRunCancelled`` (unless member events are hidden).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from agno_core.run.base import RunStatus
from tests.team.team_helpers import WEATHER_MODEL, TeamMaker, delegate, reply

if TYPE_CHECKING:
    from pytest_agno.mock import MockOpenAI

ANSWER = "It is sunny in Paris today"


def script(mock: MockOpenAI, *, final: str | None = "Sunny, says the member.") -> None:
    delegate(mock, "weather", "Weather in Paris?")
    reply(mock, ANSWER, model=WEATHER_MODEL)
    if final is not None:
        reply(mock, final)


def member_events(events: list[Any]) -> list[Any]:
    return [e for e in events if e.parent_run_id is not None]


def team_content(events: list[Any]) -> list[Any]:
    return [e.content for e in events if e.event == "TeamRunContent"]


@pytest.mark.parametrize("stream_events", [False, True])
async def test_stream_member_events_false_hides_every_member_event(
    mock_model: MockOpenAI, make_team: TeamMaker, stream_events: bool
) -> None:
    team = make_team(stream_member_events=False)
    script(mock_model)

    events = [e async for e in team.arun("Weather?", stream=True, stream_events=stream_events)]

    assert member_events(events) == []
    assert all(e.event.startswith("Team") for e in events)
    assert "".join(team_content(events)) == "Sunny, says the member."
    if stream_events:
        assert [e.event for e in events].count("TeamToolCallCompleted") == 1
        [done] = [e for e in events if e.event == "TeamRunCompleted"]
        # the member still ran, and its run is accounted for
        [member] = done.run_output.member_responses
        assert (member.status, member.content) == (RunStatus.completed, ANSWER)


@pytest.mark.parametrize("stream_events", [False, True])
async def test_member_events_are_forwarded_by_default(
    mock_model: MockOpenAI, make_team: TeamMaker, stream_events: bool
) -> None:
    team = make_team()
    script(mock_model)

    events = [e async for e in team.arun("Weather?", stream=True, stream_events=stream_events)]

    names = [e.event for e in member_events(events)]
    # members stream their events in full, as Agno runs them with stream_events on
    assert names[0] == "RunStarted" and names[-1] == "RunCompleted"
    assert "".join(e.content for e in member_events(events) if e.event == "RunContent") == ANSWER


@pytest.mark.parametrize("stream_member_events", [True, False])
async def test_route_mode_streams_the_member_answer_piece_by_piece(
    mock_model: MockOpenAI, make_team: TeamMaker, stream_member_events: bool
) -> None:
    team = make_team(respond_directly=True, stream_member_events=stream_member_events)
    script(mock_model, final=None)

    events = [e async for e in team.arun("Weather?", stream=True, stream_events=True)]

    pieces = team_content(events)
    # one per streamed chunk (after the member call's empty first piece), not one at the end
    assert pieces[0] == "" and len(pieces[1:]) == len(ANSWER.split()) > 1
    assert "".join(pieces) == ANSWER
    names = [e.event for e in events]
    # the team's pieces come while the member writes, before the delegation completes
    assert names.index("TeamRunContent") < names.index("TeamToolCallCompleted")
    [done] = [e for e in events if e.event == "TeamRunCompleted"]
    assert done.content == ANSWER
    if stream_member_events:
        # As in Agno, the member's pieces become the team's: no member RunContent is passed on,
        # while its other events are (between them, the team's pieces).
        member_names = [e.event for e in member_events(events)]
        assert "RunContent" not in member_names
        assert member_names[:2] == ["RunStarted", "ModelRequestStarted"]
        first = names.index("TeamRunContent")
        assert names[first - 1] == "ModelRequestStarted"
        assert names[first + len(pieces)] == "ModelRequestCompleted"
    else:
        assert member_events(events) == []


def test_route_mode_sync_stream_passes_on_the_members_pieces_too(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(respond_directly=True)
    script(mock_model, final=None)

    events = list(team.run("Weather?", stream=True, stream_events=True))

    # Agno's run() (unlike arun()) passes on the member's own piece after the team's.
    pieces = team_content(events)
    member_pieces = [e.content for e in member_events(events) if e.event == "RunContent"]
    assert member_pieces == pieces and "".join(pieces) == ANSWER
    names = [e.event for e in events]
    first = names.index("TeamRunContent")
    assert names[first : first + 2] == ["TeamRunContent", "RunContent"]


async def test_route_mode_plain_stream_is_the_member_answer(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(respond_directly=True, stream_member_events=False)
    script(mock_model, final=None)

    events = [e async for e in team.arun("Weather?", stream=True)]

    assert [e.event for e in events] == ["TeamRunContent"] * (len(ANSWER.split()) + 1)
    assert "".join(team_content(events)) == ANSWER


@pytest.mark.parametrize("stream_member_events", [True, False])
async def test_a_cancelled_team_stream_shows_the_member_cancel(
    mock_model: MockOpenAI, make_team: TeamMaker, stream_member_events: bool
) -> None:
    team = make_team(stream_member_events=stream_member_events)
    for runner in (team, *team.members):
        runner.db = None
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Too late.", model=WEATHER_MODEL, latency=10.0)
    mock_model.warn_unused = False
    run_id = "cancelled-stream"
    events: list[Any] = []

    async for event in team.arun("Weather?", stream=True, stream_events=True, run_id=run_id):
        events.append(event)
        if event.event == "TeamToolCallStarted":
            # cancel while the member waits on its model call
            asyncio.get_running_loop().call_later(0.2, team.cancel_run, run_id)

    names = [e.event for e in events]
    assert names[-1] == "TeamRunCancelled"
    [member] = events[-1].run_output.member_responses
    assert member.status is RunStatus.cancelled
    if stream_member_events:
        assert names[-2] == "RunCancelled"
        cancelled = events[-2]
        assert (cancelled.run_id, cancelled.parent_run_id) == (member.run_id, run_id)
        assert cancelled.run_output is member
        assert names.count("RunCancelled") == 1
    else:
        assert "RunCancelled" not in names
        assert member_events(events) == []


async def test_a_member_cancelled_alone_shows_its_cancel_once(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    for runner in (team, *team.members):
        runner.db = None
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Too late.", model=WEATHER_MODEL, latency=10.0)
    reply(mock_model, "The member was stopped.")
    events: list[Any] = []

    async for event in team.arun("Weather?", stream=True, stream_events=True):
        events.append(event)
        if event.event == "RunStarted":  # the member's run: cancel it, not the team
            asyncio.get_running_loop().call_later(0.2, team.cancel_run, event.run_id)

    names = [e.event for e in events]
    assert names.count("RunCancelled") == 1
    assert names[-1] == "TeamRunCompleted"
    assert events[-1].content == "The member was stopped."
