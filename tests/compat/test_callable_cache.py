"""``clear_callable_cache`` / ``aclear_callable_cache`` of Agent and Team as in Agno 3.1.10:
``(kind=None, close=False)``; ``close`` closes what the factories returned (each once) before
forgetting it."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat
from agno_core.team import Team
from agno_core.tools import Toolkit
from pytest_agno.mock import MockOpenAI


class Connection(Toolkit):
    """A toolkit holding a connection, as an MCP toolkit does."""

    def __init__(self) -> None:
        super().__init__(name="connection", tools=[self.ping, self.pong])
        self.closed: list[str] = []

    def ping(self) -> str:
        """Ping."""
        return "pong"

    def pong(self) -> str:
        """Pong."""
        return "ping"

    def close(self) -> None:
        self.closed.append("close")

    async def aclose(self) -> None:
        self.closed.append("aclose")


def factory_agent(made: list[Connection]) -> Agent:
    def tools_for() -> list[Any]:
        made.append(Connection())
        return [made[-1]]

    return Agent(model="openai:gpt-4o-mini", tools=tools_for)


@pytest.mark.parametrize("cls", [Agent, Team])
@pytest.mark.parametrize("name", ["clear_callable_cache", "aclear_callable_cache"])
def test_the_signature_is_agnos(cls: type[Any], name: str) -> None:
    params = inspect.signature(getattr(cls, name)).parameters
    assert list(params) == ["self", "kind", "close"]
    assert params["kind"].default is None
    assert params["close"].default is False


async def test_clear_forgets_the_factory_tools_of_every_key(mock_model: MockOpenAI) -> None:
    made: list[Connection] = []
    agent = factory_agent(made)
    await agent.arun("hi", user_id="ann")
    await agent.arun("hi", user_id="ann")
    assert len(made) == 1

    agent.clear_callable_cache(kind="members")  # an agent has no member cache: nothing
    await agent.arun("hi", user_id="ann")
    assert len(made) == 1
    agent.clear_callable_cache()
    await agent.arun("hi", user_id="ann")
    assert len(made) == 2
    assert made[0].closed == []  # close=False closes nothing


async def test_close_closes_each_cached_toolkit_once(mock_model: MockOpenAI) -> None:
    made: list[Connection] = []
    agent = factory_agent(made)
    await agent.arun("hi", user_id="ann")
    await agent.arun("hi", user_id="bob")

    agent.clear_callable_cache(kind="tools", close=True)

    assert [c.closed for c in made] == [["close"], ["close"]]  # two tools, closed once each
    await agent.arun("hi", user_id="ann")
    assert len(made) == 3


async def test_aclose_prefers_aclose(mock_model: MockOpenAI) -> None:
    made: list[Connection] = []
    agent = factory_agent(made)
    await agent.arun("hi", user_id="ann")

    await agent.aclear_callable_cache(close=True)

    assert made[0].closed == ["aclose"]
    await agent.arun("hi", user_id="ann")
    assert len(made) == 2


async def test_a_team_clears_its_member_cache_and_closes_members(mock_model: MockOpenAI) -> None:
    closed: list[str] = []

    class Closable(Agent):
        def close(self) -> None:
            closed.append(self.name or "")

    calls = 0

    def members_for() -> list[Agent]:
        nonlocal calls
        calls += 1
        return [Closable(name="Equity", model=OpenAIChat(id="gpt-4o-mini"))]

    team = Team(members=members_for, model=OpenAIChat(id="gpt-4o"))
    await team.arun("hi")
    team.clear_callable_cache(kind="tools", close=True)  # the member cache is kept
    await team.arun("hi")
    assert (calls, closed) == (1, [])

    team.clear_callable_cache(kind="members", close=True)
    await team.arun("hi")
    assert (calls, closed) == (2, ["Equity"])


@pytest.mark.parametrize("cls", [Agent, Team])
async def test_an_unknown_kind_is_refused(cls: type[Any]) -> None:
    owner = cls(model="openai:gpt-4o") if cls is Agent else cls(members=[], model="openai:gpt-4o")
    with pytest.raises(ValueError, match="Invalid kind: 'agents'"):
        owner.clear_callable_cache(kind="agents")
    with pytest.raises(ValueError, match="Invalid kind: 'agents'"):
        await owner.aclear_callable_cache("agents")
    owner.clear_callable_cache("knowledge")  # no knowledge factory here: nothing to clear
