"""History in a team's session, as Agno 3.1.10 gives it (checked side by side): a member agent
with ``add_history_to_context=True`` gets its own earlier member runs of the session, never the
team's runs nor another member's; the leader's history is the team runs only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    delegate,
    messages,
    reply,
    run_requests,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


def turns(request: object) -> list[tuple[str, object]]:
    return [(m["role"], m.get("content")) for m in messages(request) if m["role"] != "developer"]  # type: ignore[arg-type]


async def ask(mock: MockOpenAI, team: object, member: str, n: int) -> None:
    model = WEATHER_MODEL if member == "weather" else CLOCK_MODEL
    delegate(mock, member, f"{member} task {n}")
    reply(mock, f"{member} answer {n}", model=model)
    reply(mock, f"team answer {n}")
    await team.arun(f"question {n}", session_id="s1")  # type: ignore[attr-defined]


async def test_a_member_replays_its_own_member_runs_only(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, member_kwargs={"add_history_to_context": True})
    await ask(mock_model, team, "weather", 1)
    await ask(mock_model, team, "clock", 2)
    await ask(mock_model, team, "weather", 3)

    weather = [r for r in run_requests(mock_model) if r.model == WEATHER_MODEL]
    clock = [r for r in run_requests(mock_model) if r.model == CLOCK_MODEL]
    assert turns(weather[0]) == [("user", "weather task 1")]
    # its own earlier member run; not the team's questions, nor the clock's run
    assert turns(weather[1]) == [
        ("user", "weather task 1"),
        ("assistant", "weather answer 1"),
        ("user", "weather task 3"),
    ]
    assert turns(clock[0]) == [("user", "clock task 2")]


async def test_num_history_runs_of_a_member_counts_its_own_runs(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, member_kwargs={"add_history_to_context": True, "num_history_runs": 1})
    for n in (1, 2, 3):
        await ask(mock_model, team, "weather", n)

    last = [r for r in run_requests(mock_model) if r.model == WEATHER_MODEL][-1]
    assert turns(last) == [
        ("user", "weather task 2"),
        ("assistant", "weather answer 2"),
        ("user", "weather task 3"),
    ]


async def test_the_leader_history_is_the_team_runs_without_member_runs(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, add_history_to_context=True)
    await ask(mock_model, team, "weather", 1)
    await ask(mock_model, team, "weather", 2)

    leader = [r for r in run_requests(mock_model) if r.model == LEADER]
    second_run_first_call = leader[2]
    roles = [role for role, _ in turns(second_run_first_call)]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]
    # the member run's own user message ("weather task 1") is not the leader's history
    assert [c for r, c in turns(second_run_first_call) if r == "user"] == [
        "question 1",
        "question 2",
    ]
    # a member without add_history_to_context gets no history at all
    weather = [r for r in run_requests(mock_model) if r.model == WEATHER_MODEL]
    assert turns(weather[1]) == [("user", "weather task 2")]
