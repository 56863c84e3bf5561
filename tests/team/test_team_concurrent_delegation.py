"""Delegations asked for in one leader response run concurrently, as Agno runs them.

Overlap is shown without timing: each member's tool waits at a two-party barrier that only the
other member's tool can release, so sequential delegations would break it.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.run.base import RunStatus
from agno_core.team import Team
from pytest_agno import assert_metrics_consistent
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import (
    CLOCK_MODEL,
    DELEGATE,
    LEADER,
    WEATHER_MODEL,
    call,
    chat,
    messages,
    not_memory,
    reply,
    run_requests,
    stored,
    wait_for,
)

BARRIER_WAIT = 5.0  # a hang guard only: the barrier releases at once when both tools run


def _team(db: SqlDb, barrier: threading.Barrier | None = None, **kw: object) -> Team:
    def meet(who: str) -> str:
        """Wait for the other member.

        Args:
            who: Who arrives.
        """
        if barrier is not None:
            barrier.wait(BARRIER_WAIT)
        return f"{who} met"

    weather = Agent(name="Weather", model=chat(WEATHER_MODEL), tools=[meet], db=db)
    clock = Agent(name="Clock", model=chat(CLOCK_MODEL), tools=[meet], db=db)
    return Team(members=[weather, clock], model=chat(LEADER), db=db, **kw)  # type: ignore[arg-type]


def _two_delegations(mock: MockOpenAI, **usage: int) -> None:
    mock.add_tool_calls(
        [
            (DELEGATE, {"member_id": "weather", "task": "Weather?"}),
            (DELEGATE, {"member_id": "clock", "task": "Time?"}),
        ],
        model=LEADER,
        match=not_memory,
        **usage,
    )


async def test_two_delegations_of_one_response_run_together(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, threading.Barrier(2))
    _two_delegations(mock_model, input_tokens=50, output_tokens=5)
    call(mock_model, "meet", {"who": "weather"}, model=WEATHER_MODEL, input_tokens=20)
    call(mock_model, "meet", {"who": "clock"}, model=CLOCK_MODEL, input_tokens=30)
    # The weather member answers last: the records still follow the leader's call order.
    reply(mock_model, "Sunny.", model=WEATHER_MODEL, latency=0.2, input_tokens=21)
    reply(mock_model, "10:30.", model=CLOCK_MODEL, input_tokens=31)
    reply(mock_model, "Sunny, 10:30.", input_tokens=70, output_tokens=7)

    result = await team.arun("Weather and time?")

    assert result.status is RunStatus.completed
    assert result.content == "Sunny, 10:30."
    # member_responses is in the order the members finished (as Agno adds them); the tool
    # records and the messages the leader reads follow its call order.
    assert [m.content for m in result.member_responses] == ["10:30.", "Sunny."]
    assert [m.tools[0].result for m in result.member_responses] == ["clock met", "weather met"]
    assert [t.tool_args["member_id"] for t in result.tools] == ["weather", "clock"]
    final = messages(run_requests(mock_model)[-1])
    assert [m["content"] for m in final if m["role"] == "tool"] == ["Sunny.", "10:30."]
    assert_metrics_consistent(result)
    assert result.metrics.input_tokens == 50 + 20 + 21 + 30 + 31 + 70


async def test_a_streamed_run_merges_both_members_events(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, threading.Barrier(2))
    _two_delegations(mock_model)
    call(mock_model, "meet", {"who": "weather"}, model=WEATHER_MODEL)
    call(mock_model, "meet", {"who": "clock"}, model=CLOCK_MODEL)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "10:30.", model=CLOCK_MODEL)
    reply(mock_model, "Both.")

    events = [e async for e in team.arun("Both?", stream=True, stream_events=True)]

    completed = [e for e in events if e.event == "TeamToolCallCompleted"]
    assert sorted(e.tool.tool_args["member_id"] for e in completed) == ["clock", "weather"]
    member_tools = [e for e in events if e.event == "ToolCallCompleted"]
    assert sorted(e.tool.result for e in member_tools) == ["clock met", "weather met"]
    assert events[-1].event == "TeamRunCompleted"
    assert events[-1].content == "Both."


async def test_the_tool_call_limit_still_counts_each_call(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, tool_call_limit=1)
    _two_delegations(mock_model)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "Only the weather.")

    result = await team.arun("Both?")

    assert [m.content for m in result.member_responses] == ["Sunny."]
    assert result.tools[1].tool_call_error
    assert (result.tools[1].result or "").startswith("Tool call limit reached.")


async def test_a_cancel_reaches_every_member_in_flight(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, store_member_responses=True)
    _two_delegations(mock_model, input_tokens=40, output_tokens=6)
    reply(mock_model, "Too late.", model=WEATHER_MODEL, latency=10.0)
    reply(mock_model, "Too late.", model=CLOCK_MODEL, latency=10.0)
    run_id = f"team-{uuid.uuid4().hex[:12]}"
    task = asyncio.create_task(team.arun("Both?", run_id=run_id))
    await wait_for(lambda: len(mock_model.requests) == 3)

    assert await team.acancel_run(run_id) is True
    result = await asyncio.wait_for(task, 5.0)

    assert result.status is RunStatus.cancelled
    assert [m.status for m in result.member_responses] == [RunStatus.cancelled] * 2
    assert result.metrics.total_tokens == 46  # the leader's one call; no member finished one
    rows = await stored(agno_db, result.session_id)
    assert rows[run_id].status is RunStatus.cancelled
    assert {rows[m.run_id].status for m in result.member_responses} == {RunStatus.cancelled}
    assert len(mock_model.requests) == 3  # the leader was not called again


async def test_route_mode_runs_delegations_together_and_joins_their_answers(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, threading.Barrier(2), mode="route")
    _two_delegations(mock_model)
    call(mock_model, "meet", {"who": "weather"}, model=WEATHER_MODEL)
    call(mock_model, "meet", {"who": "clock"}, model=CLOCK_MODEL)
    # The weather member answers last.
    reply(mock_model, "Sunny.", model=WEATHER_MODEL, latency=0.2)
    reply(mock_model, "10:30.", model=CLOCK_MODEL)

    result = await team.arun("Both?")

    # As in Agno: the answers run together in the order the members finished, and the leader
    # is not called again.
    assert result.content == "10:30.Sunny."
    assert [t.result for t in result.tools] == ["Sunny.", "10:30."]
    assert [r.model for r in run_requests(mock_model)].count(LEADER) == 1


async def test_route_mode_under_run_joins_the_answers_in_call_order(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = _team(agno_db, mode="route")
    _two_delegations(mock_model)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "10:30.", model=CLOCK_MODEL)

    result = await asyncio.to_thread(team.run, "Both?")

    # One member after the other, in the leader's order; both answers are the run's answer.
    assert [r.model for r in run_requests(mock_model)[1:]] == [WEATHER_MODEL, CLOCK_MODEL]
    assert result.content == "Sunny.10:30."
