"""``team.get_session()``: the stored session with its team runs, their member runs (when the
team stores them) and its state, on SQLite and PostgreSQL."""

from __future__ import annotations

from agno_core.db import SqlDb
from agno_core.run.base import RunStatus
from agno_core.team import TeamRunOutput, TeamSession
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import WEATHER_MODEL, TeamMaker, delegate, reply


async def test_the_session_holds_the_team_runs_and_their_member_runs(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, store_member_responses=True, session_id="s1")
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "It is sunny.")
    reply(mock_model, "Bye.")

    first = await team.arun("Weather?", user_id="ann", session_state={"city": "Paris"})
    second = await team.arun("Thanks", user_id="ann")
    session = await team.aget_session()

    assert isinstance(session, TeamSession)
    assert (session.session_id, session.team_id, session.user_id) == ("s1", team.id, "ann")
    assert [r.run_id for r in session.runs] == [first.run_id, second.run_id]
    assert all(isinstance(r, TeamRunOutput) for r in session.runs)
    [member] = session.runs[0].member_responses  # type: ignore[attr-defined]
    assert (member.content, member.parent_run_id) == ("Sunny.", first.run_id)
    assert member.status is RunStatus.completed
    assert session.runs[1].member_responses == []  # type: ignore[attr-defined]
    assert session.session_state == {"city": "Paris"}
    # Whole seconds, as Agno; the session row is written when the first run ends, which may
    # be in the next second.
    assert isinstance(session.created_at, int)
    assert int(first.created_at) <= session.created_at <= int(first.created_at) + 1
    assert session.updated_at is not None and session.updated_at >= session.created_at
    assert team.get_session("s1") == session


async def test_member_runs_are_absent_when_the_team_does_not_store_them(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, session_id="s2")
    delegate(mock_model, "weather", "Weather in Paris?")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "It is sunny.")

    run = await team.arun("Weather?")
    session = team.get_session()

    assert session is not None
    assert [r.run_id for r in session.runs] == [run.run_id]
    assert session.runs[0].member_responses == []  # type: ignore[attr-defined]
    assert not session.session_state  # the team keeps no state


async def test_no_session_without_runs_or_db(make_team: TeamMaker, agno_db: SqlDb) -> None:
    team = make_team(db=agno_db)

    assert await team.aget_session("never-ran") is None
    team.db = None
    assert team.get_session("never-ran") is None


async def test_cache_session_answers_from_memory_until_the_team_runs_again(
    mock_model: MockOpenAI, make_team: TeamMaker, agno_db: SqlDb
) -> None:
    team = make_team(db=agno_db, session_id="s3", cache_session=True)
    other = make_team(db=agno_db, session_id="s3")  # another writer of the same session
    reply(mock_model, "One.")
    reply(mock_model, "Two.")
    reply(mock_model, "Three.")

    await team.arun("first")
    cached = team.get_session()
    assert cached is not None and len(cached.runs) == 1
    await other.arun("second")
    assert team.get_session() is cached  # from memory: the other writer's run is not read
    assert len(other.get_session().runs) == 2  # type: ignore[union-attr]
    await team.arun("third")  # this team's own run refreshes it
    fresh = team.get_session()
    assert fresh is not cached and fresh is not None and len(fresh.runs) == 3


async def test_without_cache_session_every_read_goes_to_the_db(
    mock_model: MockOpenAI, make_team: TeamMaker, agno_db: SqlDb
) -> None:
    team = make_team(db=agno_db, session_id="s4")
    reply(mock_model, "One.")

    await team.arun("first")

    assert team.get_session() is not team.get_session()
