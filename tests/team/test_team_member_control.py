"""What a team forwards to its members and offers its leader: ``determine_input_for_members``,
``share_member_interactions``, ``add_team_history_to_members``, ``get_member_information_tool``,
``add_member_tools_to_context``, ``stream_member_events``, ``show_members_responses``,
``initialize_team``, and the Agno parameters agno_core refuses by name.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from agno_core.agent import Agent
from agno_core.team import Team, TeamMode
from agno_core.team._unsupported import UnsupportedMethodError, UnsupportedParameterError
from tests.team.mode_helpers import (
    ModeTeamMaker,
    model,
    of_model,
    system_of,
    tool_outputs,
    tool_specs,
    user_of,
)
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    call,
    delegate,
    reply,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


def one_delegation(mock: MockOpenAI, answer: str = "Done.", task: str = "Weather?") -> None:
    delegate(mock, "weather", task)
    reply(mock, "Sunny.", model=WEATHER_MODEL)
    reply(mock, answer)


# -- what members receive ----------------------------------------------------------------------


async def test_determine_input_for_members_false_sends_the_users_input(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(determine_input_for_members=False)
    one_delegation(mock_model, task="weather label")

    result = await team.arun("Is it raining in Bergen today?")

    member = of_model(mock_model.requests, WEATHER_MODEL)[0]
    assert user_of(member) == "Is it raining in Bergen today?"
    assert result.member_responses[0].input.input_content == "Is it raining in Bergen today?"
    assert "receives the user's message itself" in system_of(mock_model.requests[0])


async def test_share_member_interactions_tells_later_members_what_earlier_ones_said(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(share_member_interactions=True)
    delegate(mock_model, "weather", "Weather in Oslo?")
    reply(mock_model, "Snowing.", model=WEATHER_MODEL)
    delegate(mock_model, "clock", "Time in Oslo?")
    reply(mock_model, "08:00.", model=CLOCK_MODEL)
    reply(mock_model, "Snowing at 08:00.")

    await team.arun("Oslo now?")

    [weather] = of_model(mock_model.requests, WEATHER_MODEL)
    [clock] = of_model(mock_model.requests, CLOCK_MODEL)
    assert user_of(weather) == "Weather in Oslo?"  # the first member has nothing to be told
    assert user_of(clock) == (
        "<member_interaction_context>\n"
        "See below interactions with other team members.\n"  # Agno's words and its blank lines
        "Member: Weather\nTask: Weather in Oslo?\nResponse: Snowing.\n\n"
        "</member_interaction_context>\n\n\nTime in Oslo?"
    )


async def test_without_sharing_members_get_only_their_task(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team()
    delegate(mock_model, "weather", "Weather in Oslo?")
    reply(mock_model, "Snowing.", model=WEATHER_MODEL)
    delegate(mock_model, "clock", "Time in Oslo?")
    reply(mock_model, "08:00.", model=CLOCK_MODEL)
    reply(mock_model, "Snowing at 08:00.")

    await team.arun("Oslo now?")

    [clock] = of_model(mock_model.requests, CLOCK_MODEL)
    assert user_of(clock) == "Time in Oslo?"


async def test_add_team_history_to_members_sends_the_last_team_runs(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, db: SqlDb, endpoint: str
) -> None:
    team = make_mode_team(db=db, add_team_history_to_members=True, num_team_history_runs=1)
    reply(mock_model, "Hello!")  # run 1: no delegation
    one_delegation(mock_model, answer="Sunny in Rome.", task="Weather in Rome?")  # run 2
    one_delegation(mock_model, answer="Still sunny.", task="And now?")  # run 3

    await team.arun("Hi", session_id="s-hist")
    await team.arun("Weather in Rome?", session_id="s-hist")
    await team.arun("And now?", session_id="s-hist")

    second, third = of_model(mock_model.requests, WEATHER_MODEL)
    assert user_of(second) == (
        "<team_history_context>\n[run-1]\ninput: Hi\nresponse: Hello!\n\n"
        "</team_history_context>\n\n\nWeather in Rome?"  # Agno's three newlines
    )
    # num_team_history_runs=1: only the run before, not the first one
    assert user_of(third).startswith(
        "<team_history_context>\n[run-1]\ninput: Weather in Rome?\nresponse: Sunny in Rome.\n"
    )
    assert "input: Hi" not in user_of(third)
    assert "shared team context" in system_of(mock_model.requests[0])


# -- what the leader is offered ---------------------------------------------------------------


async def test_get_member_information_tool_returns_the_roster(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(get_member_information_tool=True)
    call(mock_model, "get_member_information", {}, model=LEADER)
    reply(mock_model, "Weather and Clock.")

    result = await team.arun("Who is on the team?")

    first, second = mock_model.requests
    assert list(tool_specs(first)) == ["delegate_task_to_member", "get_member_information"]
    assert "`get_member_information`" in system_of(first)
    [roster] = tool_outputs(second)
    assert roster == team.get_member_information()
    assert '<member id="weather" name="Weather">\n  Role: Knows the weather\n</member>' in roster
    assert result.tools[0].tool_name == "get_member_information"


async def test_without_the_info_tool_the_leader_has_only_delegation(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team()
    reply(mock_model, "Hi.")

    await team.arun("Hi")

    assert list(tool_specs(mock_model.requests[0])) == ["delegate_task_to_member"]
    assert "get_member_information" not in system_of(mock_model.requests[0])


async def test_add_member_tools_to_context_lists_each_members_tools(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(add_member_tools_to_context=True)
    reply(mock_model, "Hi.")

    await team.arun("Hi")

    system = system_of(mock_model.requests[0])
    assert "Role: Knows the weather\n  Tools: get_weather\n</member>" in system
    assert "Role: Knows the time\n  Tools: get_time\n</member>" in system


def test_get_members_system_message_content_is_the_roster() -> None:
    team = Team(
        [Agent(name="Scout", role="Finds things", description="Fast.")],
        name="T",
    )

    assert team.get_members_system_message_content() == (
        '<member id="scout" name="Scout">\n  Role: Finds things\n  Description: Fast.\n</member>\n'
    )
    assert team.get_members_system_message_content(indent=2).startswith('  <member name="Scout">')


async def test_add_tool_and_set_tools_change_the_leaders_tools(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    def lookup(query: str) -> str:
        """Look something up."""
        return query

    def other(x: int) -> int:
        """Other."""
        return x

    team = make_mode_team()
    team.add_tool(lookup)
    reply(mock_model, "a", times=2)
    await team.arun("x")
    team.set_tools([other])
    await team.arun("y")

    first, second = mock_model.requests
    assert list(tool_specs(first)) == ["delegate_task_to_member", "lookup"]  # by name, as Agno
    assert list(tool_specs(second)) == ["delegate_task_to_member", "other"]


# -- streaming and printing -------------------------------------------------------------------


@pytest.mark.parametrize("forward", [True, False], ids=["default", "off"])
async def test_stream_member_events(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str, forward: bool
) -> None:
    team = make_mode_team(stream_member_events=forward)
    one_delegation(mock_model, answer="Done.")

    events = [e async for e in team.arun("Weather?", stream=True)]

    member = [e for e in events if e.parent_run_id is not None]
    if forward:
        assert member[0].event == "RunStarted"
        assert "RunCompleted" in [e.event for e in member]
        assert {e.agent_id for e in member} == {"weather"}
    else:
        assert member == []
    # the team's own stream is plain (no stream_events): its answer, and no completion event
    own = {e.event for e in events if e.parent_run_id is None}
    assert own == {"TeamRunContent"}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
async def test_show_members_responses_prints_each_member_answer(
    mock_model: MockOpenAI,
    make_mode_team: ModeTeamMaker,
    capsys: pytest.CaptureFixture[str],
    endpoint: str,
    stream: bool,
) -> None:
    team = make_mode_team(show_members_responses=True)
    one_delegation(mock_model, answer="It is sunny.")

    await team.aprint_response("Weather?", stream=stream)

    out = capsys.readouterr().out
    assert "--- Weather ---\nSunny.\n" in out
    assert out.index("--- Weather ---") < out.index("--- Travel Team ---")
    assert "--- Travel Team ---\nIt is sunny.\n" in out


async def test_print_response_can_turn_member_responses_on_per_call(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    team = make_mode_team()
    one_delegation(mock_model, answer="It is sunny.")
    one_delegation(mock_model, answer="Again sunny.")

    await team.aprint_response("Weather?")
    plain = capsys.readouterr().out
    await team.aprint_response("Weather?", show_member_responses=True)
    shown = capsys.readouterr().out

    assert plain == "Message: Weather?\nIt is sunny.\n"
    assert "--- Weather ---\nSunny.\n" in shown


async def test_member_responses_render_as_markdown_on_a_console(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker
) -> None:
    from rich.console import Console

    team = make_mode_team(show_members_responses=True)
    one_delegation(mock_model, answer="It is **sunny**.")
    console = Console(record=True, width=80, force_terminal=False)

    await team.aprint_response(
        "Weather?", markdown=True, console=console, show_full_reasoning=False
    )

    text = console.export_text()
    assert "--- Weather ---" in text and "--- Travel Team ---" in text
    assert "It is sunny." in text  # the markdown rendered: no asterisks left
    assert "**" not in text


# -- initialize_team ---------------------------------------------------------------------------


async def test_members_without_a_model_use_the_leaders(
    mock_model: MockOpenAI, endpoint: str
) -> None:
    leader = model(endpoint, LEADER)
    scout = Agent(name="Scout")
    team = Team([scout], model=leader)
    delegate(mock_model, "scout", "Look.")
    reply(mock_model, "Seen.", times=2)

    result = await team.arun("Look around.")

    assert scout.model is leader
    assert [r.model for r in mock_model.requests] == [LEADER, LEADER, LEADER]
    assert result.member_responses[0].model == LEADER


def test_initialize_team_prepares_members_and_nested_teams() -> None:
    inner_model = model("chat", CLOCK_MODEL)
    deep = Agent(name="Deep")
    inner = Team([deep], name="Inner", model=inner_model)
    own = model("chat", WEATHER_MODEL)
    keeps = Agent(name="Keeps", model=own)
    bare = Agent(name="Bare")
    team = Team([keeps, bare, inner], name="Outer")

    team.initialize_team(debug_mode=True)

    assert team.model is not None and team.model.id == "gpt-4o"  # the default leader model
    assert keeps.model is own
    assert bare.model is team.model
    assert deep.model is inner_model  # a nested team's members inherit from it
    assert all(m.debug_mode for m in (keeps, bare, inner, deep))


def test_initialize_team_settles_both_flags(caplog: pytest.LogCaptureFixture) -> None:
    team = Team([Agent(name="A")])
    team.respond_directly = True
    team.delegate_to_all_members = True

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        team.initialize_team()

    assert (team.mode, team.respond_directly) == (TeamMode.broadcast, False)


def test_members_can_be_passed_positionally() -> None:
    scout = Agent(name="Scout")

    assert Team([scout]).members == [scout]


# -- not supported ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["knowledge", "input_schema", "parser_model", "reasoning_model"])
def test_agno_parameters_agno_core_lacks_are_refused_by_name(name: str) -> None:
    with pytest.raises(UnsupportedParameterError, match=rf"Team\({name}=\) is not supported"):
        Team([], **{name: object()})


def test_a_typo_is_a_plain_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected keyword arguments: respond_directy") as info:
        Team([], respond_directy=True)  # type: ignore[call-arg]
    assert not isinstance(info.value, UnsupportedParameterError)


def test_agno_methods_agno_core_lacks_are_refused_by_name() -> None:
    team = Team([])

    with pytest.raises(UnsupportedMethodError, match=r"Team.get_system_message\(\) is not supp"):
        team.get_system_message()
    assert not hasattr(team, "continue_run")  # still an AttributeError
    with pytest.raises(AttributeError, match="no attribute 'nonsense'") as info:
        _ = team.nonsense
    assert not isinstance(info.value, UnsupportedMethodError)


def test_the_sync_api_routes_and_prints_member_responses(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    team = make_mode_team(mode=TeamMode.route, determine_input_for_members=False)
    delegate(mock_model, "clock", "time")
    reply(mock_model, "07:15 in Lisbon.", model=CLOCK_MODEL)
    delegate(mock_model, "clock", "time")
    reply(mock_model, "07:16 in Lisbon.", model=CLOCK_MODEL)

    result = team.run("What time is it in Lisbon?")
    team.print_response("And now?", show_member_responses=True)

    assert result.content == "07:15 in Lisbon."
    first, second = of_model(mock_model.requests, CLOCK_MODEL)
    assert (user_of(first), user_of(second)) == ("What time is it in Lisbon?", "And now?")
    out = capsys.readouterr().out
    assert out == (
        "Message: And now?\n--- Clock ---\n07:16 in Lisbon.\n"
        "--- Travel Team ---\n07:16 in Lisbon.\n"
    )
