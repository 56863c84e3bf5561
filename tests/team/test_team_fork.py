"""``Team.fork_session`` / ``afork_session`` as Agno 3.1.10 has them (checked side by side): a
new session with every team run and member run copied under new run ids, the session's state
and name; the source untouched; Agno's errors."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import pytest

from agno_core.team import Team
from tests.team.team_helpers import (
    WEATHER_MODEL,
    TeamMaker,
    delegate,
    messages,
    reply,
    run_requests,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from agno_core.run.team import TeamRunOutput
    from pytest_agno.mock import MockOpenAI


async def weather_run(mock: MockOpenAI, team: Team, task: str, **kw: object) -> TeamRunOutput:
    delegate(mock, "weather", task)
    reply(mock, f"answer to {task}", model=WEATHER_MODEL)
    reply(mock, "It is sunny.")
    return await team.arun("Weather?", **kw)  # type: ignore[no-any-return]


def test_signatures_are_agnos() -> None:
    for name in ("fork_session", "afork_session"):
        params = inspect.signature(getattr(Team, name)).parameters
        assert list(params) == ["self", "source_session_id", "user_id"]
        assert all(p.kind is p.KEYWORD_ONLY for n, p in params.items() if n != "self")


@pytest.mark.parametrize("store_member_responses", [False, True])
async def test_a_fork_copies_team_runs_member_runs_state_and_name(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb, store_member_responses: bool
) -> None:
    team = make_team(
        db=db,
        store_member_responses=store_member_responses,
        session_state={"city": "Paris"},
        member_kwargs={"add_history_to_context": True},
    )
    source = await weather_run(mock_model, team, "task 1", session_id="s1", user_id="ann")
    await team.aset_session_name(session_id="s1", session_name="Trip")

    new_id = await team.afork_session(source_session_id="s1", user_id="ann")

    assert new_id != "s1"
    [copied] = (await db.aget_session_runs(new_id)) or [None]
    assert copied is not None
    assert copied.run_id != source.run_id
    assert copied.session_id == new_id
    assert copied.content == source.content
    # the member run is copied too, linked to the copy of its team run
    all_runs = await db.aget_session_runs(new_id, top_level_only=False)
    [member] = [r for r in all_runs if r.parent_run_id is not None]
    assert member.parent_run_id == copied.run_id
    assert member.run_id != source.member_responses[0].run_id
    assert member.agent_id == source.member_responses[0].agent_id
    # the source is untouched
    assert [r.run_id for r in await db.aget_session_runs("s1", top_level_only=False)] == [
        source.run_id,
        source.member_responses[0].run_id,
    ]
    assert await team.aget_session_state(new_id) == {"city": "Paris"}
    assert await team.aget_session_name(new_id) == "Trip"
    session = await team.aget_session(new_id)
    assert session is not None
    assert session.user_id == "ann"
    assert session.session_data["forked_from_session_id"] == "s1"
    embedded = session.runs[0].member_responses  # type: ignore[attr-defined]
    assert [m.run_id for m in embedded] == ([member.run_id] if store_member_responses else [])
    metrics = await team.aget_session_metrics(new_id)
    assert metrics.total_tokens == (await team.aget_session_metrics("s1")).total_tokens > 0

    # the fork goes on on its own: the member replays its copied run once
    await weather_run(mock_model, team, "task 2", session_id=new_id, user_id="ann")
    last = [r for r in run_requests(mock_model) if r.model == WEATHER_MODEL][-1]
    assert [m.get("content") for m in messages(last) if m["role"] != "developer"] == [
        "task 1",
        "answer to task 1",
        "task 2",
    ]
    assert len(await db.aget_session_runs("s1")) == 1


async def test_fork_defaults_to_the_team_session_and_sync_works(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, session_id="s1")
    await weather_run(mock_model, team, "task 1")

    new_id = team.fork_session()

    assert len(await db.aget_session_runs(new_id, top_level_only=False)) == 2


async def test_fork_errors_are_agnos(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db)
    with pytest.raises(ValueError, match=r"^source_session_id is required to fork a session\.$"):
        await team.afork_session()
    with pytest.raises(ValueError, match=r"^Source session has no runs to fork\.$"):
        await team.afork_session(source_session_id="missing")
    await weather_run(mock_model, team, "task 1", session_id="s1", user_id="ann")
    with pytest.raises(ValueError, match=r"^Source session has no runs to fork\.$"):
        await team.afork_session(source_session_id="s1", user_id="bob")
    team.db = None
    with pytest.raises(ValueError, match=r"^Source session has no runs to fork\.$"):
        team.fork_session(source_session_id="s1")
