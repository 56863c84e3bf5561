"""Agno's shared context and tool options on a Team: they apply to the leader's own run, the
run's dependencies and metadata reach the members, and options a Team does not take read as
Agno's defaults."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from agno_core.agent import Agent
from agno_core.team import Team
from tests.team.mode_helpers import ModeTeamMaker, model, of_model, system_of
from tests.team.team_helpers import LEADER, WEATHER_MODEL, delegate, reply

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


def _one_delegation(mock: MockOpenAI) -> None:
    delegate(mock, "weather", "Weather?")
    reply(mock, "Sunny.", model=WEATHER_MODEL)
    reply(mock, "It is sunny.")


async def test_context_options_build_the_leaders_system_message(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(
        instructions="Plan the trip to {city}.",
        dependencies={"city": "Oslo"},
        add_datetime_to_context=True,
        datetime_format="%Y",
        timezone_identifier="UTC",
        add_name_to_context=True,
    )
    _one_delegation(mock_model)

    result = await team.arun("Weather?")

    assert result.content == "It is sunny."
    system = system_of(of_model(mock_model.requests, LEADER)[0])
    assert "Plan the trip to Oslo." in system
    assert "<additional_information>\n- The current time is 20" in system
    assert "- Your name is: Travel Team." in system
    assert '<member id="weather"' in system  # the team's own part is still there


async def test_resolve_in_context_false_sends_placeholders_as_written(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(
        instructions="Plan the trip to {city}.",
        dependencies={"city": "Oslo"},
        resolve_in_context=False,
    )
    _one_delegation(mock_model)

    await team.arun("Weather?")

    assert "Plan the trip to {city}." in system_of(of_model(mock_model.requests, LEADER)[0])


async def test_tool_choice_is_sent_with_the_leaders_calls_only(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(tool_choice="auto")
    _one_delegation(mock_model)

    await team.arun("Weather?")

    leaders = of_model(mock_model.requests, LEADER)
    assert [r.json.get("tool_choice") for r in leaders] == ["auto", "auto"]
    member = of_model(mock_model.requests, WEATHER_MODEL)[0]
    assert "tool_choice" not in member.json


async def test_members_receive_the_team_runs_dependencies_and_metadata(
    mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str
) -> None:
    weather = Agent(
        name="Weather",
        model=model(endpoint, WEATHER_MODEL),
        instructions="Forecast for {city}, {unit}.",
        dependencies={"unit": "celsius"},
        db=agno_db,
    )
    team = Team(
        [weather],
        name="Travel Team",
        model=model(endpoint, LEADER),
        dependencies={"city": "Oslo", "unit": "fahrenheit"},
        metadata={"trip": "t-1"},
        store_member_responses=True,
        db=agno_db,
    )
    _one_delegation(mock_model)

    result = await team.arun("Weather?", metadata={"call": 2})

    member_request = of_model(mock_model.requests, WEATHER_MODEL)[0]
    # The team run's values are merged over the member's own, as a call's are.
    assert "Forecast for Oslo, fahrenheit." in system_of(member_request)
    member_run = result.member_responses[0]
    assert member_run.metadata == {"trip": "t-1", "call": 2}
    assert result.metadata == {"trip": "t-1", "call": 2}


def test_options_a_team_does_not_take_read_as_agnos_defaults() -> None:
    team = Team([Agent(name="A")])

    assert (team.session_state, team.cache_callables, team.enable_agentic_state) == (
        None,
        True,
        False,
    )
    assert (team.tool_choice, team.system_message_role, team.resolve_in_context) == (
        None,
        "system",
        True,
    )
    with pytest.raises(AttributeError, match="no attribute 'colour'"):
        _ = team.colour


def _add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_tool_hooks_wrap_the_teams_own_tools(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker
) -> None:
    seen: list[tuple[str, dict[str, int]]] = []

    def hook(function_name: str, function_call: object, arguments: dict[str, int]) -> object:
        seen.append((function_name, arguments))
        return function_call(**arguments) * 10  # type: ignore[operator]

    team = make_mode_team(tools=[_add], tool_hooks=[hook])
    mock_model.add_tool_call("_add", {"a": 1, "b": 2}, model=LEADER)
    mock_model.add_text("It is 30.", model=LEADER)

    result = await team.arun("1+2?")

    assert seen == [("_add", {"a": 1, "b": 2})]
    assert result.tools is not None and result.tools[0].result == "30"


async def test_read_chat_history_gives_the_leader_the_teams_chat(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker
) -> None:
    team = make_mode_team(read_chat_history=True, session_id="t1")
    mock_model.add_text("Hello there.", model=LEADER)
    await team.arun("Hi")
    mock_model.add_tool_call("get_chat_history", {"num_chats": 2}, model=LEADER)
    mock_model.add_text("You said hi.", model=LEADER)

    result = await team.arun("What did I say?")

    assert result.tools is not None
    chat = json.loads(result.tools[0].result or "")
    assert [(m["role"], m["content"]) for m in chat] == [
        ("user", "Hi"),
        ("assistant", "Hello there."),
    ]


async def test_the_leaders_chat_history_tool_is_agnos_team_version(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker
) -> None:
    team = make_mode_team(read_chat_history=True, session_id="t2")
    mock_model.add_tool_call("get_chat_history", {}, model=LEADER)
    mock_model.add_text("Nothing yet.", model=LEADER)

    result = await team.arun("What did I say?")

    (sent,) = [
        t for t in mock_model.requests[0].json["tools"] if "get_chat_history" in json.dumps(t)
    ]
    assert "team chat history" in json.dumps(sent)
    assert result.tools is not None and result.tools[0].result == ""  # no chat yet: "", as Agno
