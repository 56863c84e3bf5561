"""The session API of a team and of its member agents, against Agno 3.1.10's signatures and
behaviour (checked side by side): member runs are stored as runs of their own, so a member's
history, its runs and the members' messages read back through the team or the member."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import pytest

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from agno_core.team import Team
from tests.team.team_helpers import (
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    chat,
    delegate,
    reply,
    stored,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from agno_core.run.team import TeamRunOutput
    from pytest_agno.mock import MockOpenAI


async def weather_run(mock: MockOpenAI, team: Team, **kwargs: object) -> TeamRunOutput:
    delegate(mock, "weather", "Weather in Paris?")
    reply(mock, "Sunny.", model=WEATHER_MODEL)
    reply(mock, "It is sunny.")
    return await team.arun("Weather?", **kwargs)  # type: ignore[no-any-return]


def texts(messages: list[object]) -> list[tuple[str, object]]:
    return [(m.role, m.content) for m in messages]  # type: ignore[attr-defined]


@pytest.mark.parametrize("store_member_responses", [False, True])
async def test_a_member_reads_its_own_runs_in_the_team_session(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb, store_member_responses: bool
) -> None:
    team = make_team(db=db, store_member_responses=store_member_responses, session_id="s1")
    weather = team.members[0]
    run = await weather_run(mock_model, team)
    [member] = run.member_responses

    assert (await weather.aget_last_run_output("s1")).run_id == member.run_id  # type: ignore[union-attr]
    assert (await team.aget_last_run_output("s1")).run_id == run.run_id  # type: ignore[union-attr]
    # the member's history is its own conversation, the team's is the leader's
    assert texts(await weather.aget_chat_history("s1")) == [
        ("user", "Weather in Paris?"),
        ("assistant", "Sunny."),
    ]
    assert texts(weather.get_session_messages("s1", skip_roles=["system"])) == [
        ("user", "Weather in Paris?"),
        ("assistant", "Sunny."),
    ]
    assert [c for r, c in texts(await team.aget_chat_history("s1")) if r == "user"] == ["Weather?"]
    # the team run embeds its member runs only with store_member_responses (as in Agno)
    session = await team.aget_session("s1")
    assert session is not None
    embedded = session.runs[0].member_responses  # type: ignore[attr-defined]
    assert [m.run_id for m in embedded] == ([member.run_id] if store_member_responses else [])
    polled = await team.aget_run_output(run.run_id, "s1")
    assert polled is not None
    assert len(polled.member_responses) == (1 if store_member_responses else 0)


async def test_team_session_messages_with_and_without_members(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, session_id="s1")
    await weather_run(mock_model, team)
    leader = [("user", "Weather?"), ("assistant", "It is sunny.")]
    member = [("user", "Weather in Paris?"), ("assistant", "Sunny.")]

    def talk(messages: list[object]) -> list[tuple[str, object]]:
        return [(r, c) for r, c in texts(messages) if r in ("user", "assistant") and c]

    assert talk(team.get_session_messages()) == leader
    assert talk(await team.aget_session_messages(skip_member_messages=False)) == leader + member
    assert talk(team.get_session_messages(member_ids=["weather"])) == member
    assert team.get_session_messages(member_ids=["clock"]) == []
    # the system message still comes once, first: the leader's
    everything = team.get_session_messages(skip_member_messages=False)
    assert [m.role for m in everything].count("system") == 1
    assert everything[0].role == "system" and "Weather" in str(everything[0].content)
    assert team.get_session_messages(skip_member_messages=False, last_n_runs=1) != everything


async def test_get_run_output_get_session_and_delete_session_take_a_user(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, session_id="s1")
    run = await weather_run(mock_model, team, user_id="ann")
    member_id = run.member_responses[0].run_id
    weather = team.members[0]

    assert (await team.aget_run_output(run.run_id, "s1", user_id="ann")) is not None
    assert team.get_run_output(run.run_id, session_id="s1", user_id="bob") is None
    assert weather.get_run_output(member_id, session_id="s1", user_id="ann") is not None
    assert (await weather.aget_run_output(member_id, user_id="bob")) is None
    assert team.get_session("s1", user_id="ann") is not None
    assert (await team.aget_session(user_id="bob")) is None

    team.delete_session("s1", user_id="bob")  # not bob's: nothing goes
    assert set(await stored(db, "s1")) == {run.run_id, member_id}
    await team.adelete_session("s1", user_id="ann", delete_media=True)
    assert await stored(db, "s1") == {}
    assert team.get_session("s1") is None


async def test_an_agent_deletes_its_session_for_a_user(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    agent = Agent(name="Solo", model=chat(LEADER), db=agno_db)
    reply(mock_model, "Hello.")
    out = await agent.arun("Hi", session_id="s9", user_id="ann")
    assert out.status is RunStatus.completed

    agent.delete_session("s9", user_id="bob")
    assert agent.get_run_output(out.run_id, "s9") is not None
    agent.delete_session("s9", user_id="ann")
    assert agent.get_run_output(out.run_id, "s9") is None


SESSION_METHODS = {
    "delete_session": ["session_id", "user_id", "delete_media"],
    "get_run_output": ["run_id", "session_id", "user_id"],
    "get_session_metrics": ["session_id"],
    "get_chat_history": ["session_id", "last_n_runs"],
    "get_last_run_output": ["session_id"],
    "get_session": ["session_id", "user_id"],
}
TEAM_MESSAGES = [
    "session_id",
    "member_ids",
    "last_n_runs",
    "limit",
    "skip_roles",
    "skip_statuses",
    "skip_history_messages",
    "skip_member_messages",
]
AGENT_MESSAGES = [n for n in TEAM_MESSAGES if n not in ("member_ids", "skip_member_messages")]


@pytest.mark.parametrize("cls", [Agent, Team])
def test_session_method_signatures_are_agnos(cls: type) -> None:
    """Agno 3.1.10's parameter names and order (a user may pass any of them by position)."""

    def names(method: str) -> list[str]:
        return [p for p in inspect.signature(getattr(cls, method)).parameters if p != "self"]

    messages = TEAM_MESSAGES if cls is Team else AGENT_MESSAGES
    for method, expected in {**SESSION_METHODS, "get_session_messages": messages}.items():
        assert names(method) == expected, method
        assert names(f"a{method}") == expected, f"a{method}"
