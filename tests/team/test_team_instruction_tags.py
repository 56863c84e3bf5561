"""``Team(use_instruction_tags=True)``: the leader's instructions in ``<instructions>`` tags."""

from __future__ import annotations

from agno_core.agent import Agent
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import LEADER, WEATHER_MODEL, chat, reply, system_text


def _team(**kw: object) -> Team:
    member = Agent(name="Helper", model=chat(WEATHER_MODEL), instructions="Be brief.")
    return Team(members=[member], model=chat(LEADER), **kw)  # type: ignore[arg-type]


async def test_instructions_are_wrapped_in_tags(mock_model: MockOpenAI) -> None:
    reply(mock_model, "ok")
    reply(mock_model, "ok")

    await _team(instructions=["Route well.", "Be kind."], use_instruction_tags=True).arun("hi")
    await _team(instructions="Route well.", use_instruction_tags=True).arun("hi")

    many, one = (system_text(r) for r in mock_model.requests)
    assert "<instructions>\n- Route well.\n- Be kind.\n</instructions>" in many
    assert "<instructions>\nRoute well.\n</instructions>" in one


async def test_without_the_flag_there_are_no_tags(mock_model: MockOpenAI) -> None:
    reply(mock_model, "ok")

    await _team(instructions="Route well.").arun("hi")

    text = system_text(mock_model.requests[0])
    assert "Route well." in text
    assert "<instructions>" not in text
