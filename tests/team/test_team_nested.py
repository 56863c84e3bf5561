"""A team as a member of a team: the roster, delegation, metrics rolling up, stored links,
streaming, cancellation cascading through both levels, background runs.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.team import Team
from pytest_agno import assert_metrics_consistent
from tests.team.mode_helpers import model, of_model, system_of, user_of
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    delegate,
    entry,
    model_token_sum,
    reply,
    stored,
    wait_for,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI

INNER = "gpt-4.1"
OUTER_TOKENS = (100 + 10) + (200 + 20)
INNER_TOKENS = (50 + 5) + (70 + 7)
CLOCK_TOKENS = 30 + 3


def nested_team(endpoint: str, db: SqlDb | None, **kw: object) -> Team:
    clock = Agent(name="Clock", role="Knows the time", model=model(endpoint, CLOCK_MODEL), db=db)
    desk = Team(
        [clock],
        name="Clock Desk",
        role="Answers time questions",
        model=model(endpoint, INNER),
        db=db,
        store_member_responses=True,
    )
    weather = Agent(name="Weather", role="Knows the weather", model=model(endpoint, WEATHER_MODEL))
    return Team(
        [weather, desk],
        name="Outer",
        model=model(endpoint, LEADER),
        db=db,
        **kw,  # type: ignore[arg-type]
    )


def script_nested_run(mock: MockOpenAI, *, latency: float = 0.0) -> None:
    delegate(mock, "clock-desk", "Time in Oslo?", input_tokens=100, output_tokens=10)
    delegate(mock, "clock", "Oslo time?", model=INNER, input_tokens=50, output_tokens=5)
    reply(mock, "08:00.", model=CLOCK_MODEL, input_tokens=30, output_tokens=3, latency=latency)
    reply(mock, "It is 08:00 in Oslo.", model=INNER, input_tokens=70, output_tokens=7)
    reply(mock, "08:00 in Oslo.", input_tokens=200, output_tokens=20)


async def test_the_roster_shows_a_nested_team_and_its_members(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, agno_db)
    script_nested_run(mock_model)

    await team.arun("Time in Oslo?")

    system = system_of(mock_model.requests[0])
    assert (
        '<member id="clock-desk" name="Clock Desk" type="team">\n'
        "  Role: Answers time questions\n"
        '  <member name="Clock">\n    Role: Knows the time\n  </member>\n'
        "</member>"
    ) in system
    inner_leader = of_model(mock_model.requests, INNER)[0]
    assert user_of(inner_leader) == "Time in Oslo?"
    assert '<member id="clock" name="Clock">' in system_of(inner_leader)


async def test_metrics_roll_up_through_both_levels(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, agno_db)
    script_nested_run(mock_model)

    result = await team.arun("Time in Oslo?")

    assert result.status is RunStatus.completed, result.error
    assert result.content == "08:00 in Oslo."
    [desk] = result.member_responses
    assert isinstance(desk, TeamRunOutput)
    assert desk.team_id == "clock-desk" and desk.parent_run_id == result.run_id
    [clock] = desk.member_responses
    assert clock.parent_run_id == desk.run_id
    assert clock.metrics.total_tokens == CLOCK_TOKENS
    assert desk.metrics.total_tokens == INNER_TOKENS + CLOCK_TOKENS
    total = OUTER_TOKENS + INNER_TOKENS + CLOCK_TOKENS
    assert result.metrics.total_tokens == total == model_token_sum(result.metrics)
    assert entry(result.metrics, "model", LEADER).total_tokens == OUTER_TOKENS
    assert entry(result.metrics, "member_model", INNER).total_tokens == INNER_TOKENS
    assert entry(result.metrics, "member_model", CLOCK_MODEL).total_tokens == CLOCK_TOKENS
    assert_metrics_consistent(result)  # checks each member run, the nested team's too


async def test_stored_runs_link_both_levels(
    mock_model: MockOpenAI, db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, db, store_member_responses=True)
    script_nested_run(mock_model)

    result = await team.arun("Time in Oslo?")

    [desk] = result.member_responses
    [clock] = desk.member_responses  # type: ignore[attr-defined]
    rows = await stored(db, result.session_id)
    assert rows[desk.run_id].parent_run_id == result.run_id
    assert rows[clock.run_id].parent_run_id == desk.run_id
    back = await team.aget_run_output(result.run_id, result.session_id)
    assert isinstance(back, TeamRunOutput)
    [back_desk] = back.member_responses
    assert isinstance(back_desk, TeamRunOutput)
    assert [m.content for m in back_desk.member_responses] == ["08:00."]
    assert back.metrics.total_tokens == result.metrics.total_tokens
    # session metrics count the top-level run once, members included
    session = await team.aget_session_metrics(result.session_id)
    assert session.total_tokens == result.metrics.total_tokens


async def test_the_leader_can_reach_a_nested_member_by_its_id(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, agno_db)
    delegate(mock_model, "clock", "Oslo time?")
    reply(mock_model, "08:00.", model=CLOCK_MODEL)
    reply(mock_model, "08:00 in Oslo.")

    result = await team.arun("Time in Oslo?")

    [clock] = result.member_responses
    assert (clock.agent_id, clock.parent_run_id) == ("clock", result.run_id)
    assert of_model(mock_model.requests, INNER) == []  # the nested leader was not involved


async def test_nested_events_carry_their_parent_runs(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, agno_db)
    script_nested_run(mock_model)

    events = [e async for e in team.arun("Time in Oslo?", stream=True, stream_events=True)]

    result = events[-1].run_output
    [desk] = result.member_responses
    [clock] = desk.member_responses
    parents = {(e.event, e.run_id): e.parent_run_id for e in events}
    assert parents[("TeamRunStarted", desk.run_id)] == result.run_id
    assert parents[("RunCompleted", clock.run_id)] == desk.run_id
    assert parents[("TeamRunCompleted", result.run_id)] is None


async def test_a_cancel_cascades_through_a_nested_team(
    mock_model: MockOpenAI, db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, db, store_member_responses=True)
    mock_model.warn_unused = False  # the cancel interrupts the slow replies before they answer
    script_nested_run(mock_model, latency=10.0)
    run_id = f"outer-{uuid.uuid4().hex[:12]}"
    task = asyncio.create_task(team.arun("Time in Oslo?", run_id=run_id))
    await wait_for(lambda: bool(of_model(mock_model.requests, CLOCK_MODEL)))

    assert await team.acancel_run(run_id) is True
    result = await asyncio.wait_for(task, 5.0)

    assert result.status is RunStatus.cancelled
    [desk] = result.member_responses
    [clock] = desk.member_responses  # type: ignore[attr-defined]
    assert (desk.status, clock.status) == (RunStatus.cancelled, RunStatus.cancelled)
    assert result.metrics.total_tokens == (100 + 10) + (50 + 5)  # what was spent is kept
    rows = await stored(db, result.session_id)
    assert {rows[r].status for r in (run_id, desk.run_id, clock.run_id)} == {RunStatus.cancelled}


async def test_a_nested_team_runs_in_the_background(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, agno_db, store_member_responses=True)
    script_nested_run(mock_model)

    pending = await team.arun("Time in Oslo?", background=True)
    await team.adrain()

    done = await team.aget_run_output(pending.run_id, pending.session_id)
    assert isinstance(done, TeamRunOutput)
    assert done.status is RunStatus.completed
    assert done.content == "08:00 in Oslo."
    total = OUTER_TOKENS + INNER_TOKENS + CLOCK_TOKENS
    assert done.metrics.total_tokens == total
    [desk] = done.member_responses
    assert isinstance(desk, TeamRunOutput) and len(desk.member_responses) == 1


async def test_a_nested_team_gets_its_own_history(
    mock_model: MockOpenAI, db: SqlDb, endpoint: str
) -> None:
    team = nested_team(endpoint, db, store_member_responses=True, add_team_history_to_members=True)
    script_nested_run(mock_model)
    script_nested_run(mock_model)

    await team.arun("Time in Oslo?", session_id="s-nested")
    await team.arun("Time in Oslo?", session_id="s-nested")

    first, second = of_model(mock_model.requests, INNER)[::2]
    assert user_of(first) == "Time in Oslo?"
    assert user_of(second) == (
        "<team_history_context>\n[run-1]\ninput: Time in Oslo?\nresponse: It is 08:00 in Oslo.\n\n"
        "</team_history_context>\n\n\nTime in Oslo?"
    )
