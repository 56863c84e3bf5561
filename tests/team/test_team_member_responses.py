"""`TeamRunOutput.member_responses`: returned by the run, stored and read back when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from tests.team.team_helpers import (
    CLOCK_TOKENS,
    WEATHER_MODEL,
    WEATHER_TOKENS,
    TeamMaker,
    delegate,
    reply,
    script_two_member_run,
    stored,
    wait_for,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


async def test_each_member_response_has_its_own_metrics_and_name(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(store_member_responses=False)
    script_two_member_run(mock_model)

    result = await team.arun("Weather and time in Paris?")

    # returned by the run even when they are not stored
    weather, clock = result.member_responses
    assert (weather.agent_name, clock.agent_name) == ("Weather", "Clock")
    assert weather.metrics.total_tokens == WEATHER_TOKENS
    assert (weather.metrics.input_tokens, weather.metrics.output_tokens) == (31 + 41, 3 + 4)
    assert clock.metrics.total_tokens == CLOCK_TOKENS
    assert [e.id for e in weather.metrics.details["model"]] == ["gpt-4o-mini"]
    assert [e.id for e in clock.metrics.details["model"]] == ["gpt-4.1-mini"]
    assert [t.tool_name for t in weather.metrics.details["tool_call"]] == ["get_weather"]
    assert [t.tool_name for t in clock.metrics.details["tool_call"]] == ["get_time"]
    for member in (weather, clock):
        assert member.metrics.duration is not None and member.metrics.duration > 0
        assert member.metrics.time_to_first_token is not None


async def test_stored_member_responses_are_read_back(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_two_member_run(mock_model)
    result = await team.arun("Weather and time in Paris?")

    polled = await team.aget_run_output(run_id=result.run_id, session_id=result.session_id)

    assert isinstance(polled, TeamRunOutput)
    assert polled is not result
    assert polled.status is RunStatus.completed
    assert polled.metrics == result.metrics
    assert len(polled.member_responses) == 2
    for back, original in zip(polled.member_responses, result.member_responses, strict=True):
        assert back.run_id == original.run_id
        assert back.parent_run_id == result.run_id
        assert back.agent_name == original.agent_name
        assert back.content == original.content
        assert back.status is RunStatus.completed
        assert back.metrics == original.metrics
        assert [t.tool_name for t in back.tools] == [t.tool_name for t in original.tools]
    # the synchronous twin reads the same
    assert [m.run_id for m in team.get_run_output(result.run_id).member_responses] == [
        m.run_id for m in result.member_responses
    ]


async def test_member_runs_are_stored_but_not_embedded_without_store_member_responses(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    # As in Agno: each member run is stored as a run of its own (linked by parent_run_id)
    # whatever store_member_responses says; that option only embeds them in the team run.
    team = make_team(db=db, store_member_responses=False)
    script_two_member_run(mock_model)
    result = await team.arun("Weather and time in Paris?")
    weather, clock = result.member_responses

    polled = await team.aget_run_output(run_id=result.run_id, session_id=result.session_id)

    assert polled is not None
    assert polled.status is RunStatus.completed
    assert polled.member_responses == []
    # ... but the team's metrics still include the members' usage
    assert polled.metrics == result.metrics
    rows = await stored(db, result.session_id)
    assert set(rows) == {result.run_id, weather.run_id, clock.run_id}
    assert rows[weather.run_id].parent_run_id == rows[clock.run_id].parent_run_id == result.run_id
    # a member run reads back through the team, and through the member agent itself
    member = await team.aget_run_output(weather.run_id, session_id=result.session_id)
    assert member is not None and member.content == weather.content
    assert member.metrics == weather.metrics
    own = team.members[1].get_run_output(clock.run_id, session_id=result.session_id)
    assert own is not None and (own.agent_name, own.content) == ("Clock", clock.content)
    # session metrics count each run once: the team run's totals include its members
    session = await team.aget_session_metrics(result.session_id)
    assert session.total_tokens == result.metrics.total_tokens


async def test_polled_background_run_carries_member_responses_when_stored(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_two_member_run(mock_model)

    run = await team.arun("Weather and time in Paris?", background=True)
    assert run.status is RunStatus.pending
    assert run.member_responses == []

    async def done() -> bool:
        out = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        return out is not None and out.status is RunStatus.completed

    await wait_for(done)
    result = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
    assert result is not None
    assert [m.agent_name for m in result.member_responses] == ["Weather", "Clock"]
    assert [m.metrics.total_tokens for m in result.member_responses] == [
        WEATHER_TOKENS,
        CLOCK_TOKENS,
    ]
    assert all(m.parent_run_id == run.run_id for m in result.member_responses)


async def test_polled_background_run_has_no_member_responses_without_store(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=False)
    total = script_two_member_run(mock_model)

    run = await team.arun("Weather and time in Paris?", background=True)
    await team.adrain(timeout=10)
    result = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)

    assert result is not None
    assert result.status is RunStatus.completed, result.error
    assert result.member_responses == []
    assert result.metrics.total_tokens == total


async def test_a_run_of_another_session_is_not_returned(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(store_member_responses=True)
    delegate(mock_model, "weather", "Weather?")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "Sunny.")
    result = await team.arun("Weather?", session_id="s-1")

    assert await team.aget_run_output(run_id=result.run_id, session_id="s-2") is None
    member_id = result.member_responses[0].run_id
    member = await team.aget_run_output(run_id=member_id, session_id="s-1")
    assert member is not None
    assert member.parent_run_id == result.run_id
