"""Callable tool and member factories on a Team, as Agno has them: called per run with the
parameters they declare, kept per cache key with ``cache_callables``."""

from __future__ import annotations

from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.run import RunContext, RunStatus
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import (
    LEADER,
    WEATHER_MODEL,
    chat,
    delegate,
    reply,
    run_requests,
    system_text,
    tool_names,
)


def get_quote(symbol: str) -> str:
    """Get a stock quote.

    Args:
        symbol: The ticker.
    """
    return f"{symbol}: 100"


def get_news(symbol: str) -> str:
    """Get the news of a company.

    Args:
        symbol: The ticker.
    """
    return f"{symbol}: no news"


# -- tool factories --------------------------------------------------------------------------------


async def test_a_tool_factory_gives_the_leader_its_tools_per_user(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    calls: list[tuple[str, bool | None]] = []

    def tools_for(team: Team, session_state: dict[str, Any]) -> list[Any]:
        calls.append((team.name or "", session_state.get("pro")))
        return [get_quote, get_news] if session_state.get("pro") else [get_quote]

    team = Team(
        members=[Agent(name="Helper", model=chat(WEATHER_MODEL))],
        name="Desk",
        model=chat(LEADER),
        db=agno_db,
        tools=tools_for,
    )
    for _ in range(3):
        reply(mock_model, "ok")

    await team.arun("hi", user_id="ann", session_state={"pro": True})
    await team.arun("again", user_id="ann")
    await team.arun("hi", user_id="bob", session_id="other")

    names = [sorted(tool_names(r)) for r in run_requests(mock_model)]
    assert names[0] == ["delegate_task_to_member", "get_news", "get_quote"]
    assert names[1] == names[0]  # ann's tools came from the cache
    assert names[2] == ["delegate_task_to_member", "get_quote"]
    assert calls == [("Desk", True), ("Desk", None)]


async def test_without_cache_callables_the_tool_factory_runs_each_time(
    mock_model: MockOpenAI,
) -> None:
    calls: list[str] = []

    def tools_for(run_context: RunContext) -> list[Any]:
        calls.append(run_context.run_id)
        return [get_quote]

    team = Team(
        members=[Agent(name="Helper", model=chat(WEATHER_MODEL))],
        model=chat(LEADER),
        tools=tools_for,
        cache_callables=False,
    )
    reply(mock_model, "one")
    reply(mock_model, "two")

    first = await team.arun("hi", user_id="ann")
    second = await team.arun("hi", user_id="ann")

    assert calls == [first.run_id, second.run_id]


async def test_callable_tools_cache_key_chooses_the_cache_entry(mock_model: MockOpenAI) -> None:
    calls: list[str] = []

    def tools_for(run_context: RunContext) -> list[Any]:
        calls.append(run_context.session_id)
        return [get_quote]

    team = Team(
        members=[Agent(name="Helper", model=chat(WEATHER_MODEL))],
        model=chat(LEADER),
        tools=tools_for,
        callable_tools_cache_key=lambda run_context: run_context.session_id[:4],
    )
    for _ in range(3):
        reply(mock_model, "ok")

    await team.arun("hi", session_id="aaaa-1")
    await team.arun("hi", session_id="aaaa-2")  # same key: cached
    await team.arun("hi", session_id="bbbb-1")

    assert calls == ["aaaa-1", "bbbb-1"]
    team.clear_callable_cache(kind="tools")
    reply(mock_model, "ok")
    await team.arun("hi", session_id="aaaa-3")
    assert calls == ["aaaa-1", "bbbb-1", "aaaa-3"]


# -- member factories ------------------------------------------------------------------------------


def _analyst(name: str) -> Agent:
    return Agent(name=name, role=f"{name} analysis", model=chat(WEATHER_MODEL))


async def test_a_member_factory_gives_each_run_its_members(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    calls: list[str | None] = []

    async def members_for(run_context: RunContext) -> list[Agent]:
        calls.append(run_context.user_id)
        if run_context.user_id == "ann":
            return [_analyst("Equity"), _analyst("Credit")]
        return [_analyst("Macro")]

    team = Team(members=members_for, model=chat(LEADER), db=agno_db)
    assert team.members == [] and team.members_factory is members_for
    delegate(mock_model, "credit", "Rate this bond")
    reply(mock_model, "BBB.", model=WEATHER_MODEL)
    reply(mock_model, "It is BBB.")
    reply(mock_model, "Macro view.")
    reply(mock_model, "Again.")

    run = await team.arun("Rate the bond", user_id="ann")
    await team.arun("Macro?", user_id="bob", session_id="s-bob")
    await team.arun("Again", user_id="ann")

    requests = run_requests(mock_model)
    assert 'id="equity"' in system_text(requests[0])
    assert 'id="credit"' in system_text(requests[0])
    assert [m.content for m in run.member_responses] == ["BBB."]
    assert 'id="macro"' in system_text(requests[3])
    assert 'id="credit"' not in system_text(requests[3])
    assert 'id="credit"' in system_text(requests[4])  # ann's members, from the cache
    assert calls == ["ann", "bob"]


async def test_a_member_factory_reads_the_loaded_session_state(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    def members_for(session_state: dict[str, Any]) -> list[Agent]:
        return [_analyst(name) for name in session_state["desks"]]

    team = Team(
        members=members_for,
        model=chat(LEADER),
        db=agno_db,
        session_id="s1",
        session_state={"desks": ["Rates"]},
        cache_callables=False,
    )
    reply(mock_model, "one")
    reply(mock_model, "two")

    await team.arun("hi")
    await team.arun("hi", session_state={"desks": ["Rates", "FX"]})

    requests = run_requests(mock_model)
    assert 'id="rates"' in system_text(requests[0]) and 'id="fx"' not in system_text(requests[0])
    assert 'id="fx"' in system_text(requests[1])


async def test_callable_members_cache_key_and_clearing_the_members_cache(
    mock_model: MockOpenAI,
) -> None:
    calls = 0

    def members_for() -> list[Agent]:
        nonlocal calls
        calls += 1
        return [_analyst("Equity")]

    team = Team(
        members=members_for,
        model=chat(LEADER),
        callable_members_cache_key=lambda: "everyone",
    )
    for _ in range(3):
        reply(mock_model, "ok")

    await team.arun("hi", user_id="ann")
    await team.arun("hi", user_id="bob")
    assert calls == 1
    team.clear_callable_cache(kind="members")
    await team.arun("hi", user_id="ann")
    assert calls == 2


async def test_a_member_factory_must_return_a_list(mock_model: MockOpenAI) -> None:
    team = Team(members=lambda: _analyst("Solo"), model=chat(LEADER))

    run = await team.arun("hi")

    assert run.status is RunStatus.error
    assert "members factory must return a list or tuple, not Agent" in (run.error or "")
    assert mock_model.requests == []


def test_clear_callable_cache_checks_its_arguments() -> None:
    team = Team(members=[_analyst("Equity")], model=chat(LEADER))

    with pytest.raises(ValueError, match="Invalid kind: 'agents'"):
        team.clear_callable_cache(kind="agents")
    team.clear_callable_cache(close=True)  # as in Agno: nothing cached, nothing to close
