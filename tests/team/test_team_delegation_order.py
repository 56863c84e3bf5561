"""How a team runs the members one leader response asks for, per entry point, as Agno 3.1.10
does: ``run()`` one after another (so with ``share_member_interactions`` a later member reads
the earlier answers), ``arun()`` concurrently; for ``delegate_task_to_member`` calls and for the
``delegate_task_to_members`` broadcast alike."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import chat

LEADER, MEMBER = "gpt-4o", "gpt-4o-mini"
MEET_WAIT = 5.0  # a hang guard only: the other member releases the wait at once when it runs


def _team(tools: list[Any] | None = None, **kw: Any) -> Team:
    alpha = Agent(name="Alpha", model=chat(MEMBER), tools=list(tools or []))
    beta = Agent(name="Beta", model=chat(MEMBER), tools=list(tools or []))
    return Team(members=[alpha, beta], model=chat(LEADER), share_member_interactions=True, **kw)


def _script(mock: MockOpenAI, *, broadcast: bool, member_calls: bool = False) -> None:
    if broadcast:
        mock.add_tool_calls([("delegate_task_to_members", {"task": "t"})], model=LEADER)
    else:
        mock.add_tool_calls(
            [
                ("delegate_task_to_member", {"member_id": "alpha", "task": "t2"}),
                ("delegate_task_to_member", {"member_id": "beta", "task": "t3"}),
            ],
            model=LEADER,
        )
    if member_calls:
        mock.add_tool_call("meet", {"who": "alpha"}, model=MEMBER)
        mock.add_tool_call("meet", {"who": "beta"}, model=MEMBER)
    mock.add_text("alpha says", model=MEMBER)
    mock.add_text("beta says", model=MEMBER)
    mock.add_text("team says", model=LEADER)


def _member_inputs(mock: MockOpenAI) -> list[str]:
    return [
        m["content"]
        for r in mock.requests
        if r.json["model"] == MEMBER
        for m in r.json["messages"]
        if m["role"] == "user"
    ]


@pytest.mark.parametrize("broadcast", [False, True], ids=["delegations", "broadcast"])
def test_run_asks_the_members_one_after_another(mock_model: MockOpenAI, broadcast: bool) -> None:
    _script(mock_model, broadcast=broadcast)
    team = _team(delegate_to_all_members=True) if broadcast else _team()

    result = team.run("Go")

    assert result.status is RunStatus.completed
    assert [m.content for m in result.member_responses] == ["alpha says", "beta says"]
    first, second = _member_inputs(mock_model)
    assert "<member_interaction_context>" not in first
    assert "<member_interaction_context>" in second and "alpha says" in second


def _meeting() -> Callable[[str], Awaitable[str]]:
    started = {"alpha": asyncio.Event(), "beta": asyncio.Event()}

    async def meet(who: str) -> str:
        """Wait for the other member.

        Args:
            who: Who arrives.
        """
        started[who].set()
        other = "beta" if who == "alpha" else "alpha"
        await asyncio.wait_for(started[other].wait(), MEET_WAIT)
        return f"{who} met"

    return meet


@pytest.mark.parametrize("broadcast", [False, True], ids=["delegations", "broadcast"])
async def test_arun_asks_the_members_together(mock_model: MockOpenAI, broadcast: bool) -> None:
    _script(mock_model, broadcast=broadcast, member_calls=True)
    meet = _meeting()
    team = _team([meet], delegate_to_all_members=True) if broadcast else _team([meet])

    result = await team.arun("Go")

    assert result.status is RunStatus.completed
    met = sorted(t.result or "" for m in result.member_responses for t in m.tools)
    assert met == ["alpha met", "beta met"]  # each member's tool met the other's: they overlapped
    assert not any("<member_interaction_context>" in text for text in _member_inputs(mock_model))


def test_members_of_a_sync_team_run_call_their_tools_one_after_another(
    mock_model: MockOpenAI,
) -> None:
    log: list[str] = []

    async def step(x: str) -> str:
        """Record the call."""
        log.append(f"start {x}")
        await asyncio.sleep(0)
        log.append(f"end {x}")
        return x

    mock_model.add_tool_call(
        "delegate_task_to_member", {"member_id": "alpha", "task": "t"}, model=LEADER
    )
    mock_model.add_tool_calls([("step", {"x": "a"}), ("step", {"x": "b"})], model=MEMBER)
    mock_model.add_text("alpha says", model=MEMBER)
    mock_model.add_text("team says", model=LEADER)

    result = _team([step]).run("Go")

    assert result.status is RunStatus.completed
    assert log == ["start a", "end a", "start b", "end b"]
