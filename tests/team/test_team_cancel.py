"""Cancelling team runs cascades to the member run in flight; background team runs' lifecycle.

The member's model call is scripted with a long latency (`SLOW`), so a cancel that works ends the
run long before it; the bounds below are "well before the latency", never tight timings.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING

import pytest

from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from tests.team.team_helpers import (
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    delegate,
    reply,
    stored,
    wait_for,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI

SLOW = 10.0
PROMPT = 2.0  # a cancel must land well before SLOW


def script_slow_member(mock: MockOpenAI) -> None:
    delegate(mock, "weather", "Weather in Paris?", input_tokens=40, output_tokens=6)
    reply(mock, "Too late.", model=WEATHER_MODEL, latency=SLOW)


def new_id(prefix: str) -> str:
    """A fresh run id: cancel intents and the live-run registry are process-wide."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def member_mid_call(mock: MockOpenAI) -> None:
    await wait_for(lambda: len(mock.requests) == 2 and mock.requests[1].model == WEATHER_MODEL)


@pytest.mark.parametrize("store_members", [True, False], ids=["stored", "not-stored"])
async def test_cancel_cascades_to_the_member_mid_call(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb, store_members: bool
) -> None:
    team = make_team(db=db, store_member_responses=store_members)
    script_slow_member(mock_model)
    run_id = new_id("team")
    task = asyncio.create_task(team.arun("Weather?", run_id=run_id))
    await member_mid_call(mock_model)

    started = time.perf_counter()
    assert await team.acancel_run(run_id) is True
    result = await task
    elapsed = time.perf_counter() - started

    assert elapsed < PROMPT
    assert result.status is RunStatus.cancelled
    [member] = result.member_responses
    assert member.status is RunStatus.cancelled
    # nothing said yet: the reason is its content, as in Agno
    assert member.content == member.error == f"Run {member.run_id} was cancelled"  # Agno's words
    # the tokens already spent are kept: the leader's first call
    assert result.metrics.total_tokens == 46
    assert len(mock_model.requests) == 2  # the leader was not called again
    rows = await stored(db, result.session_id)
    assert rows[run_id].status is RunStatus.cancelled
    assert rows[run_id].metrics.total_tokens == 46
    # the member run is stored either way, as in Agno (store_member_responses only decides
    # whether the team run read back embeds it)
    assert set(rows) == {run_id, member.run_id}
    assert rows[member.run_id].status is RunStatus.cancelled
    assert rows[member.run_id].parent_run_id == run_id
    polled = await team.aget_run_output(run_id)
    assert polled is not None
    assert [m.run_id for m in polled.member_responses] == ([member.run_id] if store_members else [])
    # a finished run cannot be cancelled again
    assert await team.acancel_run(run_id) is False


async def test_background_team_run_cancelled_mid_member_call(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_slow_member(mock_model)
    run = await team.arun("Weather?", background=True)
    assert run.status is RunStatus.pending
    await member_mid_call(mock_model)

    async def member_running() -> bool:
        live = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        assert live is not None and live.status is RunStatus.running
        return [m.status for m in live.member_responses] == [RunStatus.running]

    await wait_for(member_running)  # polled mid-run, the member shows as running

    started = time.perf_counter()
    assert await team.acancel_run(run.run_id) is True
    await team.adrain(timeout=SLOW)
    elapsed = time.perf_counter() - started

    assert elapsed < PROMPT
    result = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
    assert result is not None
    assert result.status is RunStatus.cancelled
    assert [m.status for m in result.member_responses] == [RunStatus.cancelled]
    assert result.metrics.total_tokens == 46


async def test_sync_cancel_from_another_thread(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(store_member_responses=True)
    script_slow_member(mock_model)
    run_id = new_id("threaded")
    task = asyncio.create_task(team.arun("Weather?", run_id=run_id))
    await member_mid_call(mock_model)

    started = time.perf_counter()
    assert await asyncio.to_thread(team.cancel_run, run_id) is True
    result = await task

    assert time.perf_counter() - started < PROMPT
    assert result.status is RunStatus.cancelled
    assert [m.status for m in result.member_responses] == [RunStatus.cancelled]


async def test_cancel_intent_from_another_process_reaches_the_members(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_slow_member(mock_model)
    run_id = new_id("remote")
    task = asyncio.create_task(team.arun("Weather?", run_id=run_id))
    await member_mid_call(mock_model)

    started = time.perf_counter()
    await db.aset_cancel_intent(run_id)  # what another process's cancel_run writes
    result = await task

    assert time.perf_counter() - started < SLOW / 2  # the supervisor polls every 0.25 s
    assert result.status is RunStatus.cancelled
    rows = await stored(db, result.session_id)
    assert [r.status for r in rows.values()] == [RunStatus.cancelled, RunStatus.cancelled]


async def test_cancel_before_start_never_calls_a_model(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)

    bg_id, sync_id = new_id("early-bg"), new_id("early-sync")
    assert team.cancel_run(bg_id) is False  # unknown yet: the intent is kept
    assert await team.acancel_run(sync_id) is False
    run = await team.arun("Weather?", background=True, run_id=bg_id)
    direct = await team.arun("Weather?", run_id=sync_id)
    await team.adrain(timeout=10)

    assert run.status is RunStatus.cancelled
    assert direct.status is RunStatus.cancelled
    polled = await team.aget_run_output(run_id=bg_id, session_id=run.session_id)
    assert polled is not None and polled.status is RunStatus.cancelled
    assert mock_model.requests == []


async def test_background_team_runs_queue_as_pending(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    gate = asyncio.Event()

    async def get_weather(city: str) -> str:
        """Get the weather in a city."""
        await gate.wait()
        return f"Sunny in {city}."

    team = make_team(db=db, store_member_responses=True, background_concurrency=1)
    team.members[0].tools = [get_weather]
    for city in ("Oslo", "Lima"):
        delegate(mock_model, "weather", f"Weather in {city}?")
        mock_model.add_tool_call("get_weather", {"city": city}, model=WEATHER_MODEL)
        reply(mock_model, f"Sunny in {city}.", model=WEATHER_MODEL)
        reply(mock_model, f"{city}: sunny.", model=LEADER)

    first = await team.arun("Oslo?", background=True)
    second = await team.arun("Lima?", background=True)
    await wait_for(lambda: len(mock_model.requests) == 2)

    async def status(run: RunOutput) -> RunStatus:
        out = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        assert out is not None
        return out.status

    assert await status(first) is RunStatus.running
    assert await status(second) is RunStatus.pending
    gate.set()
    await team.adrain(timeout=10)

    for run, city in ((first, "Oslo"), (second, "Lima")):
        out = await team.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        assert out is not None
        assert out.status is RunStatus.completed, out.error
        assert out.content == f"{city}: sunny."
        [member] = out.member_responses
        assert member.content == f"Sunny in {city}."
        assert out.metrics.queue_wait is not None
    later = await team.aget_run_output(run_id=second.run_id, session_id=second.session_id)
    assert later is not None and later.metrics.queue_wait is not None
    assert later.metrics.queue_wait > 0


async def test_a_team_run_whose_process_died_is_reported_error(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    """Rows left RUNNING by a dead process (lease expired) read back as ERROR, members too."""
    team = make_team(db=db, store_member_responses=True)
    db.run_lease_seconds = 0.05
    team_run = TeamRunOutput(run_id="dead-team", session_id="s", team_id=team.id)
    member_run = RunOutput(
        run_id="dead-member", session_id="s", agent_id="weather", parent_run_id="dead-team"
    )
    await db.ainsert_run(team_run, status=RunStatus.running, session_type="team")
    await db.ainsert_run(member_run, status=RunStatus.running)
    await asyncio.sleep(0.2)

    polled = await team.aget_run_output(run_id="dead-team", session_id="s")

    assert polled is not None
    assert polled.status is RunStatus.error
    assert polled.error is not None and "lease expired" in polled.error
    [member] = polled.member_responses
    assert member.status is RunStatus.error


async def test_cancel_while_the_consumer_holds_a_member_event(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    # No db: nothing in the team's own cancel path awaits, so what the final event shows is
    # exactly what the engine did, not what a finalizer task happened to finish meanwhile.
    team = make_team()
    for runner in (team, *team.members):
        runner.db = None
    delegate(mock_model, "weather", "Weather in Paris?", input_tokens=40, output_tokens=6)
    reply(mock_model, "Too late.", model=WEATHER_MODEL, latency=SLOW)
    mock_model.warn_unused = False  # the cancel may come before the member's call reaches it
    run_id = new_id("held")
    names: list[str] = []
    final = None

    async for event in team.arun("Weather?", stream=True, stream_events=True, run_id=run_id):
        names.append(event.event)
        if event.event == "RunStarted":  # the member's run started: cancel the team
            assert await team.acancel_run(run_id) is True
        if event.event == "TeamRunCancelled":
            final = event.run_output
            # when the team run reports its end, its member run is over and accounted for
            assert [m.status for m in final.member_responses] == [RunStatus.cancelled]

    assert names[-1] == "TeamRunCancelled"
    assert isinstance(final, TeamRunOutput) and final.status is RunStatus.cancelled
    assert len(mock_model.requests) == 1  # the member never called its model


async def test_cancelling_only_the_member_lets_the_team_go_on(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True)
    script_slow_member(mock_model)
    reply(mock_model, "The weather member was stopped.", input_tokens=50, output_tokens=7)
    task = asyncio.create_task(team.arun("Weather?"))
    await member_mid_call(mock_model)

    async def member_run_ids() -> list[str]:
        live = await stored(db, team.session_id or "")
        return [run_id for run_id, run in live.items() if run.parent_run_id is not None]

    await wait_for(member_run_ids)  # the RUNNING row is written while the model works
    [member_id] = await member_run_ids()

    assert await team.acancel_run(member_id) is True
    result = await task

    assert result.status is RunStatus.completed, result.error
    assert result.content == "The weather member was stopped."
    [member] = result.member_responses
    assert (member.run_id, member.status) == (member_id, RunStatus.cancelled)
    assert result.tools[0].tool_call_error
    assert result.metrics.total_tokens == 46 + 57
    rows = await stored(db, result.session_id)
    assert rows[member_id].status is RunStatus.cancelled
    assert rows[result.run_id].status is RunStatus.completed
