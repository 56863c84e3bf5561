"""The system message in Agno's layout and words, section by section (texts taken from Agno
3.1.10's requests on the same mock, for the same agents)."""

from __future__ import annotations

from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.run import RunContext
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import system_text


async def test_every_section_in_agnos_order_and_words(mock_model: MockOpenAI) -> None:
    agent = Agent(
        name="Greeter",
        description="A greeter.",
        role="greets people",
        instructions=["Be brief.", "Be kind."],
        markdown=True,
        add_name_to_context=True,
        expected_output="A one-line greeting.",
        additional_context="Extra ctx.",
    )

    await agent.arun("hi")

    assert system_text(mock_model.requests[0]) == (
        "A greeter.\n\n<your_role>\ngreets people\n</your_role>\n\n- Be brief.\n- Be kind.\n\n"
        "<additional_information>\n- Use markdown to format your answers.\n"
        "- Your name is: Greeter.\n</additional_information>\n\n"
        "<expected_output>\nA one-line greeting.\n</expected_output>\n\nExtra ctx."
    )


async def test_placeholders_are_resolved_before_the_additional_context(
    mock_model: MockOpenAI,
) -> None:
    agent = Agent(instructions="Only one {user_id}.", additional_context="ctx {user_id}")

    await agent.arun("hi", user_id="u1")

    assert system_text(mock_model.requests[0]) == "Only one u1.\n\nctx {user_id}"


async def test_session_state_block(mock_model: MockOpenAI) -> None:
    agent = Agent(description="D", session_state={"count": 1}, add_session_state_to_context=True)

    await agent.arun("hi")

    assert system_text(mock_model.requests[0]) == (
        "D\n\n<session_state>\n{'count': 1}\n</session_state>"
    )


async def test_a_multi_line_instruction_is_a_block_of_its_own(mock_model: MockOpenAI) -> None:
    await Agent(instructions=["Short.", "Line one\nline two"]).arun("hi")

    assert system_text(mock_model.requests[0]) == "- Short.\n\nLine one\nline two"


async def test_callable_instructions_are_called_each_run_with_what_they_ask_for(
    mock_model: MockOpenAI,
) -> None:
    calls: list[tuple[object, str, dict[str, object]]] = []

    def instructions(
        agent: Agent, run_context: RunContext, session_state: dict[str, Any]
    ) -> list[str]:
        calls.append((agent, run_context.session_id, dict(session_state)))
        return [f"Call me {session_state['name']}.", "Be brief, {name}."]

    agent = Agent(instructions=instructions, session_state={"name": "Ann"})
    await agent.arun("hi", session_id="s1")
    await agent.arun("again", session_id="s1", session_state={"name": "Bo"})

    assert [system_text(r) for r in mock_model.requests] == [
        "- Call me Ann.\n- Be brief, Ann.",
        "- Call me Bo.\n- Be brief, Bo.",
    ]
    assert [(a is agent, sid, state["name"]) for a, sid, state in calls] == [
        (True, "s1", "Ann"),
        (True, "s1", "Bo"),
    ]


async def test_async_callable_instructions_of_a_team(mock_model: MockOpenAI) -> None:
    async def instructions(team: Team) -> str:
        return f"Lead {team.name}."

    team = Team(name="T", members=[Agent(name="m")], instructions=instructions)
    await team.arun("hi")

    assert system_text(mock_model.requests[0]).startswith("Lead T.\n\n<team>")


async def test_callable_instructions_returning_something_else_are_left_out(
    mock_model: MockOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    agent = Agent(description="D", instructions=lambda: 42)

    await agent.arun("hi")

    assert system_text(mock_model.requests[0]) == "D"
    assert "callable instructions returned int" in caplog.text
