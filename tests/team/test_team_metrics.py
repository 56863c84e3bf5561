"""Team metrics invariants, on a team of two tool-using members.

* the team's totals are the leader's own model calls plus every member run's totals;
* ``details`` keeps the split: the leader under ``"model"``, the members under ``"member_model"``
  (one entry per model), tool calls under ``"tool_call"`` / ``"member_tool_call"``;
* session metrics sum the session's team runs (members included, never counted twice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from agno_core.agent import Agent
from agno_core.metrics import ModelMetrics, RunMetrics, SessionMetrics
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.team import Team
from tests.team.team_helpers import (
    CLOCK_MODEL,
    CLOCK_TOKENS,
    LEADER,
    LEADER_TOKENS,
    WEATHER_MODEL,
    WEATHER_TOKENS,
    TeamMaker,
    call,
    chat,
    delegate,
    entry,
    model_token_sum,
    reply,
    script_two_member_run,
    tool_names,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


def own_tokens(metrics: RunMetrics) -> int:
    return sum(e.total_tokens for e in metrics.details["model"])


async def test_team_totals_are_leader_plus_members(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    total = script_two_member_run(mock_model)

    result = await team.arun("Weather and time in Paris?")

    metrics = result.metrics
    members = result.member_responses
    assert metrics.total_tokens == total == LEADER_TOKENS + WEATHER_TOKENS + CLOCK_TOKENS
    assert metrics.total_tokens == own_tokens(metrics) + sum(
        m.metrics.total_tokens for m in members
    )
    for field in ("input_tokens", "output_tokens", "total_tokens"):
        leader_part = sum(getattr(e, field) for e in metrics.details["model"])
        member_part = sum(getattr(m.metrics, field) for m in members)
        assert getattr(metrics, field) == leader_part + member_part, field
    assert metrics.input_tokens == 101 + 151 + 211 + 31 + 41 + 23 + 29
    assert metrics.total_tokens == model_token_sum(metrics)


async def test_details_keep_one_entry_per_model_and_role(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    script_two_member_run(mock_model)

    result = await team.arun("Weather and time in Paris?")

    details = result.metrics.details
    assert set(details) == {"model", "member_model", "tool_call", "member_tool_call"}
    [leader] = details["model"]
    assert isinstance(leader, ModelMetrics)
    assert (leader.id, leader.provider, leader.requests) == (LEADER, "OpenAI Chat", 3)
    assert (leader.input_tokens, leader.output_tokens) == (101 + 151 + 211, 11 + 13 + 17)
    assert [e.id for e in details["member_model"]] == [WEATHER_MODEL, CLOCK_MODEL]
    weather = entry(result.metrics, "member_model", WEATHER_MODEL)
    clock = entry(result.metrics, "member_model", CLOCK_MODEL)
    assert (weather.requests, weather.total_tokens) == (2, WEATHER_TOKENS)
    assert (clock.requests, clock.total_tokens) == (2, CLOCK_TOKENS)
    assert [t.tool_name for t in details["tool_call"]] == [
        "delegate_task_to_member",
        "delegate_task_to_member",
    ]
    assert [t.tool_name for t in details["member_tool_call"]] == ["get_weather", "get_time"]
    # the member entries equal the members' own "model" entries
    for member in result.member_responses:
        [own] = member.metrics.details["model"]
        merged = entry(result.metrics, "member_model", own.id)
        assert merged.tokens_dict() == own.tokens_dict()
        assert merged.requests == own.requests


async def test_members_sharing_a_model_share_one_entry(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    for member in team.members:
        member.model = team.members[0].model
    script_two_member_run(mock_model)
    # the clock member now answers on the weather model: re-route its two scripted replies
    for scripted in mock_model.pending:
        if scripted.model == CLOCK_MODEL:
            scripted.model = WEATHER_MODEL

    result = await team.arun("Weather and time in Paris?")

    [shared] = result.metrics.details["member_model"]
    assert (shared.id, shared.requests) == (WEATHER_MODEL, 4)
    assert shared.total_tokens == WEATHER_TOKENS + CLOCK_TOKENS


async def test_metrics_read_back_equal_the_returned_ones(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_two_member_run(mock_model)
    result = await team.arun("Weather and time in Paris?")

    polled = await team.aget_run_output(run_id=result.run_id, session_id=result.session_id)

    assert polled is not None
    assert polled.metrics == result.metrics
    assert polled.metrics.details["member_model"] == result.metrics.details["member_model"]
    assert [m.metrics for m in polled.member_responses] == [
        m.metrics for m in result.member_responses
    ]


async def test_session_metrics_sum_the_team_runs_with_their_members(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True, session_id="trip-session")
    first_total = script_two_member_run(mock_model)
    first = await team.arun("Weather and time in Paris?")
    second_total = script_two_member_run(mock_model)
    second = await team.arun("And now?", background=True)
    await team.adrain(timeout=10)
    polled = await team.aget_run_output(run_id=second.run_id, session_id=second.session_id)
    assert polled is not None

    session = await team.aget_session_metrics()

    assert isinstance(session, SessionMetrics)
    assert session.session_id == "trip-session"
    assert session.runs == 2  # member rows are not counted on their own
    assert session.total_tokens == first_total + second_total
    assert session.total_tokens == first.metrics.total_tokens + polled.metrics.total_tokens
    assert session.input_tokens == first.metrics.input_tokens + polled.metrics.input_tokens
    [leader] = session.details["model"]
    assert (leader.id, leader.requests, leader.total_tokens) == (LEADER, 6, 2 * LEADER_TOKENS)
    assert entry(session, "member_model", WEATHER_MODEL).total_tokens == 2 * WEATHER_TOKENS
    assert entry(session, "member_model", CLOCK_MODEL).total_tokens == 2 * CLOCK_TOKENS
    assert "tool_call" not in session.details
    # the synchronous call Agno users write (seed 000) gives the same numbers
    assert team.get_session_metrics() == session


async def test_session_metrics_without_a_session_raise_as_in_agno(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    # Agno 3.1.10 raises "Session ID is not set" / "Session not found" here (it has no
    # session metrics to read); an empty SessionMetrics would read as "nothing was spent".
    team = make_team()
    member = team.members[0]

    for runner in (team, member):
        with pytest.raises(ValueError, match="Session ID is not set"):
            await runner.aget_session_metrics()
        with pytest.raises(ValueError, match="Session not found"):
            await runner.aget_session_metrics("never-used")
        with pytest.raises(ValueError, match="Session not found"):
            runner.get_session_metrics("never-used")  # the sync twin
    reply(mock_model, "Hello.")
    run = await team.arun("Hi", session_id="used")
    assert (await team.aget_session_metrics("used")).total_tokens == run.metrics.total_tokens


async def test_leader_tools_count_as_the_teams_own_tool_calls(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    def get_date() -> str:
        """Today's date."""
        return "2025-06-01"

    team = make_team(tools=[get_date])
    call(mock_model, "get_date", {}, model=LEADER, input_tokens=5, output_tokens=1)
    total = script_two_member_run(mock_model)

    result = await team.arun("Weather and time in Paris today?")

    assert tool_names(mock_model.requests[0]) == ["delegate_task_to_member", "get_date"]  # by name
    details = result.metrics.details
    assert [t.tool_name for t in details["tool_call"]] == [
        "get_date",
        "delegate_task_to_member",
        "delegate_task_to_member",
    ]
    assert [t.tool_name for t in details["member_tool_call"]] == ["get_weather", "get_time"]
    assert entry(result.metrics, "model", LEADER).requests == 4
    assert result.metrics.total_tokens == total + 6 == model_token_sum(result.metrics)


async def test_nested_team_metrics_roll_up(mock_model: MockOpenAI, db: SqlDb) -> None:
    leaf = Agent(name="Leaf", model=chat(WEATHER_MODEL))
    inner = Team(
        name="Inner", members=[leaf], model=chat(CLOCK_MODEL), db=db, store_member_responses=True
    )
    outer = Team(name="Outer", members=[inner], model=chat(LEADER), db=db)
    outer.store_member_responses = True
    delegate(mock_model, "inner", "Ask the leaf.", input_tokens=10, output_tokens=1)
    delegate(mock_model, "leaf", "Do it.", model=CLOCK_MODEL, input_tokens=20, output_tokens=2)
    reply(mock_model, "Leaf done.", model=WEATHER_MODEL, input_tokens=30, output_tokens=3)
    reply(mock_model, "Inner done.", model=CLOCK_MODEL, input_tokens=40, output_tokens=4)
    reply(mock_model, "Outer done.", input_tokens=50, output_tokens=5)

    result = await outer.arun("Go.")

    assert result.status is RunStatus.completed, result.error
    [inner_run] = result.member_responses
    assert isinstance(inner_run, TeamRunOutput)
    assert (inner_run.team_id, inner_run.team_name) == ("inner", "Inner")
    assert inner_run.parent_run_id == result.run_id
    [leaf_run] = inner_run.member_responses
    assert (leaf_run.agent_name, leaf_run.team_id) == ("Leaf", "inner")
    assert leaf_run.parent_run_id == inner_run.run_id
    assert inner_run.metrics.total_tokens == 22 + 44 + 33
    assert result.metrics.total_tokens == 11 + 55 + 22 + 44 + 33
    assert [(e.id, e.total_tokens) for e in result.metrics.details["member_model"]] == [
        (CLOCK_MODEL, 66),
        (WEATHER_MODEL, 33),
    ]
    polled = await outer.aget_run_output(run_id=result.run_id, session_id=result.session_id)
    assert polled is not None
    assert polled.metrics == result.metrics
    [inner_back] = polled.member_responses
    assert isinstance(inner_back, TeamRunOutput)
    assert [m.run_id for m in inner_back.member_responses] == [leaf_run.run_id]
